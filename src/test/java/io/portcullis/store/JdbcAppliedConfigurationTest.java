package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The digest of the configuration last applied, on H2 and on PostgreSQL alike. */
class JdbcAppliedConfigurationTest {
  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void lastWhenNothingAppliedThenEmpty(String kind) {
    try (Database database = open(kind)) {
      assertThat(new JdbcAppliedConfiguration(database.dataSource()).last()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void recordWhenAppliedTwiceThenLastHoldsTheSecond(String kind) {
    try (Database database = open(kind)) {
      JdbcAppliedConfiguration applied = new JdbcAppliedConfiguration(database.dataSource());
      Instant first = Instant.parse("2026-12-06T10:00:00Z");
      Instant second = Instant.parse("2026-12-06T11:00:00.123456Z");

      applied.record("digest-1", first);
      assertThat(applied.last()).contains(new JdbcAppliedConfiguration.Applied("digest-1", first));
      applied.record("digest-2", second);

      assertThat(applied.last()).contains(new JdbcAppliedConfiguration.Applied("digest-2", second));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void recordWhenNodesRecordAtOnceOnAnEmptyStoreThenNoneFailsAndOneDigestIsKept(String kind)
      throws Exception {
    try (Database database = open(kind)) {
      JdbcAppliedConfiguration applied = new JdbcAppliedConfiguration(database.dataSource());
      ExecutorService nodes = Executors.newFixedThreadPool(4);
      try {
        List<Callable<Void>> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          String digest = "digest-" + i;
          records.add(
              () -> {
                applied.record(digest, Instant.parse("2026-12-06T10:00:00Z"));
                return null;
              });
        }
        for (Future<Void> done : nodes.invokeAll(records)) done.get();
      } finally {
        nodes.shutdownNow();
      }
      assertThat(applied.last())
          .hasValueSatisfying(a -> assertThat(a.digest()).startsWith("digest-"));
    }
  }
}
