package io.portcullis.store;

import io.portcullis.monitor.LatencyHistogram;
import io.portcullis.monitor.Rollup;
import io.portcullis.monitor.RollupSums;
import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transaction records ({@code transaction_blocks}: one row per node, minute and write, the records
 * packed by {@link TransactionBlock}, with {@code transaction_block_keys} saying which API,
 * application and status each block holds) and their per-minute rollups ({@code
 * transaction_rollups}) on H2 and PostgreSQL. Rollups are added into the stored rows with {@code
 * INSERT … ON CONFLICT … DO UPDATE} on PostgreSQL and {@code MERGE … USING} on H2, so that every
 * node sharing the database adds into the same rows.
 */
public final class JdbcTransactionRepository implements TransactionRepository {
  private static final Logger log = LoggerFactory.getLogger(JdbcTransactionRepository.class);
  private static final String INSERT_BLOCK =
      "INSERT INTO transaction_blocks (node, epoch_minute, first_us, last_us, records, data)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String INSERT_KEY =
      "INSERT INTO transaction_block_keys (block_id, api, application, status, first_us, last_us,"
          + " records) VALUES (?, ?, ?, ?, ?, ?, ?)";

  /** How many blocks {@link #find} asks for at a time. */
  private static final int BLOCKS_PER_QUERY = 16;

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
  private static final String TOTAL = "transaction_rollups_total";
  private static final String REASONS = "transaction_reasons";
  private static final String REASONS_HOURLY = "transaction_reasons_hourly";

  /**
   * The most distinct (API, application, reason) rows one batch adds to one minute; the less
   * frequent rest is counted under {@value #OTHER_REASON}. Reasons carry details (a path, an
   * upstream's address), so this bounds the rows a burst of varied refusals can add.
   */
  static final int MAX_REASONS_PER_MINUTE = 50;

  /** The reason under which refusals beyond {@link #MAX_REASONS_PER_MINUTE} are counted. */
  static final String OTHER_REASON = "other";

  private final JdbcTransactions transactions;
  private final Database.Dialect dialect;
  private final String upsert;
  private final String hourlyUpsert;
  private final String totalUpsert;
  private final String reasonUpsert;
  private final String hourlyReasonUpsert;

  public JdbcTransactionRepository(DataSource dataSource, Database.Dialect dialect) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    List<String> added = new ArrayList<>(SUMS);
    added.addAll(HISTOGRAM);
    this.upsert = upsert(dialect, MINUTES, KEYS, added, MAX);
    this.hourlyUpsert =
        upsert(dialect, HOURLY, List.of("epoch_hour", "api", "application", "status"), added, MAX);
    this.totalUpsert = upsert(dialect, TOTAL, List.of("epoch_minute"), added, MAX);
    List<String> reasonSums = List.of("requests", "errors");
    this.reasonUpsert =
        upsert(
            dialect,
            REASONS,
            List.of("epoch_minute", "api", "application", "reason"),
            reasonSums,
            null);
    this.hourlyReasonUpsert =
        upsert(
            dialect,
            REASONS_HOURLY,
            List.of("epoch_hour", "api", "application", "reason"),
            reasonSums,
            null);
  }

  /**
   * The statement that adds a row into {@code table}: {@code keys} identify it, {@code added} are
   * added to the stored values, {@code max} (if not null) keeps the greater. The parameters are the
   * keys, the added columns and the max, in that order.
   */
  private static String upsert(
      Database.Dialect dialect, String table, List<String> keys, List<String> added, String max) {
    List<String> columns = new ArrayList<>(keys);
    columns.addAll(added);
    if (max != null) columns.add(max);
    if (dialect == Database.Dialect.POSTGRESQL) {
      return "INSERT INTO "
          + table
          + " ("
          + String.join(", ", columns)
          + ") VALUES ("
          + columns.stream().map(c -> "?").collect(Collectors.joining(", "))
          + ") ON CONFLICT ("
          + String.join(", ", keys)
          + ") DO UPDATE SET "
          + added.stream()
              .map(c -> c + " = " + table + "." + c + " + EXCLUDED." + c)
              .collect(Collectors.joining(", "))
          + (max == null
              ? ""
              : ", " + max + " = GREATEST(" + table + "." + max + ", EXCLUDED." + max + ")");
    }
    String values =
        columns.stream()
            .map(
                c ->
                    c.equals("api") || c.equals("application") || c.equals("reason")
                        ? "CAST(? AS VARCHAR(512))"
                        : c.equals("status") ? "CAST(? AS INTEGER)" : "CAST(? AS BIGINT)")
            .collect(Collectors.joining(", "));
    return "MERGE INTO "
        + table
        + " t USING (VALUES ("
        + values
        + ")) AS s("
        + String.join(", ", columns)
        + ") ON "
        + keys.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "))
        + " WHEN MATCHED THEN UPDATE SET "
        + added.stream().map(c -> c + " = t." + c + " + s." + c).collect(Collectors.joining(", "))
        + (max == null ? "" : ", " + max + " = GREATEST(t." + max + ", s." + max + ")")
        + " WHEN NOT MATCHED THEN INSERT ("
        + String.join(", ", columns)
        + ") VALUES ("
        + columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "))
        + ")";
  }

  /**
   * A batch that packs each record into its minute's block as it is added, adds it up for the
   * rollups (unless they are given), and keeps only the refused calls, for the reason counts, as
   * events.
   */
  private static final class BlockBatch implements Batch {
    private final Map<Long, TransactionBlock.Encoder> open = new TreeMap<>();
    private final List<TransactionBlock.Encoder> blocks = new ArrayList<>();
    private final RollupSums sums;
    private final List<TransactionEvent> refused = new ArrayList<>();
    private int size;

    BlockBatch(boolean addUp) {
      this.sums = addUp ? new RollupSums() : null;
    }

    @Override
    public void add(TransactionEvent e) {
      long minute = Math.floorDiv(e.time().getEpochSecond(), 60);
      TransactionBlock.Encoder block = open.get(minute);
      if (block == null || !block.hasRoom()) {
        block = new TransactionBlock.Encoder(minute);
        open.put(minute, block);
        blocks.add(block);
      }
      block.add(e);
      if (sums != null) sums.add(e);
      if (e.reason() != null) refused.add(e);
      size++;
    }

    @Override
    public int size() {
      return size;
    }
  }

  @Override
  public Batch newBatch() {
    return new BlockBatch(true);
  }

  @Override
  public void write(String node, Batch batch) {
    if (batch instanceof BlockBatch packed && packed.sums != null) {
      write(node, packed.blocks, packed.sums.rollups(), packed.refused, packed.size);
    } else {
      TransactionRepository.super.write(node, batch);
    }
  }

  @Override
  public void write(String node, List<TransactionEvent> records, List<Rollup> rollups) {
    BlockBatch packed = new BlockBatch(false);
    records.forEach(packed::add);
    write(node, packed.blocks, rollups, packed.refused, packed.size);
  }

  private void write(
      String node,
      List<TransactionBlock.Encoder> blocks,
      List<Rollup> rollups,
      List<TransactionEvent> refused,
      int count) {
    try {
      transactions.write(
          connection -> {
            insertBlocks(connection, TransactionBlock.cut(node, 255), blocks);
            addRollups(connection, upsert, rollups);
            addRollups(connection, hourlyUpsert, hourly(rollups));
            addRollups(connection, totalUpsert, total(rollups));
            List<ReasonCount> reasons = reasons(refused);
            addReasons(connection, reasonUpsert, reasons);
            addReasons(connection, hourlyReasonUpsert, hourlyReasons(reasons));
            return null;
          });
    } catch (SQLException e) {
      // Not the driver's message: a failed batch may quote the statement with the records' values.
      throw new StoreException(
          "transactions: writing "
              + count
              + " records failed: SQLState "
              + e.getSQLState()
              + ", "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  static void insertBlocks(Connection c, String node, List<TransactionBlock.Encoder> blocks)
      throws SQLException {
    if (blocks.isEmpty()) return;
    try (PreparedStatement block = c.prepareStatement(INSERT_BLOCK, new String[] {"id"});
        PreparedStatement key = c.prepareStatement(INSERT_KEY)) {
      for (TransactionBlock.Encoder b : blocks) {
        block.setString(1, node);
        block.setLong(2, b.minute());
        block.setLong(3, b.firstMicros());
        block.setLong(4, b.lastMicros());
        block.setInt(5, b.count());
        block.setBytes(6, b.encode());
        block.executeUpdate();
        long id;
        try (ResultSet generated = block.getGeneratedKeys()) {
          if (!generated.next()) throw new SQLException("no id was generated for the block");
          id = generated.getLong(1);
        }
        for (TransactionBlock.Key k : b.keys()) {
          key.setLong(1, id);
          key.setString(2, k.api());
          key.setString(3, k.application());
          key.setInt(4, k.status());
          key.setLong(5, b.firstMicros());
          key.setLong(6, b.lastMicros());
          key.setInt(7, k.records());
          key.addBatch();
        }
      }
      key.executeBatch();
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

  /**
   * The minute rollups added up per minute over every API, application and status, in minute order;
   * {@code api}, {@code application} and {@code status} of the rows are unused.
   */
  static List<Rollup> total(List<Rollup> minutes) {
    Map<Long, Rollup> total = new TreeMap<>();
    for (Rollup r : minutes) {
      total.merge(
          r.minute(),
          new Rollup(r.minute(), "", "", 0, r.totals()),
          (a, b) -> new Rollup(a.minute(), "", "", 0, a.totals().plus(b.totals())));
    }
    return new ArrayList<>(total.values());
  }

  private static void addRollups(Connection c, String statement, List<Rollup> rollups)
      throws SQLException {
    if (rollups.isEmpty()) return;
    boolean total = statement.contains(TOTAL);
    try (PreparedStatement s = c.prepareStatement(statement)) {
      for (Rollup r : rollups) {
        Totals t = r.totals();
        int i = 1;
        s.setLong(i++, r.minute());
        if (!total) {
          s.setString(i++, TransactionBlock.cut(r.api(), 512));
          s.setString(i++, TransactionBlock.cut(r.application(), 255));
          s.setInt(i++, r.status());
        }
        s.setLong(i++, t.requests());
        s.setLong(i++, t.errors());
        s.setLong(i++, t.bytesIn());
        s.setLong(i++, t.bytesOut());
        s.setLong(i++, t.latencySumMicros());
        for (long count : t.histogram()) s.setLong(i++, count);
        s.setLong(i++, t.latencyMaxMicros());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Refused calls of one minute (or hour), API, application and reason. */
  record ReasonCount(
      long period, String api, String application, String reason, long requests, long errors) {
    List<Object> key() {
      return List.of(period, api, application, reason);
    }

    ReasonCount plus(ReasonCount other) {
      return new ReasonCount(
          period, api, application, reason, requests + other.requests, errors + other.errors);
    }
  }

  private static final Comparator<ReasonCount> REASON_ORDER =
      Comparator.comparingLong(ReasonCount::period)
          .thenComparing(ReasonCount::api)
          .thenComparing(ReasonCount::application)
          .thenComparing(ReasonCount::reason);

  /**
   * The refused calls of the batch counted per minute, API, application and reason (cut as it is
   * stored), at most {@link #MAX_REASONS_PER_MINUTE} rows per minute (the most frequent; the rest
   * under {@link #OTHER_REASON}), in key order.
   */
  static List<ReasonCount> reasons(List<TransactionEvent> records) {
    Map<List<Object>, ReasonCount> counts = new LinkedHashMap<>();
    for (TransactionEvent e : records) {
      if (e.reason() == null) continue;
      ReasonCount one =
          new ReasonCount(
              Math.floorDiv(e.time().getEpochSecond(), 60),
              e.api() == null ? "" : TransactionBlock.cut(e.api(), 512),
              e.application() == null ? "" : TransactionBlock.cut(e.application(), 255),
              TransactionBlock.cut(e.reason(), 255),
              1,
              e.status() >= 400 ? 1 : 0);
      counts.merge(one.key(), one, ReasonCount::plus);
    }
    Map<Long, List<ReasonCount>> perMinute = new TreeMap<>();
    for (ReasonCount r : counts.values()) {
      perMinute.computeIfAbsent(r.period(), m -> new ArrayList<>()).add(r);
    }
    List<ReasonCount> result = new ArrayList<>();
    for (List<ReasonCount> minute : perMinute.values()) {
      if (minute.size() > MAX_REASONS_PER_MINUTE) {
        minute.sort(
            Comparator.comparingLong(ReasonCount::requests).reversed().thenComparing(REASON_ORDER));
        Map<List<Object>, ReasonCount> capped = new LinkedHashMap<>();
        for (int i = 0; i < minute.size(); i++) {
          ReasonCount r = minute.get(i);
          if (i >= MAX_REASONS_PER_MINUTE - 1) {
            r =
                new ReasonCount(
                    r.period(), r.api(), r.application(), OTHER_REASON, r.requests(), r.errors());
          }
          capped.merge(r.key(), r, ReasonCount::plus);
        }
        minute = new ArrayList<>(capped.values());
      }
      result.addAll(minute);
    }
    result.sort(REASON_ORDER);
    return result;
  }

  /** The minute reason counts added up per hour since the epoch, in key order. */
  static List<ReasonCount> hourlyReasons(List<ReasonCount> minutes) {
    Map<List<Object>, ReasonCount> hours = new LinkedHashMap<>();
    for (ReasonCount r : minutes) {
      ReasonCount hour =
          new ReasonCount(
              Math.floorDiv(r.period(), 60),
              r.api(),
              r.application(),
              r.reason(),
              r.requests(),
              r.errors());
      hours.merge(hour.key(), hour, ReasonCount::plus);
    }
    List<ReasonCount> sorted = new ArrayList<>(hours.values());
    sorted.sort(REASON_ORDER);
    return sorted;
  }

  private static void addReasons(Connection c, String statement, List<ReasonCount> reasons)
      throws SQLException {
    if (reasons.isEmpty()) return;
    try (PreparedStatement s = c.prepareStatement(statement)) {
      for (ReasonCount r : reasons) {
        s.setLong(1, r.period());
        s.setString(2, r.api());
        s.setString(3, r.application());
        s.setString(4, r.reason());
        s.setLong(5, r.requests());
        s.setLong(6, r.errors());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Reads the blocks that can hold matching records, newest last record first, and keeps the {@code
   * limit + 1} newest matching records; it stops at the first block whose newest record is older
   * than all of those kept. With an API, application or status filter the blocks come from {@code
   * transaction_block_keys}, so blocks without such records are not read.
   */
  @Override
  public Page find(TransactionFilter filter, Cursor after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1; was " + limit);
    long fromUs = TransactionBlock.microsUp(filter.from());
    long toUs = TransactionBlock.microsUp(filter.to());
    long cursorUs = after == null ? Long.MAX_VALUE : TransactionBlock.micros(after.time());
    long cursorSeq = after == null ? Long.MAX_VALUE : after.seq();
    long upperUs = Math.min(toUs - 1, cursorUs);
    if (upperUs < fromUs) return new Page(List.of(), null);
    TransactionBlock.Selection selection =
        new TransactionBlock.Selection(
            fromUs, toUs, filter.api(), filter.application(), filter.status());
    Newest newest = new Newest(limit + 1, cursorUs, cursorSeq);
    try {
      transactions.read(
          c -> {
            scan(c, filter, fromUs, upperUs, selection, newest);
            return null;
          });
    } catch (SQLException e) {
      throw new StoreException("transaction_blocks: query failed: " + e.getMessage(), e);
    }
    List<Newest.Entry> found = newest.newestFirst();
    List<StoredTransaction> items = new ArrayList<>(Math.min(found.size(), limit));
    for (int i = 0; i < found.size() && i < limit; i++) items.add(found.get(i).record());
    Cursor next = null;
    if (found.size() > limit) {
      Newest.Entry last = found.get(limit - 1);
      next = new Cursor(last.record().time(), last.seq());
    }
    return new Page(items, next);
  }

  private static void scan(
      Connection c,
      TransactionFilter filter,
      long fromUs,
      long upperUs,
      TransactionBlock.Selection selection,
      Newest newest)
      throws SQLException {
    boolean keyed = filter.api() != null || filter.application() != null || filter.status() != null;
    StringBuilder sql = new StringBuilder();
    List<Object> args = new ArrayList<>();
    String id = keyed ? "block_id" : "id";
    sql.append("SELECT ")
        .append(id)
        .append(", last_us FROM ")
        .append(keyed ? "transaction_block_keys" : "transaction_blocks")
        .append(" WHERE last_us >= ? AND last_us <= ? AND first_us <= ?");
    args.add(fromUs);
    // A block spans less than a minute: this bounds the index range from above as well.
    args.add(upperUs == Long.MAX_VALUE ? upperUs : upperUs + 60_000_000L);
    args.add(upperUs);
    // The order names the filtered columns first (one value each, so the order is the same): the
    // planner then reads the index of that combination backwards instead of sorting.
    StringBuilder first = new StringBuilder();
    if (filter.api() != null) {
      sql.append(" AND api = ?");
      args.add(filter.api());
      first.append("api DESC, ");
    }
    if (filter.application() != null) {
      sql.append(" AND application = ?");
      args.add(filter.application());
      first.append("application DESC, ");
    }
    if (filter.status() != null) {
      sql.append(" AND status = ?");
      args.add(filter.status());
      first.append("status DESC, ");
    }
    String firstPage =
        sql
            + " ORDER BY "
            + first
            + "last_us DESC, "
            + id
            + " DESC FETCH FIRST "
            + BLOCKS_PER_QUERY
            + " ROWS ONLY";
    String nextPages =
        sql
            + " AND (last_us < ? OR (last_us = ? AND "
            + id
            + " < ?)) ORDER BY "
            + first
            + "last_us DESC, "
            + id
            + " DESC FETCH FIRST "
            + BLOCKS_PER_QUERY
            + " ROWS ONLY";
    long lastUs = 0;
    long lastId = 0;
    long lastRead = -1;
    boolean more = true;
    try (PreparedStatement blockData =
        c.prepareStatement(
            "SELECT epoch_minute, node, data FROM transaction_blocks WHERE id = ?")) {
      for (int page = 0; more; page++) {
        List<Object> pageArgs = new ArrayList<>(args);
        if (page > 0) {
          pageArgs.add(lastUs);
          pageArgs.add(lastUs);
          pageArgs.add(lastId);
        }
        List<long[]> rows = new ArrayList<>(BLOCKS_PER_QUERY);
        try (PreparedStatement s = c.prepareStatement(page == 0 ? firstPage : nextPages)) {
          bind(s, pageArgs);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
          }
        }
        more = rows.size() == BLOCKS_PER_QUERY;
        for (long[] row : rows) {
          lastId = row[0];
          lastUs = row[1];
          if (row[0] == lastRead) continue; // another key row of the block just read
          if (newest.isFull() && newest.oldestMicros() > row[1]) return;
          lastRead = row[0];
          blockData.setLong(1, row[0]);
          try (ResultSet rs = blockData.executeQuery()) {
            if (!rs.next()) continue; // purged since it was listed
            try {
              TransactionBlock.read(
                  row[0], rs.getLong(1), rs.getString(2), rs.getBytes(3), selection, newest);
            } catch (IllegalStateException unreadable) {
              // One damaged block must not make every page of its range unreadable.
              log.atWarn()
                  .addKeyValue("block", row[0])
                  .addKeyValue("error", unreadable.getMessage())
                  .log("transaction block skipped: it cannot be read");
            }
          }
        }
      }
    }
  }

  /** The newest {@code capacity} records before a cursor, as blocks are read. */
  private static final class Newest implements TransactionBlock.Sink {
    record Entry(long micros, long seq, StoredTransaction record) {}

    private static final Comparator<Entry> OLDEST_FIRST =
        Comparator.comparingLong(Entry::micros).thenComparingLong(Entry::seq);

    private final int capacity;
    private final long beforeMicros;
    private final long beforeSeq;
    private final PriorityQueue<Entry> kept;

    Newest(int capacity, long beforeMicros, long beforeSeq) {
      this.capacity = capacity;
      this.beforeMicros = beforeMicros;
      this.beforeSeq = beforeSeq;
      this.kept = new PriorityQueue<>(capacity + 1, OLDEST_FIRST);
    }

    boolean isFull() {
      return kept.size() >= capacity;
    }

    long oldestMicros() {
      return kept.peek().micros();
    }

    @Override
    public boolean wants(long seq, long micros) {
      if (micros > beforeMicros || (micros == beforeMicros && seq >= beforeSeq)) return false;
      if (!isFull()) return true;
      Entry oldest = kept.peek();
      return micros > oldest.micros() || (micros == oldest.micros() && seq > oldest.seq());
    }

    @Override
    public void accept(long seq, long micros, StoredTransaction record) {
      kept.add(new Entry(micros, seq, record));
      if (kept.size() > capacity) kept.poll();
    }

    List<Entry> newestFirst() {
      List<Entry> entries = new ArrayList<>(kept);
      entries.sort(OLDEST_FIRST.reversed());
      return entries;
    }
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
   * before the first and after the last whole hour, and adds the groups up. A per-minute series
   * reads the minute rows: those of every call ({@code transaction_rollups_total}) without an API
   * or application filter.
   */
  @Override
  public List<Totals> aggregate(TransactionFilter filter, Grouping grouping) {
    if (grouping == Grouping.MINUTE) {
      String table = filter.api() == null && filter.application() == null ? TOTAL : MINUTES;
      return aggregate(table, filter.firstMinute(), filter.endMinute(), filter, grouping);
    }
    List<Totals> result =
        byMinutesAndHours(
            filter,
            (hourly, from, to) -> aggregate(hourly ? HOURLY : MINUTES, from, to, filter, grouping));
    boolean numeric =
        grouping == Grouping.HOUR || grouping == Grouping.DAY || grouping == Grouping.STATUS;
    result.sort(
        numeric
            ? Comparator.comparingLong(t -> Long.parseLong(t.key().trim()))
            : Comparator.comparing(t -> String.valueOf(t.key())));
    return result;
  }

  /** Reads the groups of a part of a range: minutes, or hours since the epoch. */
  private interface Part {
    List<Totals> read(boolean hourly, long from, long to);
  }

  /**
   * The groups of the filter's minutes, from hourly rows for its whole hours and minute rows for
   * the rest, added up by key (in no particular order).
   */
  private static List<Totals> byMinutesAndHours(TransactionFilter filter, Part part) {
    long first = filter.firstMinute();
    long end = filter.endMinute();
    long firstHour = Math.floorDiv(first + 59, 60);
    long endHour = Math.floorDiv(end, 60);
    if (firstHour >= endHour) return new ArrayList<>(part.read(false, first, end));
    Map<String, Totals> merged = new LinkedHashMap<>();
    List<List<Totals>> parts =
        List.of(
            part.read(false, first, firstHour * 60),
            part.read(true, firstHour, endHour),
            part.read(false, endHour * 60, end));
    for (List<Totals> p : parts) {
      for (Totals t : p) merged.merge(String.valueOf(t.key()), t, Totals::plus);
    }
    return new ArrayList<>(merged.values());
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
    // A per-minute series of the all-calls table reads its rows (one per minute) as they are. On
    // H2 so does a filtered one, adding up the rows of a minute here: H2's grouped SUM of the 48
    // columns cost more than reading them; PostgreSQL's costs less than sending them (measured,
    // docs/MONITORING.md "Volume check").
    boolean asStored =
        grouping == Grouping.MINUTE && (table.equals(TOTAL) || dialect == Database.Dialect.H2);
    String sum = asStored ? ", " : ", SUM(";
    String max = asStored ? ", " : ", MAX(";
    String close = asStored ? "" : ")";
    StringBuilder sql = new StringBuilder("SELECT ");
    sql.append(key == null ? "NULL" : key).append(" AS k");
    for (String c : SUMS) sql.append(sum).append(c).append(close);
    sql.append(max).append(MAX).append(close);
    for (String c : HISTOGRAM) sql.append(sum).append(c).append(close);
    sql.append(" FROM ").append(table).append(" WHERE ").append(period).append(" >= ? AND ");
    sql.append(period).append(" < ?");
    List<Object> args = new ArrayList<>(List.of(from, to));
    whereApiAndApplication(sql, args, filter);
    if (grouping == Grouping.API) sql.append(" AND api <> ''");
    if (grouping == Grouping.APPLICATION) sql.append(" AND application <> ''");
    if (key != null && !asStored) sql.append(" GROUP BY ").append(key);
    if (key != null) sql.append(" ORDER BY ").append(key);
    return query(
        table,
        sql.toString(),
        args,
        rs -> {
          List<Totals> result = new ArrayList<>();
          while (rs.next()) {
            long requests = rs.getLong(2);
            if (requests == 0 && rs.wasNull()) continue; // NONE over no rows
            String k = rs.getString(1);
            long[] histogram = new long[LatencyHistogram.BUCKETS];
            for (int i = 0; i < histogram.length; i++) histogram[i] = rs.getLong(8 + i);
            Totals row =
                new Totals(
                    k,
                    requests,
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getLong(7),
                    histogram);
            int last = result.size() - 1;
            if (last >= 0 && Objects.equals(result.get(last).key(), k)) {
              result.set(last, result.get(last).plus(row));
            } else {
              result.add(row);
            }
          }
          return result;
        });
  }

  @Override
  public List<Totals> topReasons(TransactionFilter filter, int limit) {
    List<Totals> reasons =
        byMinutesAndHours(filter, (hourly, from, to) -> reasons(hourly, from, to, filter));
    reasons.sort(
        Comparator.comparingLong(Totals::requests)
            .reversed()
            .thenComparing(t -> String.valueOf(t.key())));
    return List.copyOf(reasons.subList(0, Math.min(limit, reasons.size())));
  }

  private List<Totals> reasons(boolean hourly, long from, long to, TransactionFilter filter) {
    if (from >= to) return List.of();
    String period = hourly ? "epoch_hour" : "epoch_minute";
    StringBuilder sql = new StringBuilder("SELECT reason, SUM(requests), SUM(errors) FROM ");
    sql.append(hourly ? REASONS_HOURLY : REASONS).append(" WHERE ").append(period);
    sql.append(" >= ? AND ").append(period).append(" < ?");
    List<Object> args = new ArrayList<>(List.of(from, to));
    whereApiAndApplication(sql, args, filter);
    sql.append(" GROUP BY reason");
    return query(
        REASONS,
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

  /**
   * Deletes the oldest blocks whose every record is older than {@code before}, until at least
   * {@code batchSize} records are deleted or none is left: a block goes whole, so one call may
   * delete up to a block more than {@code batchSize} (a block is one row, whatever it holds).
   */
  @Override
  public int purgeRecords(Instant before, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    long beforeUs = TransactionBlock.microsUp(before);
    try {
      return transactions.write(
          c -> {
            List<Long> ids = new ArrayList<>();
            int records = 0;
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT id, records FROM transaction_blocks WHERE last_us < ?"
                        + " ORDER BY last_us, id FETCH FIRST ? ROWS ONLY")) {
              s.setLong(1, beforeUs);
              s.setInt(2, batchSize);
              try (ResultSet rs = s.executeQuery()) {
                while (records < batchSize && rs.next()) {
                  ids.add(rs.getLong(1));
                  records += rs.getInt(2);
                }
              }
            }
            if (ids.isEmpty()) return 0;
            String in = ids.stream().map(i -> "?").collect(Collectors.joining(", ", "(", ")"));
            for (String delete :
                List.of(
                    "DELETE FROM transaction_block_keys WHERE block_id IN " + in,
                    "DELETE FROM transaction_blocks WHERE id IN " + in)) {
              try (PreparedStatement s = c.prepareStatement(delete)) {
                for (int i = 0; i < ids.size(); i++) s.setLong(i + 1, ids.get(i));
                s.executeUpdate();
              }
            }
            return records;
          });
    } catch (SQLException e) {
      throw new StoreException("transaction_blocks: purging failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int purgeRollups(Instant before, int batchSize) {
    long minute = Math.floorDiv(before.getEpochSecond(), 60);
    long hour = Math.floorDiv(minute, 60); // an hour goes once all its minutes are past the cut
    String minuteRows = "epoch_minute, api, application, status";
    String reasonRows = "epoch_minute, api, application, reason";
    List<String[]> tables =
        List.of(
            new String[] {MINUTES, minuteRows},
            new String[] {TOTAL, "epoch_minute"},
            new String[] {REASONS, reasonRows},
            new String[] {HOURLY, minuteRows.replace("epoch_minute", "epoch_hour")},
            new String[] {REASONS_HOURLY, reasonRows.replace("epoch_minute", "epoch_hour")});
    int deleted = 0;
    for (String[] table : tables) {
      if (deleted >= batchSize) break;
      String key = table[1];
      String period = key.substring(0, key.indexOf(',') < 0 ? key.length() : key.indexOf(','));
      deleted +=
          purge(
              "DELETE FROM "
                  + table[0]
                  + " WHERE ("
                  + key
                  + ") IN (SELECT "
                  + key
                  + " FROM "
                  + table[0]
                  + " WHERE "
                  + period
                  + " < ? FETCH FIRST ? ROWS ONLY)",
              period.equals("epoch_hour") ? hour : minute,
              batchSize - deleted);
    }
    return deleted;
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
}
