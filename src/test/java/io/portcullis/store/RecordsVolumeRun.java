package io.portcullis.store;

import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.monitor.TransactionRepository.Grouping;
import io.portcullis.registry.IdentificationMethod;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The volume check of docs/MONITORING.md, run by hand (not part of the suite): fills a fresh
 * database with a day of records (default 1,000,000) through the repository, as the writer does,
 * then times the queries the analytics endpoints make over that day (median of 5 after a warm-up,
 * each with other parameters, so that no result cache answers).
 *
 * <p>Arguments: {@code h2} or {@code postgres} (an embedded server, or {@code
 * PORTCULLIS_TEST_POSTGRES_URL}), then the number of records, then how they are written: {@code
 * batches} (5,000 records a write, as a busy writer does; the default) or {@code seconds} (a write
 * per second of traffic, as the writer of a gateway at that rate does: many small blocks).
 */
public final class RecordsVolumeRun {
  private RecordsVolumeRun() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "h2";
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    boolean perSecond = args.length > 2 && args[2].equals("seconds");
    String url =
        kind.equals("postgres")
            ? TestDatabases.postgres()
            : TestDatabases.h2File(Files.createTempDirectory("portcullis-volume"));
    try (Database database = Database.open(url)) {
      TransactionRepository repository =
          new JdbcTransactionRepository(database.dataSource(), database.dialect());
      Instant day = Instant.parse("2026-03-01T00:00:00Z");
      String[] apis = {"petstore/v1", "photos/v1", "orders/v2", "users/v1", null};
      String[] applications = {"photo-app", "shop-app", "partner-app", null};
      int[] statuses = {200, 200, 200, 200, 201, 204, 401, 403, 404, 502};
      long started = System.nanoTime();
      List<TransactionEvent> batch = new ArrayList<>(5_000);
      for (int i = 0; i < count; i++) {
        long micros = (long) (Math.exp((i * 7_919L % 10_000) / 1_000.0) * 300);
        batch.add(
            new TransactionEvent(
                "v" + i,
                day.plusMillis((long) i * 86_400_000L / count),
                "GET",
                "/pets/" + (i % 1_000),
                "10.0.0." + (i % 250),
                apis[i % apis.length],
                applications[i % applications.length],
                "user-" + (i % 5_000),
                IdentificationMethod.JWT,
                statuses[i % statuses.length],
                statuses[i % statuses.length] >= 400 ? "invalid_token: expired" : null,
                micros * 1_000,
                micros * 800,
                100,
                2_000,
                false,
                false,
                true));
        boolean secondEnds =
            perSecond
                && (i + 1 == count
                    || (long) (i + 1) * 86_400L / count != (long) i * 86_400L / count);
        if (perSecond ? secondEnds : batch.size() == 5_000) {
          repository.write("volume", batch, TransactionRecords.rollups(batch));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) repository.write("volume", batch, TransactionRecords.rollups(batch));
      System.out.printf(
          "%s: wrote %,d records in %.1f s (%s)%n",
          kind,
          count,
          (System.nanoTime() - started) / 1e9,
          perSecond ? "a write per second of traffic" : "5,000 a write");

      // Each run asks for a range a minute wider than the one before, so that no answer comes
      // from a result cache.
      time("summary over the day", i -> repository.aggregate(day(day, i, null), Grouping.STATUS));
      time(
          "summary over the day, one API",
          i -> repository.aggregate(day(day, i, "petstore/v1"), Grouping.STATUS));
      time(
          "timeseries per minute over the day",
          i -> repository.aggregate(day(day, i, null), Grouping.MINUTE));
      time(
          "timeseries per minute over the day, one API",
          i -> repository.aggregate(day(day, i, "petstore/v1"), Grouping.MINUTE));
      time(
          "timeseries per hour over the day",
          i -> repository.aggregate(day(day, i, null), Grouping.HOUR));
      time("top APIs over the day", i -> repository.aggregate(day(day, i, null), Grouping.API));
      time("/transactions first page (100)", i -> repository.find(day(day, i, null), null, 100));
      time(
          "/transactions first page, one API",
          i -> repository.find(day(day, i, "petstore/v1"), null, 100));
      time(
          "/transactions first page, status 502",
          i -> repository.find(status(day(day, i, null), 502), null, 100));
      time(
          "/transactions first page, one API and status 401",
          i -> repository.find(status(day(day, i, "petstore/v1"), 401), null, 100));
      time(
          "/transactions first page, a status no call had",
          i -> repository.find(status(day(day, i, null), 500), null, 100));
      time(
          "/transactions 20th page (100 each)",
          i -> {
            TransactionRepository.Cursor cursor = null;
            for (int page = 0; page < 20; page++) {
              cursor = repository.find(day(day, i, null), cursor, 100).next();
            }
            return cursor;
          });
      time("top reasons over the day", i -> repository.topReasons(day(day, i, null), 10));
      time(
          "top reasons over the day, one API",
          i -> repository.topReasons(day(day, i, "petstore/v1"), 10));

      // Why: the plans of the per-minute series and the top reasons, on the tables read before V7
      // (every API x application x status row, the raw records) and on the ones read since.
      long minute = day.getEpochSecond() / 60;
      String sums =
          "SUM(requests), SUM(errors), SUM(bytes_in), SUM(bytes_out), SUM(latency_sum_us),"
              + " MAX(latency_max_us), "
              + IntStream.range(0, 42)
                  .mapToObj(i -> String.format("SUM(h%02d)", i))
                  .collect(Collectors.joining(", "));
      String range = " WHERE epoch_minute >= " + minute + " AND epoch_minute < " + (minute + 1440);
      explain(
          database,
          "per-minute series, all API x application x status rows",
          "SELECT epoch_minute, "
              + sums
              + " FROM transaction_rollups"
              + range
              + " GROUP BY epoch_minute ORDER BY epoch_minute");
      explain(
          database,
          "per-minute series, one API",
          "SELECT epoch_minute, "
              + sums
              + " FROM transaction_rollups"
              + range
              + " AND api = 'petstore/v1' GROUP BY epoch_minute ORDER BY epoch_minute");
      explain(
          database,
          "per-minute series, all-calls rows (V7)",
          "SELECT * FROM transaction_rollups_total" + range + " ORDER BY epoch_minute");
      explain(
          database,
          "top reasons, hourly reason rows (V7)",
          "SELECT reason, SUM(requests) FROM transaction_reasons_hourly WHERE epoch_hour >= "
              + minute / 60
              + " AND epoch_hour < "
              + (minute / 60 + 24)
              + " GROUP BY reason");
    }
  }

  private static void explain(Database database, String what, String sql) throws Exception {
    String explain =
        database.dialect() == Database.Dialect.POSTGRESQL
            ? "EXPLAIN (ANALYZE, BUFFERS) "
            : "EXPLAIN ANALYZE ";
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(explain + sql)) {
      System.out.println("EXPLAIN " + what + ":");
      while (rs.next()) {
        // H2 lists every selected column on a line of its own: the plan is the rest.
        rs.getString(1)
            .lines()
            .filter(line -> !line.matches("\\s*(SUM\\(|MAX\\(|\"PUBLIC\"\\.|\"EPOCH).*"))
            .forEach(line -> System.out.println("    " + line));
      }
    }
  }

  private static TransactionFilter status(TransactionFilter filter, int status) {
    return new TransactionFilter(filter.from(), filter.to(), filter.api(), null, status);
  }

  private static TransactionFilter day(Instant day, int run, String api) {
    return new TransactionFilter(
        day.minus(Duration.ofMinutes(run)), day.plus(Duration.ofDays(1)), api, null, null);
  }

  private static void time(String what, IntFunction<?> query) {
    query.apply(0);
    double[] millis = new double[5];
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      query.apply(i + 1);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    System.out.printf(
        "  %-42s median %8.1f ms (min %.1f, max %.1f)%n", what, millis[2], millis[0], millis[4]);
  }
}
