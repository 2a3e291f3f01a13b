package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.portcullis.token.store.StoreUnavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's circuit breaker against a real PostgreSQL that is stopped and started again. */
class StoreCircuitPostgresTest {
  private RestartablePostgres postgres;
  private Database database;
  private JdbcTokenStore tokens;

  @BeforeEach
  void open() {
    postgres = new RestartablePostgres();
    database = Database.open(postgres.url());
    tokens =
        new JdbcTokenStore(
            database.dataSource(), StoreJson.mapper(), ChangeNotifier.open(database));
  }

  @AfterEach
  void close() {
    if (database != null) database.close();
    if (postgres != null) postgres.close();
  }

  @Test
  void findWhenDatabaseStoppedThenCircuitOpensAndCallsFailAtOnceUntilItIsBack() throws Exception {
    assertThat(tokens.find("unknown-hash")).isEmpty();
    assertThat(database.circuit().isAvailable()).isTrue();

    postgres.stop();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              catchThrowable(() -> tokens.find("unknown-hash"));
              return !database.circuit().isAvailable();
            });

    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<Future<Throwable>> calls = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 64; i++) {
        calls.add(callers.submit(() -> catchThrowable(() -> tokens.find("unknown-hash"))));
      }
      for (Future<Throwable> call : calls) {
        Throwable failure = call.get(60, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(StoreException.class);
        assertThat(StoreUnavailable.causes(failure)).as(failure.toString()).isTrue();
      }
      // Without the circuit each call waits the pool's 5 s connection timeout: 64 calls on 16
      // threads take 20 s. With it they take milliseconds; 10 s leaves a loaded machine room.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    } finally {
      callers.shutdownNow();
    }

    postgres.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> database.circuit().isAvailable());
    assertThat(tokens.find("unknown-hash")).isEmpty();
  }

  @Test
  void isAvailableWhenDatabaseStoppedWithoutTrafficThenProbeNoticesBothWays() {
    postgres.stop();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !database.circuit().isAvailable());

    postgres.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> database.circuit().isAvailable());
  }
}
