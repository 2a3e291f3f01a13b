package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.store.TestDatabases;
import io.portcullis.token.issue.KeyEncryptor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one PostgreSQL: one registry, one set of keys, changes pushed between them. */
class TwoNodesPostgresTest {
  private static final String ADMIN_PASSWORD = "admin-password-123";
  private static Vertx vertx;
  private static HttpServer upstream;
  private static PortcullisNode a;
  private static PortcullisNode b;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    vertx = Vertx.vertx();
    upstream =
        vertx
            .createHttpServer()
            .requestHandler(r -> r.response().end("upstream saw " + r.path()))
            .listen(0, "127.0.0.1")
            .await();
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        "gateway:\n  listen: 127.0.0.1:0\n  publicUrl: http://cluster.test\nadmin:\n  listen: 127.0.0.1:0\n");
    byte[] masterKey = new byte[32];
    new java.security.SecureRandom().nextBytes(masterKey);
    Map<String, String> env =
        Map.of(
            "PORTCULLIS_ADMIN_PASSWORD",
            ADMIN_PASSWORD,
            KeyEncryptor.ENV,
            Base64.getEncoder().encodeToString(masterKey));
    String db = TestDatabases.postgres();
    a = PortcullisNode.start(new NodeOptions(config, dir.resolve("a"), db, env));
    b = PortcullisNode.start(new NodeOptions(config, dir.resolve("b"), db, env));
  }

  @AfterAll
  static void stop() {
    if (a != null) a.close();
    if (b != null) b.close();
    vertx.close().await();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void adminChangeOnOneNodeWhenMadeThenLiveOnTheOtherWithoutRestart() throws Exception {
    String api =
        new JsonObject()
            .put("name", "shared")
            .put("version", "v1")
            .put("basePath", "/shared")
            .put("upstream", "http://127.0.0.1:" + upstream.actualPort())
            .encode();
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.adminPort() + "/apis"))
                .header("Authorization", basic("admin", ADMIN_PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(api)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    URI onB = URI.create("http://127.0.0.1:" + b.gatewayPort() + "/shared/x");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(send(HttpRequest.newBuilder(onB)).body()).isEqualTo("upstream saw /x"));

    HttpResponse<String> deactivated =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + a.adminPort() + "/apis/shared/v1/deactivate"))
                .header("Authorization", basic("admin", ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(deactivated.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(send(HttpRequest.newBuilder(onB)).statusCode()).isEqualTo(404));
  }

  @Test
  void jwtIssuedByOneNodeWhenPresentedToTheOtherThenSameKeysVerifyIt() throws Exception {
    assertThat(a.signingKeys().active().kid()).isEqualTo(b.signingKeys().active().kid());
    HttpResponse<String> jwt =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + a.gatewayPort() + "/oauth2/jwt"))
                .header("Authorization", basic("admin", ADMIN_PASSWORD)));
    assertThat(jwt.statusCode()).isEqualTo(200);
    HttpResponse<String> jwks =
        send(
            HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + b.gatewayPort() + "/oauth2/jwks")));
    String kid =
        new String(
            Base64.getUrlDecoder()
                .decode(new JsonObject(jwt.body()).getString("jwt").split("\\.")[0]),
            StandardCharsets.UTF_8);
    assertThat(jwks.body()).contains(new JsonObject(kid).getString("kid"));
  }
}
