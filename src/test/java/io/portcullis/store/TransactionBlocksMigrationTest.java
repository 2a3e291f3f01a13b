package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRepository;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migration 12 on records stored a row per call: every record comes back from the blocks with every
 * field, in the same order, and the old table is gone.
 */
class TransactionBlocksMigrationTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  static Stream<String> databases() {
    return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void migrateWhenRecordsStoredAsRowsThenEachComesBackFromTheBlocks(String url) throws Exception {
    // Keeps an in-memory H2 database alive between the two openings.
    try (Connection held = DriverManager.getConnection(url)) {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(url, null, null)
          .locations("classpath:db/migration")
          .target("11")
          .load()
          .migrate();
      // Two nodes, two minutes, ties of time, nulls, a refusal.
      row(held, "a1", T0.plusSeconds(1), "node-a", "petstore/v1", "photo-app", 200, null, 120L);
      row(held, "a2", T0.plusSeconds(1), "node-a", "petstore/v1", "photo-app", 200, null, 130L);
      row(held, "b1", T0.plusSeconds(1), "node-b", null, null, 404, "no API is published", null);
      row(
          held,
          "a3",
          T0.plusSeconds(75),
          "node-a",
          "petstore/v1",
          null,
          401,
          "invalid_token",
          null);
      for (int i = 0; i < 250; i++) {
        row(held, "bulk" + i, T0.plusSeconds(200 + i), "node-b", "b/v1", "app", 200, null, 1L);
      }

      try (Database database = Database.open(url)) {
        TransactionRepository repository =
            new JdbcTransactionRepository(database.dataSource(), database.dialect());
        TransactionFilter day =
            new TransactionFilter(T0.minusSeconds(3_600), T0.plusSeconds(86_400), null, null, null);
        List<StoredTransaction> all = new ArrayList<>();
        repository.forEach(day, 7, all::addAll);

        assertThat(all).hasSize(254);
        assertThat(all.subList(250, 254))
            .extracting(
                StoredTransaction::id,
                StoredTransaction::node,
                StoredTransaction::api,
                StoredTransaction::application,
                StoredTransaction::status,
                StoredTransaction::reason,
                StoredTransaction::upstreamLatencyMicros)
            .containsExactly(
                tuple("a3", "node-a", "petstore/v1", null, 401, "invalid_token", null),
                tuple("b1", "node-b", null, null, 404, "no API is published", null),
                tuple("a2", "node-a", "petstore/v1", "photo-app", 200, null, 130L),
                tuple("a1", "node-a", "petstore/v1", "photo-app", 200, null, 120L));
        StoredTransaction a1 = all.get(253);
        assertThat(a1.time()).isEqualTo(T0.plusSeconds(1));
        assertThat(a1.method()).isEqualTo("GET");
        assertThat(a1.path()).isEqualTo("/pets/a1");
        assertThat(a1.client()).isEqualTo("10.0.0.7");
        assertThat(a1.subject()).isEqualTo("alice");
        assertThat(a1.identification()).isEqualTo("JWT");
        assertThat(a1.latencyMicros()).isEqualTo(5_000);
        assertThat(a1.bytesIn()).isEqualTo(11);
        assertThat(a1.bytesOut()).isEqualTo(22);
        assertThat(
                repository
                    .find(
                        new TransactionFilter(
                            T0.minusSeconds(3_600),
                            T0.plusSeconds(86_400),
                            "petstore/v1",
                            null,
                            401),
                        null,
                        10)
                    .items())
            .extracting(StoredTransaction::id)
            .containsExactly("a3");
        try (Connection c = database.dataSource().getConnection();
            ResultSet tables = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
          List<String> names = new ArrayList<>();
          while (tables.next()) names.add(tables.getString("TABLE_NAME").toLowerCase());
          assertThat(names).contains("transaction_blocks").doesNotContain("transactions");
        }
      }
    }
  }

  private static void row(
      Connection c,
      String id,
      Instant time,
      String node,
      String api,
      String application,
      int status,
      String reason,
      Long upstream)
      throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO transactions (id, time, node, method, path, client, api, application,"
                + " subject, identification, status, reason, latency_us, upstream_latency_us,"
                + " bytes_in, bytes_out) VALUES (?, ?, ?, 'GET', ?, '10.0.0.7', ?, ?, 'alice',"
                + " 'JWT', ?, ?, 5000, ?, 11, 22)")) {
      s.setString(1, id);
      SqlInstants.set(s, 2, time);
      s.setString(3, node);
      s.setString(4, "/pets/" + id);
      s.setString(5, api);
      s.setString(6, application);
      s.setInt(7, status);
      s.setString(8, reason);
      if (upstream == null) s.setNull(9, java.sql.Types.BIGINT);
      else s.setLong(9, upstream);
      s.executeUpdate();
    }
  }
}
