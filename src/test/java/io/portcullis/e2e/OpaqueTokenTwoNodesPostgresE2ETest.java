package io.portcullis.e2e;

import static io.portcullis.e2e.OpaqueTokenE2ETest.access;
import static io.portcullis.e2e.OpaqueTokenE2ETest.assertInvalidToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.store.TestDatabases;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.store.TokenHasher;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL with the {@code database} token store: a token stored through one is
 * accepted by the other, and a revocation on one is refused by the other at once, by the change
 * notice. The nodes' clock never moves, so no cache entry ages out: only the notice can make the
 * other node refuse the token.
 */
class OpaqueTokenTwoNodesPostgresE2ETest {
  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  static RunningNode a;
  static RunningNode b;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    Map<String, String> env =
        Map.of(
            "UPSTREAM",
            "http://127.0.0.1:" + upstream.port(),
            "TOKEN_STORE",
            "database",
            KeyEncryptor.ENV,
            Base64.getEncoder().encodeToString(masterKey));
    String db = TestDatabases.postgres();
    Path config = RunningNode.configFile("opaque.yaml", dir);
    a = RunningNode.start(config, dir.resolve("a"), db, env, clock);
    b = RunningNode.start(config, dir.resolve("b"), db, env, clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void revokeOnOneNodeWhenTheOtherHasTheTokenCachedThenTheOtherRefusesItPromptly() {
    String token = access(a, clock, "photo-app");
    assertThat(b.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);
    assertThat(b.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);

    HttpResponse<String> revoke =
        a.admin(
            "DELETE",
            "/applications/photo-app/tokens/" + TokenHasher.hash(token).substring(0, 12),
            null);
    assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);

    assertInvalidToken(a.getWithBearer("/photos/v1/a", token), "unknown, expired or revoked");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(b.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(401));
  }

  @Test
  void revokeAllOnOneNodeWhenTheOtherHasTheTokensCachedThenTheOtherRefusesThem() {
    String first = access(a, clock, "other-app");
    String second = access(b, clock, "other-app");
    assertThat(b.getWithBearer("/everyone/v1/a", first).statusCode()).isEqualTo(200);
    assertThat(a.getWithBearer("/everyone/v1/a", second).statusCode()).isEqualTo(200);

    assertThat(b.admin("DELETE", "/applications/other-app/tokens", null).statusCode())
        .isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(a.getWithBearer("/everyone/v1/a", second).statusCode()).isEqualTo(401);
              assertThat(a.getWithBearer("/everyone/v1/a", first).statusCode()).isEqualTo(401);
            });
  }

  @Test
  void switchOnOneNodeWhenStoreTypeChangedThenTheOtherNodeSwitchesTooAndRefusesDatabaseTokens()
      throws Exception {
    String token = access(a, clock, "photo-app");
    assertThat(b.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);

    OpaqueTokenE2ETest.setTokenStore(a, "cache", 3600);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(b.admin("GET", "/tokens/counts", null).body())
                      .contains("\"store\":\"cache\""));
      assertInvalidToken(b.getWithBearer("/photos/v1/a", token), "unknown");
      assertInvalidToken(a.getWithBearer("/photos/v1/a", token), "unknown");
    } finally {
      OpaqueTokenE2ETest.setTokenStore(a, "database", 3600);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(b.admin("GET", "/tokens/counts", null).body())
                      .contains("\"store\":\"database\""));
    }
  }
}
