package io.portcullis.store;

import com.sun.management.ThreadMXBean;
import io.portcullis.monitor.Rollup;
import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.monitor.TransactionRecords.Settings;
import io.portcullis.monitor.TransactionRepository;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What records cost the process, run by hand (docs/BENCHMARKS.md, "Records on vs off"): a producer
 * thread offers records like the bench's no-auth call (one API, status 200) to a {@link
 * TransactionRecords} on a fresh database at a fixed rate, as the event loop does; after a warm-up
 * the run reports, per record, the CPU time of every thread of the process (the producer, the
 * writer, the database's own threads, the collector) and the bytes the producer and the writer
 * allocated. CPU time, not wall time: a shared machine's load moves it much less.
 *
 * <p>Arguments: {@code h2} or {@code postgres}, the rate per second (default 5,000), the seconds of
 * warm-up (10) and measurement (20), the writer's batch size (the default, 5,000). {@code
 * -Drecords.setup='DROP INDEX ix_a;…'} runs those statements on the migrated schema first (to see
 * what a change costs).
 */
public final class RecordsCostRun {
  private RecordsCostRun() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "h2";
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : Settings.DEFAULT.batchSize();
    Settings defaults = Settings.DEFAULT;
    Settings settings =
        new Settings(
            true,
            false,
            defaults.capacity(),
            batch,
            defaults.flushInterval(),
            defaults.attempts(),
            defaults.retryDelay());
    String url =
        kind.equals("postgres")
            ? TestDatabases.postgres()
            : TestDatabases.h2File(Files.createTempDirectory("portcullis-cost"));
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (Database database = Database.open(url)) {
      for (String sql : System.getProperty("records.setup", "").split(";")) {
        if (sql.isBlank()) continue;
        try (var c = database.dataSource().getConnection();
            var s = c.createStatement()) {
          s.execute(sql);
        }
      }
      TimedWrites timed =
          new TimedWrites(new JdbcTransactionRepository(database.dataSource(), database.dialect()));
      TransactionRecords records = new TransactionRecords(timed, () -> "bench-host:8080", settings);
      Producer producer = new Producer(records, rate);
      Thread thread = new Thread(producer, "producer");
      thread.setDaemon(true);
      thread.start();
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(warmup));
      Map<String, Long> cpuBefore = cpuByThread(threads);
      long gcBefore = gcMillis();
      long producedBefore = producer.produced;
      long producerBytesBefore = threads.getThreadAllocatedBytes(thread.getId());
      long writerBytesBefore = allocatedBy(threads, "portcullis-records");
      long writtenBefore = records.written();
      timed.durations.clear();
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
      long written = records.written() - writtenBefore;
      long produced = producer.produced - producedBefore;
      Map<String, Long> cpuAfter = cpuByThread(threads);
      long gc = gcMillis() - gcBefore;
      long producerBytes = threads.getThreadAllocatedBytes(thread.getId()) - producerBytesBefore;
      long writerBytes = allocatedBy(threads, "portcullis-records") - writerBytesBefore;
      producer.stop = true;
      thread.join();
      records.close();
      System.out.printf(
          "%s: %d records/s offered, %,d produced, %,d written, %d dropped %s%n",
          kind, rate, produced, written, produced - written, records.dropped());
      Map<String, Long> byGroup = new HashMap<>();
      long total = 0;
      for (var e : cpuAfter.entrySet()) {
        long used = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
        if (used <= 0) continue;
        total += used;
        byGroup.merge(group(e.getKey()), used, Long::sum);
      }
      // The producer's share per record offered; every other thread's per record written (when the
      // writer falls behind, the records it drops cost it nothing).
      long offered = Math.max(1, produced);
      long stored = Math.max(1, written);
      byGroup.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(
              e ->
                  System.out.printf(
                      "  cpu %-28s %7.2f µs/record%n",
                      e.getKey(),
                      e.getValue() / 1e3 / (e.getKey().startsWith("producer") ? offered : stored)));
      System.out.printf(
          "  cpu %-28s %7.2f µs/record written%n", "ALL THREADS", total / 1e3 / stored);
      System.out.printf("  gc time %d ms in %d s%n", gc, seconds);
      List<Long> writes = new ArrayList<>(timed.durations);
      Collections.sort(writes);
      if (!writes.isEmpty()) {
        System.out.printf(
            "  writes: %d, wall ms per write median %.1f, p99 %.1f, max %.1f%n",
            writes.size(),
            writes.get(writes.size() / 2) / 1e6,
            writes.get((int) Math.min(writes.size() - 1, Math.ceil(writes.size() * 0.99) - 1))
                / 1e6,
            writes.get(writes.size() - 1) / 1e6);
      }
      System.out.printf(
          "  allocated: producer %,d B/record offered, writer %,d B/record written%n",
          producerBytes / offered, writerBytes / stored);
    }
  }

  /** The repository, timing each write (how long the writer holds its core per batch). */
  private static final class TimedWrites implements TransactionRepository {
    private final TransactionRepository delegate;
    final List<Long> durations = Collections.synchronizedList(new ArrayList<>());

    TimedWrites(TransactionRepository delegate) {
      this.delegate = delegate;
    }

    @Override
    public Batch newBatch() {
      return delegate.newBatch();
    }

    @Override
    public void write(String node, Batch batch) {
      long start = System.nanoTime();
      delegate.write(node, batch);
      durations.add(System.nanoTime() - start);
    }

    @Override
    public void write(String node, List<TransactionEvent> records, List<Rollup> rollups) {
      long start = System.nanoTime();
      delegate.write(node, records, rollups);
      durations.add(System.nanoTime() - start);
    }

    @Override
    public Page find(TransactionFilter filter, Cursor after, int limit) {
      return delegate.find(filter, after, limit);
    }

    @Override
    public void forEach(
        TransactionFilter filter, int pageSize, Consumer<List<StoredTransaction>> pages) {
      delegate.forEach(filter, pageSize, pages);
    }

    @Override
    public List<Totals> aggregate(TransactionFilter filter, Grouping grouping) {
      return delegate.aggregate(filter, grouping);
    }

    @Override
    public List<Totals> topReasons(TransactionFilter filter, int limit) {
      return delegate.topReasons(filter, limit);
    }

    @Override
    public int purgeRecords(Instant before, int batchSize) {
      return delegate.purgeRecords(before, batchSize);
    }

    @Override
    public int purgeRollups(Instant before, int batchSize) {
      return delegate.purgeRollups(before, batchSize);
    }
  }

  private static String group(String thread) {
    if (thread.startsWith("portcullis-records")) return "writer (portcullis-records)";
    if (thread.equals("producer")) return "producer (event loop part)";
    if (thread.contains("MVStore") || thread.contains("H2")) return "H2: " + thread;
    return thread.replaceAll("[0-9]+$", "#");
  }

  private static Map<String, Long> cpuByThread(ThreadMXBean threads) {
    Map<String, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long used = threads.getThreadCpuTime(t.getId());
      if (used >= 0) cpu.merge(t.getName() + "@" + t.getId(), used, Long::sum);
    }
    // JVM-internal threads (GC, compiler) have no Thread object: their CPU shows in the total only.
    return cpu;
  }

  private static long allocatedBy(ThreadMXBean threads, String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) return threads.getThreadAllocatedBytes(t.getId());
    }
    return 0;
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** Offers records at a fixed rate, a millisecond's worth at a time, as requests end. */
  private static final class Producer implements Runnable {
    private final TransactionRecords records;
    private final int rate;
    volatile boolean stop;
    volatile long produced;

    Producer(TransactionRecords records, int rate) {
      this.records = records;
      this.rate = rate;
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      long count = 0;
      while (!stop) {
        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
        while (count < due) {
          count++;
          records.record(
              new TransactionEvent(
                  "k3j5h2l4m9q1c-" + Long.toString(count, 32),
                  Instant.now(),
                  "GET",
                  "/open/v1/bench/hello",
                  "127.0.0.1",
                  "open/v1",
                  null,
                  null,
                  null,
                  200,
                  null,
                  180_000 + count % 50_000,
                  120_000,
                  0,
                  16,
                  false,
                  false,
                  true));
        }
        produced = count;
        LockSupport.parkNanos(1_000_000);
      }
    }
  }
}
