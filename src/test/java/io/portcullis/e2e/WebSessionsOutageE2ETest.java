package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.store.RestartablePostgres;
import io.portcullis.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on a PostgreSQL that the test stops: a Manager session the node has cached keeps working,
 * one it must read from the store is answered 503 with a sentence (never a hang), sign-in too, and
 * once PostgreSQL is back the same session works again without a restart.
 */
class WebSessionsOutageE2ETest {
  @TempDir static Path dir;
  static RestartablePostgres postgres;
  static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  static RunningNode node;
  static String admin;
  static String gateway;

  @BeforeAll
  static void start() {
    postgres = new RestartablePostgres();
    node =
        RunningNode.start(
            RunningNode.configFile("web-sessions.yaml", dir),
            dir.resolve("data"),
            postgres.url(),
            Map.of("VIC_PASSWORD", "vic-viewer-password", "DANA_PASSWORD", "dana-password-1"),
            clock);
    admin = "http://127.0.0.1:" + node.node().adminPort();
    gateway = "http://127.0.0.1:" + node.node().gatewayPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (postgres != null) postgres.close();
  }

  @Test
  void pagesWhenTheStoreIsDownThenCachedSessionsWorkOthersAre503AndAllRecover() {
    PageClient cached = new PageClient();
    PageClient uncached = new PageClient();
    assertThat(uncached.signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD).statusCode())
        .isEqualTo(303);
    clock.advance(Duration.ofSeconds(31)); // the node's session cache forgets both
    assertThat(cached.signIn(admin, "/login", "vic", "vic-viewer-password").statusCode())
        .isEqualTo(303);
    assertThat(cached.get(admin, "/ui/apis").statusCode()).isEqualTo(200);
    PageClient developer = new PageClient();
    assertThat(developer.signIn(gateway, "/portal/login", "dana", "dana-password-1").statusCode())
        .isEqualTo(303);

    postgres.stop();
    try {
      long started = System.nanoTime();
      HttpResponse<String> down = uncached.get(admin, "/ui/apis");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("cannot reach its store");
      assertThat(down.headers().firstValue("Retry-After")).contains("5");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("answered within the pool's timeout, not hung")
          .isLessThan(Duration.ofSeconds(20));
      // A cached session is still signed in: pages that read only memory work (the portal's
      // gallery), pages that read the store say why they cannot (the Manager's lists), not 500.
      assertThat(developer.get(gateway, "/portal/").statusCode()).isEqualTo(200);
      HttpResponse<String> list = cached.get(admin, "/ui/apis");
      assertThat(list.statusCode()).isEqualTo(503);
      assertThat(list.body()).contains("cannot reach its store");
      HttpResponse<String> signIn =
          new PageClient().signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD);
      assertThat(signIn.statusCode()).isEqualTo(503);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                long again = System.nanoTime();
                assertThat(uncached.get(admin, "/ui/apis").statusCode()).isEqualTo(503);
                assertThat(Duration.ofNanos(System.nanoTime() - again))
                    .as("once the circuit is open, at once")
                    .isLessThan(Duration.ofSeconds(1));
              });
    } finally {
      postgres.start();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertThat(uncached.get(admin, "/ui/apis").statusCode()).isEqualTo(200));
    assertThat(cached.get(admin, "/ui/apis").statusCode()).isEqualTo(200);
  }
}
