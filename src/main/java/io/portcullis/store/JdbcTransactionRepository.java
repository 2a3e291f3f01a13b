package io.portcullis.store;

import io.portcullis.monitor.LatencyHistogram;
import io.portcullis.monitor.Rollup;
import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * Transaction records ({@code transactions}) and their per-minute rollups ({@code
 * transaction_rollups}) on H2 and PostgreSQL. Records go in as one JDBC batch; rollups are added
 * into the stored rows with {@code INSERT … ON CONFLICT … DO UPDATE} on PostgreSQL and {@code MERGE
 * … USING} on H2, so that every node sharing the database adds into the same rows.
 */
public final class JdbcTransactionRepository implements TransactionRepository {
  private static final String COLUMNS =
      "id, time, node, method, path, client, api, application, subject, identification, status,"
          + " reason, latency_us, upstream_latency_us, bytes_in, bytes_out";
  private static final String INSERT =
      "INSERT INTO transactions ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final List<String> HISTOGRAM =
      IntStream.range(0, LatencyHistogram.BUCKETS)
          .mapToObj(i -> String.format("h%02d", i))
          .toList();
  private static final List<String> KEYS = List.of("epoch_minute", "api", "application", "status");
  private static final List<String> SUMS =
      List.of("requests", "errors", "bytes_in", "bytes_out", "latency_sum_us");
  private static final String MAX = "latency_max_us";
  private static final String MINUTES = "transaction_rollups";
  private static final String HOURLY = "transaction_rollups_hourly";
  private static final List<String> ROLLUP_COLUMNS = rollupColumns();

  private final JdbcTransactions transactions;
  private final Database.Dialect dialect;
  private final String upsert;
  private final String hourlyUpsert;

  public JdbcTransactionRepository(DataSource dataSource, Database.Dialect dialect) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.upsert = dialect == Database.Dialect.POSTGRESQL ? postgresUpsert() : h2Merge();
    this.hourlyUpsert =
        upsert.replace("transaction_rollups", HOURLY).replace("epoch_minute", "epoch_hour");
  }

  private static List<String> rollupColumns() {
    List<String> columns = new ArrayList<>(KEYS);
    columns.addAll(SUMS);
    columns.add(MAX);
    columns.addAll(HISTOGRAM);
    return List.copyOf(columns);
  }

  private static String postgresUpsert() {
    List<String> added = new ArrayList<>(SUMS);
    added.addAll(HISTOGRAM);
    return "INSERT INTO transaction_rollups ("
        + String.join(", ", ROLLUP_COLUMNS)
        + ") VALUES ("
        + ROLLUP_COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", "))
        + ") ON CONFLICT (epoch_minute, api, application, status) DO UPDATE SET "
        + added.stream()
            .map(c -> c + " = transaction_rollups." + c + " + EXCLUDED." + c)
            .collect(Collectors.joining(", "))
        + ", "
        + MAX
        + " = GREATEST(transaction_rollups."
        + MAX
        + ", EXCLUDED."
        + MAX
        + ")";
  }

  private static String h2Merge() {
    List<String> added = new ArrayList<>(SUMS);
    added.addAll(HISTOGRAM);
    String values =
        ROLLUP_COLUMNS.stream()
            .map(
                c ->
                    c.equals("api") || c.equals("application")
                        ? "CAST(? AS VARCHAR(512))"
                        : c.equals("status") ? "CAST(? AS INTEGER)" : "CAST(? AS BIGINT)")
            .collect(Collectors.joining(", "));
    return "MERGE INTO transaction_rollups t USING (VALUES ("
        + values
        + ")) AS s("
        + String.join(", ", ROLLUP_COLUMNS)
        + ") ON t.epoch_minute = s.epoch_minute AND t.api = s.api AND t.application = s.application"
        + " AND t.status = s.status WHEN MATCHED THEN UPDATE SET "
        + added.stream().map(c -> c + " = t." + c + " + s." + c).collect(Collectors.joining(", "))
        + ", "
        + MAX
        + " = GREATEST(t."
        + MAX
        + ", s."
        + MAX
        + ") WHEN NOT MATCHED THEN INSERT ("
        + String.join(", ", ROLLUP_COLUMNS)
        + ") VALUES ("
        + ROLLUP_COLUMNS.stream().map(c -> "s." + c).collect(Collectors.joining(", "))
        + ")";
  }

  @Override
  public void write(String node, List<TransactionEvent> records, List<Rollup> rollups) {
    try {
      transactions.write(
          connection -> {
            insertRecords(connection, node, records);
            addRollups(connection, upsert, rollups);
            addRollups(connection, hourlyUpsert, hourly(rollups));
            return null;
          });
    } catch (SQLException e) {
      // Not the driver's message: a failed batch quotes the statement with the records' values.
      throw new StoreException(
          "transactions: writing "
              + records.size()
              + " records failed: SQLState "
              + e.getSQLState()
              + ", "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  private static void insertRecords(Connection c, String node, List<TransactionEvent> records)
      throws SQLException {
    if (records.isEmpty()) return;
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      for (TransactionEvent e : records) {
        s.setString(1, cut(e.id(), 64));
        SqlInstants.set(s, 2, e.time());
        s.setString(3, cut(node, 255));
        s.setString(4, cut(e.httpMethod(), 32));
        s.setString(5, cut(e.path() == null ? "" : e.path(), 2048));
        s.setString(6, cut(e.client(), 64));
        s.setString(7, cut(e.api(), 512));
        s.setString(8, cut(e.application(), 255));
        s.setString(9, cut(e.subject(), 1024));
        s.setString(10, e.identification() == null ? null : e.identification().name());
        s.setInt(11, e.status());
        s.setString(12, cut(e.reason(), 255));
        s.setLong(13, e.latencyNanos() / 1_000);
        if (e.upstreamLatencyNanos() < 0) s.setNull(14, Types.BIGINT);
        else s.setLong(14, e.upstreamLatencyNanos() / 1_000);
        s.setLong(15, e.bytesIn());
        s.setLong(16, e.bytesOut());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * The minute rollups added up per hour: rows whose {@code minute} holds the hour since the epoch,
   * in key order, as the minute rows are.
   */
  static List<Rollup> hourly(List<Rollup> minutes) {
    Map<List<Object>, Rollup> hours = new LinkedHashMap<>();
    for (Rollup r : minutes) {
      long hour = Math.floorDiv(r.minute(), 60);
      hours.merge(
          List.of(hour, r.api(), r.application(), r.status()),
          new Rollup(hour, r.api(), r.application(), r.status(), r.totals()),
          (a, b) ->
              new Rollup(hour, a.api(), a.application(), a.status(), a.totals().plus(b.totals())));
    }
    List<Rollup> sorted = new ArrayList<>(hours.values());
    sorted.sort(
        Comparator.comparingLong(Rollup::minute)
            .thenComparing(Rollup::api)
            .thenComparing(Rollup::application)
            .thenComparingInt(Rollup::status));
    return sorted;
  }

  private void addRollups(Connection c, String statement, List<Rollup> rollups)
      throws SQLException {
    if (rollups.isEmpty()) return;
    try (PreparedStatement s = c.prepareStatement(statement)) {
      for (Rollup r : rollups) {
        Totals t = r.totals();
        int i = 1;
        s.setLong(i++, r.minute());
        s.setString(i++, cut(r.api(), 512));
        s.setString(i++, cut(r.application(), 255));
        s.setInt(i++, r.status());
        s.setLong(i++, t.requests());
        s.setLong(i++, t.errors());
        s.setLong(i++, t.bytesIn());
        s.setLong(i++, t.bytesOut());
        s.setLong(i++, t.latencySumMicros());
        s.setLong(i++, t.latencyMaxMicros());
        for (long count : t.histogram()) s.setLong(i++, count);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  @Override
  public Page find(TransactionFilter filter, Cursor after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1; was " + limit);
    StringBuilder sql = new StringBuilder("SELECT seq, ").append(COLUMNS);
    sql.append(" FROM transactions WHERE time >= ? AND time < ?");
    List<Object> args = new ArrayList<>(List.of(filter.from(), filter.to()));
    whereApiAndApplication(sql, args, filter);
    if (filter.status() != null) {
      sql.append(" AND status = ?");
      args.add(filter.status());
    }
    if (after != null) {
      sql.append(" AND (time < ? OR (time = ? AND seq < ?))");
      args.add(after.time());
      args.add(after.time());
      args.add(after.seq());
    }
    // With an API or application filter, the order names that column first (one value, so the
    // order is the same): the planner then reads the (api|application, time, seq) index backwards
    // instead of sorting the range (H2 sorted a whole day for the first page otherwise).
    String first =
        filter.api() != null
            ? "api DESC, "
            : filter.application() != null ? "application DESC, " : "";
    sql.append(" ORDER BY ").append(first).append("time DESC, seq DESC FETCH FIRST ? ROWS ONLY");
    args.add(limit + 1);
    return query(
        "transactions",
        sql.toString(),
        args,
        rs -> {
          List<StoredTransaction> items = new ArrayList<>();
          Cursor next = null;
          long lastSeq = 0;
          while (rs.next()) {
            if (items.size() == limit) {
              next = new Cursor(items.get(items.size() - 1).time(), lastSeq);
              break;
            }
            lastSeq = rs.getLong("seq");
            items.add(read(rs));
          }
          return new Page(items, next);
        });
  }

  @Override
  public void forEach(
      TransactionFilter filter, int pageSize, Consumer<List<StoredTransaction>> pages) {
    Cursor cursor = null;
    do {
      Page page = find(filter, cursor, pageSize);
      if (!page.items().isEmpty()) pages.accept(page.items());
      cursor = page.next();
    } while (cursor != null);
  }

  /**
   * Reads the hourly rows for the whole hours of the range and the minute rows for the minutes
   * before the first and after the last whole hour (all of them for {@link Grouping#MINUTE}), and
   * adds the groups up.
   */
  @Override
  public List<Totals> aggregate(TransactionFilter filter, Grouping grouping) {
    long first = filter.firstMinute();
    long end = filter.endMinute();
    long firstHour = Math.floorDiv(first + 59, 60);
    long endHour = Math.floorDiv(end, 60);
    if (grouping == Grouping.MINUTE || firstHour >= endHour) {
      return aggregate(MINUTES, first, end, filter, grouping);
    }
    Map<String, Totals> merged = new LinkedHashMap<>();
    List<List<Totals>> parts =
        List.of(
            aggregate(MINUTES, first, firstHour * 60, filter, grouping),
            aggregate(HOURLY, firstHour, endHour, filter, grouping),
            aggregate(MINUTES, endHour * 60, end, filter, grouping));
    for (List<Totals> part : parts) {
      for (Totals t : part) merged.merge(String.valueOf(t.key()), t, Totals::plus);
    }
    List<Totals> result = new ArrayList<>(merged.values());
    boolean numeric =
        grouping == Grouping.HOUR || grouping == Grouping.DAY || grouping == Grouping.STATUS;
    result.sort(
        numeric
            ? Comparator.comparingLong(t -> Long.parseLong(t.key().trim()))
            : Comparator.comparing(t -> String.valueOf(t.key())));
    return result;
  }

  private List<Totals> aggregate(
      String table, long from, long to, TransactionFilter filter, Grouping grouping) {
    if (from >= to) return List.of();
    boolean hourly = table.equals(HOURLY);
    String period = hourly ? "epoch_hour" : "epoch_minute";
    String key =
        switch (grouping) {
          case NONE -> null;
          case MINUTE -> "epoch_minute";
          case HOUR -> hourly ? "epoch_hour" : "epoch_minute / 60";
          case DAY -> hourly ? "epoch_hour / 24" : "epoch_minute / 1440";
          case API -> "api";
          case APPLICATION -> "application";
          case STATUS -> "status";
        };
    StringBuilder sql = new StringBuilder("SELECT ");
    sql.append(key == null ? "NULL" : key).append(" AS k");
    for (String c : SUMS) sql.append(", SUM(").append(c).append(")");
    sql.append(", MAX(").append(MAX).append(")");
    for (String c : HISTOGRAM) sql.append(", SUM(").append(c).append(")");
    sql.append(" FROM ").append(table).append(" WHERE ").append(period).append(" >= ? AND ");
    sql.append(period).append(" < ?");
    List<Object> args = new ArrayList<>(List.of(from, to));
    whereApiAndApplication(sql, args, filter);
    if (grouping == Grouping.API) sql.append(" AND api <> ''");
    if (grouping == Grouping.APPLICATION) sql.append(" AND application <> ''");
    if (key != null) sql.append(" GROUP BY ").append(key).append(" ORDER BY ").append(key);
    return query(
        table,
        sql.toString(),
        args,
        rs -> {
          List<Totals> result = new ArrayList<>();
          while (rs.next()) {
            long requests = rs.getLong(2);
            if (requests == 0 && rs.wasNull()) continue; // NONE over no rows
            long[] histogram = new long[LatencyHistogram.BUCKETS];
            for (int i = 0; i < histogram.length; i++) histogram[i] = rs.getLong(8 + i);
            result.add(
                new Totals(
                    rs.getString(1),
                    requests,
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getLong(7),
                    histogram));
          }
          return result;
        });
  }

  @Override
  public List<Totals> topReasons(TransactionFilter filter, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT reason, COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)"
                + " FROM transactions WHERE time >= ? AND time < ? AND reason IS NOT NULL");
    List<Object> args = new ArrayList<>(List.of(filter.from(), filter.to()));
    whereApiAndApplication(sql, args, filter);
    sql.append(" GROUP BY reason ORDER BY COUNT(*) DESC, reason FETCH FIRST ? ROWS ONLY");
    args.add(limit);
    return query(
        "transactions",
        sql.toString(),
        args,
        rs -> {
          List<Totals> result = new ArrayList<>();
          while (rs.next()) {
            result.add(
                new Totals(
                    rs.getString(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    0,
                    0,
                    0,
                    0,
                    new long[LatencyHistogram.BUCKETS]));
          }
          return result;
        });
  }

  @Override
  public int purgeRecords(Instant before, int batchSize) {
    return purge(
        "DELETE FROM transactions WHERE seq IN (SELECT seq FROM transactions WHERE time < ?"
            + " FETCH FIRST ? ROWS ONLY)",
        before,
        batchSize);
  }

  @Override
  public int purgeRollups(Instant before, int batchSize) {
    long minute = Math.floorDiv(before.getEpochSecond(), 60);
    int minutes =
        purge(
            "DELETE FROM transaction_rollups WHERE (epoch_minute, api, application, status) IN"
                + " (SELECT epoch_minute, api, application, status FROM transaction_rollups"
                + " WHERE epoch_minute < ? FETCH FIRST ? ROWS ONLY)",
            minute,
            batchSize);
    if (minutes >= batchSize) return minutes;
    // An hour goes once all of its minutes are older than the cut.
    return minutes
        + purge(
            "DELETE FROM transaction_rollups_hourly WHERE (epoch_hour, api, application, status)"
                + " IN (SELECT epoch_hour, api, application, status FROM"
                + " transaction_rollups_hourly WHERE epoch_hour < ? FETCH FIRST ? ROWS ONLY)",
            Math.floorDiv(minute, 60),
            batchSize - minutes);
  }

  private int purge(String sql, Object before, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    try {
      return transactions.write(
          c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
              bind(s, List.of(before, batchSize));
              return s.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("transactions: purging failed: " + e.getMessage(), e);
    }
  }

  /** Reads the rows of a query. */
  private interface Rows<R> {
    R read(ResultSet rs) throws SQLException;
  }

  private <R> R query(String table, String sql, List<Object> args, Rows<R> rows) {
    try {
      return transactions.read(
          c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
              bind(s, args);
              try (ResultSet rs = s.executeQuery()) {
                return rows.read(rs);
              }
            }
          });
    } catch (SQLException e) {
      throw new StoreException(table + ": query failed: " + e.getMessage(), e);
    }
  }

  private static void whereApiAndApplication(
      StringBuilder sql, List<Object> args, TransactionFilter filter) {
    if (filter.api() != null) {
      sql.append(" AND api = ?");
      args.add(filter.api());
    }
    if (filter.application() != null) {
      sql.append(" AND application = ?");
      args.add(filter.application());
    }
  }

  public Database.Dialect dialect() {
    return dialect;
  }

  private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof Instant instant) SqlInstants.set(s, i + 1, instant);
      else if (arg instanceof Integer n) s.setInt(i + 1, n);
      else if (arg instanceof Long n) s.setLong(i + 1, n);
      else s.setString(i + 1, (String) arg);
    }
  }

  private static StoredTransaction read(ResultSet rs) throws SQLException {
    long upstream = rs.getLong("upstream_latency_us");
    Long upstreamMicros = rs.wasNull() ? null : upstream;
    return new StoredTransaction(
        rs.getString("id"),
        SqlInstants.get(rs, "time"),
        rs.getString("node"),
        rs.getString("method"),
        rs.getString("path"),
        rs.getString("client"),
        rs.getString("api"),
        rs.getString("application"),
        rs.getString("subject"),
        rs.getString("identification"),
        rs.getInt("status"),
        rs.getString("reason"),
        rs.getLong("latency_us"),
        upstreamMicros,
        rs.getLong("bytes_in"),
        rs.getLong("bytes_out"));
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
