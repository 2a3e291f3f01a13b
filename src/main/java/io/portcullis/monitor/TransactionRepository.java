package io.portcullis.monitor;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where transaction records and their per-minute rollups are kept (the store implements it on H2
 * and PostgreSQL). Every method blocks: call it off the event loop.
 */
public interface TransactionRepository {

  /** How {@link #aggregate} groups the rollups. */
  enum Grouping {
    /** One group of everything; its key is null. */
    NONE,
    /** By minute; the key is the minute since the epoch. */
    MINUTE,
    /** By hour (UTC); the key is the hour since the epoch. */
    HOUR,
    /** By day (UTC); the key is the day since the epoch. */
    DAY,
    /** By API key; calls that matched no API are left out. */
    API,
    /** By application name; calls without one are left out. */
    APPLICATION,
    /** By HTTP status; the key is the status, such as {@code 200}. */
    STATUS
  }

  /**
   * One page of records, newest first.
   *
   * @param items the records
   * @param next where the next page starts, or null when this is the last one
   */
  record Page(List<StoredTransaction> items, Cursor next) {}

  /**
   * A place in the newest-first order: the page after it starts with the record just older.
   *
   * @param time the time of the last record returned
   * @param seq the store's sequence number of that record (ties of time)
   */
  record Cursor(Instant time, long seq) {}

  /**
   * Records gathered for one {@link #write(String, Batch)}, added one at a time by the writer
   * thread as it takes them from its queue. Not thread-safe.
   */
  interface Batch {
    /** Adds a record. */
    void add(TransactionEvent event);

    /** How many records were added. */
    int size();
  }

  /** A batch that keeps the events as they are and adds them up for the rollups as they come. */
  final class EventBatch implements Batch {
    private final List<TransactionEvent> events = new java.util.ArrayList<>();
    private final RollupSums sums = new RollupSums();

    @Override
    public void add(TransactionEvent event) {
      events.add(event);
      sums.add(event);
    }

    @Override
    public int size() {
      return events.size();
    }

    public List<TransactionEvent> events() {
      return events;
    }

    public List<Rollup> rollups() {
      return sums.rollups();
    }
  }

  /**
   * A new, empty batch for {@link #write(String, Batch)}. A store may pack records as they are
   * added (so that what waits for the write takes less memory); the default keeps the events.
   */
  default Batch newBatch() {
    return new EventBatch();
  }

  /**
   * Stores a batch made by {@link #newBatch()}, as {@link #write(String, List, List)} stores
   * records and their rollups: all or nothing, so the same batch may be written again after a
   * failure.
   */
  default void write(String node, Batch batch) {
    EventBatch events = (EventBatch) batch;
    write(node, events.events(), events.rollups());
  }

  /**
   * Stores the records and adds the rollups into the stored ones (creating rows that are not there
   * yet), all in one transaction: either everything is written or nothing is, so a retry never
   * counts twice.
   *
   * @param node the name of the node that handled the calls
   */
  void write(String node, List<TransactionEvent> records, List<Rollup> rollups);

  /**
   * The records that match, newest first, after {@code after}.
   *
   * @param after null for the first page
   * @param limit the most records on the page, at least 1
   */
  Page find(TransactionFilter filter, Cursor after, int limit);

  /** Hands every matching record, newest first, to {@code pages} a page at a time. */
  void forEach(TransactionFilter filter, int pageSize, Consumer<List<StoredTransaction>> pages);

  /**
   * The rollups of the minutes that the filter's range touches, of its API and application, added
   * up by {@code grouping}, in order of their keys ({@link Grouping#MINUTE}, {@link Grouping#HOUR}
   * and {@link Grouping#DAY} by time). The filter's status is not used.
   */
  List<Totals> aggregate(TransactionFilter filter, Grouping grouping);

  /**
   * The reasons calls in the minutes that the filter's range touches were refused, of its API and
   * application, most frequent first, with the count of calls (requests) and errors of each. They
   * come from per-minute counts that the store keeps as it writes the records: a batch with more
   * distinct reasons in one minute than the store keeps counts the rest under {@code other}.
   */
  List<Totals> topReasons(TransactionFilter filter, int limit);

  /**
   * Deletes at most {@code batchSize} records older than {@code before}.
   *
   * @return how many were deleted; less than {@code batchSize} means none is left
   */
  int purgeRecords(Instant before, int batchSize);

  /**
   * Deletes at most {@code batchSize} rollup rows of minutes before {@code before}.
   *
   * @return how many were deleted; less than {@code batchSize} means none is left
   */
  int purgeRollups(Instant before, int batchSize);
}
