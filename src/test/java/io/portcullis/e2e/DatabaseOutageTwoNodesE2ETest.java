package io.portcullis.e2e;

import static io.portcullis.e2e.OpaqueTokenE2ETest.issue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.config.GatewayConfig;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.store.RestartablePostgres;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole nodes on a PostgreSQL of their own, which the test stops and starts again: a real
 * outage. While it lasts, JWT-protected and open APIs keep serving on both nodes, every uncached
 * opaque token is answered 503 within seconds (not after the pool's timeout per queued lookup), the
 * token endpoint answers {@code temporarily_unavailable}, and readiness stays UP with the store
 * DOWN in its body, answering at once. Once PostgreSQL is back the nodes recover without a restart
 * and their change notices flow again: a revocation on one node reaches the other. The nodes' clock
 * never moves, so no cached token ages out: only a notice can make the other node refuse it.
 */
class DatabaseOutageTwoNodesE2ETest {
  private static final String APP_SECRET = "photo-app-secret-123";
  private static final String HEALTH = GatewayConfig.DEFAULT_HEALTH_PATH;

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RestartablePostgres postgres;
  static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  static RunningNode a;
  static RunningNode b;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    postgres = new RestartablePostgres();
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    Map<String, String> env =
        Map.of(
            "UPSTREAM",
            "http://127.0.0.1:" + upstream.port(),
            "APP_SECRET",
            APP_SECRET,
            KeyEncryptor.ENV,
            Base64.getEncoder().encodeToString(masterKey));
    Path config = RunningNode.configFile("outage.yaml", dir);
    a = RunningNode.start(config, dir.resolve("a"), postgres.url(), env, clock);
    b = RunningNode.start(config, dir.resolve("b"), postgres.url(), env, clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (postgres != null) postgres.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void outageWhenPostgresStoppedThenDataPlaneServesStoreCallsFailFastAndAllRecoverAfterwards()
      throws Exception {
    String jwt = jwt(a);
    String cached = access(a);
    for (RunningNode node : List.of(a, b)) {
      assertThat(node.getWithBearer("/opaque/v1/x", cached).statusCode()).isEqualTo(200);
    }

    postgres.stop();

    // The first wave meets a closed circuit: each lookup waits at most its bound (2 s), not 5 s
    // queued behind the others on the four lookup threads (over a minute for 64). 30 s leaves a
    // loaded machine room.
    assertAllUnavailableWithin(b, 64, Duration.ofSeconds(30));
    for (RunningNode node : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(health(node).body()).contains("\"store\":\"DOWN\""));
    }
    // Once the store is known to be down, uncached lookups are answered at once (in milliseconds;
    // 20 s leaves a loaded machine room and is far below the broken minute and more).
    assertAllUnavailableWithin(a, 64, Duration.ofSeconds(20));
    assertAllUnavailableWithin(b, 64, Duration.ofSeconds(20));

    for (RunningNode node : List.of(a, b)) {
      assertThat(node.get("/open/v1/x").statusCode()).isEqualTo(200);
      assertThat(node.getWithBearer("/jwt/v1/x", jwt).statusCode()).isEqualTo(200);
      // Tokens a node has in memory still work.
      assertThat(node.getWithBearer("/opaque/v1/x", cached).statusCode()).isEqualTo(200);
      assertReadyWithStoreDown(node);
      String unknown = Tokens.newToken();
      for (HttpResponse<String> answer :
          List.of(
              clientCredentials(node),
              form(node, "/oauth2/introspect", "token=" + unknown),
              form(node, "/oauth2/revoke", "token=" + unknown))) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(new JsonObject(answer.body()).getString("error"))
            .isEqualTo("temporarily_unavailable");
      }
    }

    postgres.start();
    for (RunningNode node : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(health(node).body())
                      .isEqualTo("{\"status\":\"UP\",\"store\":\"UP\"}"));
    }
    HttpResponse<String> token = clientCredentials(a);
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    String fresh = new JsonObject(token.body()).getString("access_token");
    assertThat(b.getWithBearer("/opaque/v1/x", fresh).statusCode()).isEqualTo(200);
    assertThat(b.getWithBearer("/opaque/v1/x", fresh).statusCode()).isEqualTo(200);

    HttpResponse<String> revoke =
        a.admin(
            "DELETE",
            "/applications/photo-app/tokens/" + TokenHasher.hash(fresh).substring(0, 12),
            null);
    assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
    // B has the token cached and its clock stands still: only the change notice, on the listening
    // connection re-established after the outage, makes it refuse the token.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(b.getWithBearer("/opaque/v1/x", fresh).statusCode()).isEqualTo(401));
  }

  /** Sends {@code count} concurrent calls with unknown opaque tokens; each must be 503 in time. */
  private static void assertAllUnavailableWithin(RunningNode node, int count, Duration bound)
      throws Exception {
    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HttpRequest request =
          node.gateway("/opaque/v1/x")
              .header("Authorization", "Bearer " + Tokens.newToken())
              .GET()
              .build();
      calls.add(RunningNode.http().sendAsync(request, BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    }
    // Broken, 64 lookups on four threads waited 5 s each: over a minute.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
  }

  /** Readiness on both ports: UP with the store DOWN, answered without waiting for the store. */
  private static void assertReadyWithStoreDown(RunningNode node) {
    for (HttpRequest request :
        List.of(
            HttpRequest.newBuilder(node.adminUri("/health/ready")).build(),
            HttpRequest.newBuilder(node.adminUri("/health")).build(),
            node.gateway(HEALTH).build())) {
      long start = System.nanoTime();
      HttpResponse<String> response = RunningNode.send(request);
      // Broken, readiness took the pool's 5 s (and said DOWN); answered from kept state, it takes
      // milliseconds.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      assertThat(response.statusCode()).as(request.uri().toString()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"UP\",\"store\":\"DOWN\"}");
    }
  }

  private static HttpResponse<String> health(RunningNode node) {
    return RunningNode.send(node.gateway(HEALTH).build());
  }

  private static String access(RunningNode node) {
    return issue(node, clock, "photo-app", TokenRecord.Kind.ACCESS, List.of());
  }

  private static String jwt(RunningNode node) {
    HttpResponse<String> response =
        RunningNode.send(
            node.gateway("/oauth2/jwt")
                .header("Authorization", RunningNode.basic("photo-app", APP_SECRET))
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getString("jwt");
  }

  private static HttpResponse<String> clientCredentials(RunningNode node) {
    return form(node, "/oauth2/token", "grant_type=client_credentials");
  }

  /** A form POST to an authorization-server endpoint as the application. */
  private static HttpResponse<String> form(RunningNode node, String path, String body) {
    return RunningNode.send(
        node.gateway(path)
            .header("Authorization", RunningNode.basic("photo-app", APP_SECRET))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(BodyPublishers.ofString(body))
            .build());
  }
}
