package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.gateway.RawHttpConnection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway core of a whole node: admin changes are live on the next call without a restart and
 * without dropping a keep-alive connection; the admin API refuses strangers and non-admins; health
 * and metrics answer.
 */
class GatewayCoreE2ETest {
  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node =
        RunningNode.start(
            RunningNode.configFile("core.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of("UPSTREAM", upstreamUrl(), "ALICE_PASSWORD", "alice-password"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  static String upstreamUrl() {
    return "http://127.0.0.1:" + upstream.port();
  }

  @Test
  void adminChangesWhenMadeThroughTheAdminApiThenLiveOnTheSameKeepAliveConnection()
      throws Exception {
    String api =
        "{\"name\":\"live\",\"version\":\"v1\",\"basePath\":\"/live/v1\",\"upstream\":\""
            + upstreamUrl()
            + "\"}";
    try (RawHttpConnection connection = new RawHttpConnection(node.node().gatewayPort())) {
      assertNoApi(get(connection, "/live/v1/pets"), "/live/v1/pets");

      HttpResponse<String> created = node.admin("POST", "/apis", api);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      RawHttpConnection.Response routed = get(connection, "/live/v1/pets?tag=a");
      assertThat(routed.status()).as(routed.body()).isEqualTo(200);
      JsonObject echo = new JsonObject(routed.body());
      assertThat(echo.getString("method")).isEqualTo("GET");
      assertThat(echo.getString("uri")).isEqualTo("/pets?tag=a");

      HttpResponse<String> deactivated = node.admin("POST", "/apis/live/v1/deactivate", null);
      assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
      assertNoApi(get(connection, "/live/v1/pets"), "/live/v1/pets");

      HttpResponse<String> replaced =
          node.admin("PUT", "/apis/live/v1", api.replace("/live/v1", "/live/v2"));
      assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
      RawHttpConnection.Response moved = get(connection, "/live/v2/pets");
      assertThat(moved.status()).as(moved.body()).isEqualTo(200);
      assertThat(new JsonObject(moved.body()).getString("path")).isEqualTo("/pets");
      assertNoApi(get(connection, "/live/v1/pets"), "/live/v1/pets");

      HttpResponse<String> deleted = node.admin("DELETE", "/apis/live/v1", null);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
      assertNoApi(get(connection, "/live/v2/pets"), "/live/v2/pets");

      // Every answer above came over this one socket: the gateway never closed it.
      assertThat(get(connection, "/core/v1/still-open").status()).isEqualTo(200);
    }
  }

  @Test
  void adminApiWhenCredentialsMissingOrWrongThen401AndWhenNotAdminThen403() {
    HttpResponse<String> none =
        RunningNode.send(HttpRequest.newBuilder(node.adminUri("/apis")).GET().build());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Basic realm=\"portcullis-admin\"");
    assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    HttpResponse<String> wrong = node.adminAs("admin", "not-the-password", "GET", "/apis", null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Basic realm=\"portcullis-admin\"");

    HttpResponse<String> notAdmin = node.adminAs("alice", "alice-password", "GET", "/apis", null);
    assertThat(notAdmin.statusCode()).isEqualTo(403);
    assertThat(notAdmin.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(notAdmin.body()).getInteger("status")).isEqualTo(403);

    HttpResponse<String> changeAsAlice =
        node.adminAs("alice", "alice-password", "DELETE", "/apis/core/v1", null);
    assertThat(changeAsAlice.statusCode()).isEqualTo(403);
    assertThat(node.get("/core/v1/x").statusCode()).isEqualTo(200);
  }

  @Test
  void healthWhenNodeRunsThen200AndMetricsWhenCallProxiedThenCountIt() {
    HttpResponse<String> health =
        RunningNode.send(HttpRequest.newBuilder(node.adminUri("/health")).GET().build());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(health.body()).getString("status")).isEqualTo("UP");

    assertThat(node.get("/core/v1/counted").statusCode()).isEqualTo(200);

    // The call is recorded when its response has ended, which the client may see first.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> metrics = node.admin("GET", "/metrics", null);
              assertThat(metrics.statusCode()).isEqualTo(200);
              Matcher counter =
                  Pattern.compile(
                          "(?m)^portcullis_requests_total\\{api=\"core/v1\",status=\"2xx\"} (\\S+)$")
                      .matcher(metrics.body());
              assertThat(counter.find()).as(metrics.body()).isTrue();
              assertThat(Double.parseDouble(counter.group(1))).isGreaterThanOrEqualTo(1.0);
            });

    HttpResponse<String> anonymousMetrics =
        RunningNode.send(HttpRequest.newBuilder(node.adminUri("/metrics")).GET().build());
    assertThat(anonymousMetrics.statusCode()).isEqualTo(401);
  }

  @Test
  void callWhenApiIsOpenThenClientsIdentityHeadersNeverReachTheUpstream() {
    HttpResponse<String> call =
        node.get(
            "/core/v1/who",
            "X-Portcullis-Application",
            "forged-app",
            "X-Portcullis-Subject",
            "root",
            "Authorization",
            "Bearer opaque-token-for-the-upstream");

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(headers.fieldNames()).noneMatch(name -> name.startsWith("x-portcullis-"));
    // An open API passes the client's Authorization on (docs/CONFIGURATION.md).
    assertThat(headers.getJsonArray("authorization").getString(0))
        .isEqualTo("Bearer opaque-token-for-the-upstream");
  }

  private static RawHttpConnection.Response get(RawHttpConnection connection, String target)
      throws IOException {
    RawHttpConnection.Response response =
        connection.send("GET " + target + " HTTP/1.1\r\nHost: gateway.e2e.example\r\n\r\n").read();
    assertThat(response.header("connection")).as("Connection header").isNotEqualTo("close");
    return response;
  }

  private static void assertNoApi(RawHttpConnection.Response response, String path) {
    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.header("content-type")).isEqualTo("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(404);
    assertThat(problem.getString("title")).isEqualTo("Not Found");
    assertThat(problem.getString("detail")).contains(path);
  }
}
