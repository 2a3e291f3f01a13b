package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.monitor.TransactionRepository.Grouping;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migration V7 on traffic written before it: the all-calls minute rows and the reason rows are
 * filled from what V5's tables hold, so series and top reasons of past ranges answer as before.
 */
class AnalyticsSpeedMigrationTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  static Stream<String> databases() {
    return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void migrateWhenTrafficStoredBeforeV7ThenSeriesAndTopReasonsFilledFromIt(String url)
      throws Exception {
    // Keeps an in-memory H2 database alive between the two openings.
    try (Connection held = DriverManager.getConnection(url)) {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(url, null, null)
          .locations("classpath:db/migration")
          .target("6")
          .load()
          .migrate();
      long minute = T0.getEpochSecond() / 60;
      rollup(held, minute, "a/v1", 200, 3);
      rollup(held, minute, "b/v1", 401, 2);
      rollup(held, minute + 61, "a/v1", 200, 1);
      record(held, "r1", T0.plusSeconds(5), "b/v1", 401, "invalid_token: expired");
      record(held, "r2", T0.plusSeconds(50), "b/v1", 401, "invalid_token: expired");
      record(held, "r3", T0.plusSeconds(3_700), null, 404, "no API is published at /x");
      record(held, "r4", T0.plusSeconds(3_701), "a/v1", 200, null);

      try (Database database = Database.open(url)) {
        TransactionRepository repository =
            new JdbcTransactionRepository(database.dataSource(), database.dialect());
        TransactionFilter day =
            new TransactionFilter(T0.minusSeconds(3_600), T0.plusSeconds(86_400), null, null, null);

        assertThat(repository.aggregate(day, Grouping.MINUTE))
            .extracting(t -> t.key().trim(), Totals::requests, Totals::errors)
            .containsExactly(
                tuple(String.valueOf(minute), 5L, 2L), tuple(String.valueOf(minute + 61), 1L, 0L));
        assertThat(repository.topReasons(day, 10))
            .extracting(Totals::key, Totals::requests)
            .containsExactly(
                tuple("invalid_token: expired", 2L), tuple("no API is published at /x", 1L));
        TransactionFilter oneHour =
            new TransactionFilter(T0, T0.plusSeconds(3_600), "b/v1", null, null);
        assertThat(repository.topReasons(oneHour, 10))
            .singleElement()
            .satisfies(t -> assertThat(t.requests()).isEqualTo(2));
      }
    }
  }

  private static void rollup(Connection c, long minute, String api, int status, long requests)
      throws Exception {
    List<String> histogram =
        IntStream.range(0, 42).mapToObj(i -> String.format("h%02d", i)).toList();
    String sql =
        "INSERT INTO transaction_rollups (epoch_minute, api, application, status, requests, errors,"
            + " bytes_in, bytes_out, latency_sum_us, latency_max_us, "
            + String.join(", ", histogram)
            + ") VALUES (?, ?, '', ?, ?, ?, 0, 0, 0, 0, ?, "
            + histogram.stream().skip(1).map(h -> "0").collect(Collectors.joining(", "))
            + ")";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, minute);
      s.setString(2, api);
      s.setInt(3, status);
      s.setLong(4, requests);
      s.setLong(5, status >= 400 ? requests : 0);
      s.setLong(6, requests);
      s.executeUpdate();
    }
  }

  private static void record(
      Connection c, String id, Instant time, String api, int status, String reason)
      throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO transactions (id, time, node, method, path, api, status, reason,"
                + " latency_us, bytes_in, bytes_out) VALUES (?, ?, 'n1', 'GET', '/x', ?, ?, ?, 5,"
                + " 0, 0)")) {
      s.setString(1, id);
      SqlInstants.set(s, 2, time);
      s.setString(3, api);
      s.setInt(4, status);
      s.setString(5, reason);
      s.executeUpdate();
    }
  }
}
