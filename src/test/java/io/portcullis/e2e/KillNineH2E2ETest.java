package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on the default embedded H2 file, run as a separate JVM ({@code portcullis serve} from the
 * test class path) and killed with SIGKILL right after its last write was answered: every write
 * answered 2xx must be there when the node starts again on the same data directory. H2's default
 * write delay (500 ms between a commit and its write to the file) lost such writes.
 */
class KillNineH2E2ETest {
  private static final String SECRET = "photo-app-secret-123";
  private static final Pattern PORT =
      Pattern.compile("^\\s*(gateway|admin):\\s+http://[^:]+:(\\d+)");

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void writesWhenAnsweredAndTheNodeIsKilledAtOnceThenAllOfThemAreThereAfterRestart()
      throws Exception {
    Path config = RunningNode.configFile("durability.yaml", dir);
    Path data = dir.resolve("data");
    String kept;
    String revoked;
    String keptJwt;
    String revokedJwt;
    String last;
    try (ChildNode node = ChildNode.start(config, data, dir.resolve("first.log"))) {
      kept = node.clientCredentials();
      revoked = node.clientCredentials();
      keptJwt = node.jwt();
      revokedJwt = node.jwt();
      assertThat(node.revoke(revokedJwt).statusCode()).isEqualTo(200);
      assertThat(node.revoke(revoked).statusCode()).isEqualTo(200);
      HttpResponse<String> created =
          node.admin(
              "POST",
              "/apis",
              new JsonObject()
                  .put("name", "late")
                  .put("version", "v1")
                  .put("basePath", "/late/v1")
                  .put("upstream", "http://127.0.0.1:" + upstream.port())
                  .encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      last = node.clientCredentials();
      node.kill();
    }

    try (ChildNode node = ChildNode.start(config, data, dir.resolve("second.log"))) {
      assertThat(node.get("/photos/v1/a", kept).statusCode()).isEqualTo(200);
      assertThat(node.get("/photos/v1/a", last).statusCode()).isEqualTo(200);
      assertThat(node.get("/photos/v1/a", keptJwt).statusCode()).isEqualTo(200);
      assertThat(node.get("/photos/v1/a", revoked).statusCode()).isEqualTo(401);
      assertThat(node.get("/photos/v1/a", revokedJwt).statusCode()).isEqualTo(401);
      assertThat(node.get("/late/v1/a", null).statusCode()).isEqualTo(200);
    }
  }

  /** {@code portcullis serve} in a JVM of its own, on the test class path. */
  private static final class ChildNode implements AutoCloseable {
    private final Process process;
    private final int gatewayPort;
    private final int adminPort;

    private ChildNode(Process process, int gatewayPort, int adminPort) {
      this.process = process;
      this.gatewayPort = gatewayPort;
      this.adminPort = adminPort;
    }

    static ChildNode start(Path config, Path data, Path log) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.portcullis.Portcullis",
                  "serve",
                  "--config",
                  config.toString(),
                  "--data",
                  data.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.putAll(RunningNode.env(Map.of("UPSTREAM", "http://127.0.0.1:" + upstream.port())));
      Process process = builder.start();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      Integer gateway = null;
      Integer admin = null;
      while (gateway == null || admin == null) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          process.destroyForcibly().waitFor();
          throw new IllegalStateException("the node did not start:\n" + Files.readString(log));
        }
        Thread.sleep(50);
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          Matcher m = PORT.matcher(line);
          if (!m.find()) continue;
          if (m.group(1).equals("gateway")) gateway = Integer.valueOf(m.group(2));
          else admin = Integer.valueOf(m.group(2));
        }
      }
      return new ChildNode(process, gateway, admin);
    }

    String clientCredentials() {
      HttpResponse<String> answer =
          form(
              "/oauth2/token",
              "grant_type=client_credentials&scope="
                  + URLEncoder.encode("https://e2e.example/photos", StandardCharsets.UTF_8));
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      return new JsonObject(answer.body()).getString("access_token");
    }

    String jwt() {
      HttpResponse<String> answer =
          RunningNode.send(
              HttpRequest.newBuilder(uri(gatewayPort, "/oauth2/jwt"))
                  .header("Authorization", RunningNode.basic("photo-app", SECRET))
                  .build());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      return new JsonObject(answer.body()).getString("jwt");
    }

    HttpResponse<String> revoke(String token) {
      return form("/oauth2/revoke", "token=" + token);
    }

    HttpResponse<String> get(String path, String bearer) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri(gatewayPort, path));
      if (bearer != null) request.header("Authorization", "Bearer " + bearer);
      return RunningNode.send(request.build());
    }

    HttpResponse<String> admin(String method, String path, String json) {
      return RunningNode.send(
          HttpRequest.newBuilder(uri(adminPort, path))
              .header("Authorization", RunningNode.basic("admin", RunningNode.ADMIN_PASSWORD))
              .header("Content-Type", "application/json")
              .method(method, BodyPublishers.ofString(json))
              .build());
    }

    private HttpResponse<String> form(String path, String body) {
      return RunningNode.send(
          HttpRequest.newBuilder(uri(gatewayPort, path))
              .header("Authorization", RunningNode.basic("photo-app", SECRET))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(BodyPublishers.ofString(body))
              .build());
    }

    private static URI uri(int port, String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException, InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
      }
    }
  }
}
