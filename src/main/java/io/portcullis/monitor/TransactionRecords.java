package io.portcullis.monitor;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores transaction records without slowing the data plane: {@link #record} only puts the event on
 * a bounded lock-free queue (or counts it as dropped when the queue is full); one writer thread
 * ({@code portcullis-records}) drains the queue in batches, adds each batch up into per-minute
 * {@link Rollup}s, and hands records and rollups to the {@link TransactionRepository} in one
 * transaction, at least every {@link Settings#flushInterval()} and at {@link #close()}.
 *
 * <p>A batch the store refuses is retried {@link Settings#attempts()} times in all, {@link
 * Settings#retryDelay()} apart, then dropped. Every dropped record is counted by reason ({@value
 * #QUEUE_FULL}, {@value #STORE_FAILED}): {@link #dropped()}, and {@code
 * portcullis_records_dropped_total{reason}} on {@code /metrics} once {@linkplain #bindTo bound}.
 *
 * <p>With {@link Settings#accessLog()} the writer thread also logs one line per call (logger {@code
 * portcullis.access}), records off or not.
 */
public final class TransactionRecords implements TransactionRecorder, MeterBinder, AutoCloseable {
  /** Drop reason: the queue was full when the call ended. */
  public static final String QUEUE_FULL = "queue_full";

  /** Drop reason: the store refused the batch on every attempt. */
  public static final String STORE_FAILED = "store_failed";

  private static final Logger log = LoggerFactory.getLogger(TransactionRecords.class);
  private static final Logger access = LoggerFactory.getLogger("portcullis.access");
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /**
   * How the writer works.
   *
   * @param store whether records are stored ({@code monitoring.records.enabled}); without it only
   *     the access log is written
   * @param accessLog whether to log one line per call ({@code monitoring.accessLog})
   * @param capacity the most records waiting to be written; more are dropped and counted
   * @param batchSize the most records written in one transaction
   * @param flushInterval the longest a record waits before its batch is written
   * @param attempts how often a batch is tried before it is dropped, at least 1
   * @param retryDelay the pause between two attempts
   */
  public record Settings(
      boolean store,
      boolean accessLog,
      int capacity,
      int batchSize,
      Duration flushInterval,
      int attempts,
      Duration retryDelay) {
    /** Records stored, no access log, 20,000 queued, batches of 5,000 at least once a second. */
    public static final Settings DEFAULT =
        new Settings(true, false, 20_000, 5_000, Duration.ofSeconds(1), 3, Duration.ofMillis(500));

    public Settings {
      if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
      if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
      if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1");
      Objects.requireNonNull(flushInterval, "flushInterval");
      Objects.requireNonNull(retryDelay, "retryDelay");
    }

    public Settings withStore(boolean newStore, boolean newAccessLog) {
      return new Settings(
          newStore, newAccessLog, capacity, batchSize, flushInterval, attempts, retryDelay);
    }
  }

  private final TransactionRepository repository;
  private final Supplier<String> node;
  private final Settings settings;
  private final ConcurrentLinkedQueue<TransactionEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder handled = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder droppedQueueFull = new LongAdder();
  private final LongAdder droppedStoreFailed = new LongAdder();
  private final Thread writer;
  private volatile boolean running = true;
  private volatile long flushRequestedUpTo;

  /**
   * Starts the writer thread.
   *
   * @param repository where records go
   * @param node the name of this node, read for each batch (it may be known only once the gateway
   *     port is bound)
   */
  public TransactionRecords(
      TransactionRepository repository, Supplier<String> node, Settings settings) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.node = Objects.requireNonNull(node, "node");
    this.settings = Objects.requireNonNull(settings, "settings");
    writer = new Thread(this::run, "portcullis-records");
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues the event; never blocks, never locks. Counts it as dropped when the queue is full. */
  @Override
  public void record(TransactionEvent event) {
    if (!running || (!event.stored() && !settings.accessLog())) return;
    if (queued.incrementAndGet() > settings.capacity()) {
      queued.decrementAndGet();
      if (event.stored() && settings.store()) droppedQueueFull.increment();
      return;
    }
    accepted.increment();
    queue.offer(event);
  }

  /** Records dropped so far, by reason ({@value #QUEUE_FULL}, {@value #STORE_FAILED}). */
  public Map<String, Long> dropped() {
    Map<String, Long> dropped = new LinkedHashMap<>();
    dropped.put(QUEUE_FULL, droppedQueueFull.sum());
    dropped.put(STORE_FAILED, droppedStoreFailed.sum());
    return dropped;
  }

  /** Records written to the store so far. */
  public long written() {
    return written.sum();
  }

  /**
   * Records taken into the queue so far (since written, waiting, or dropped by the store). A call
   * is handed over when its response has ended, which may be after its client has the answer: wait
   * for this count before {@link #flush} to be sure a call's record is among those flushed.
   */
  public long accepted() {
    return accepted.sum();
  }

  /** Records waiting to be written. */
  public int queued() {
    return queued.get();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Writes everything queued before this call now, and waits until it is written or dropped, for at
   * most {@code timeout}. Blocking.
   *
   * @return whether everything was written or dropped in time
   */
  public boolean flush(Duration timeout) {
    long target = accepted.sum();
    flushRequestedUpTo = target;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handled.sum() < target) {
      if (System.nanoTime() - deadline > 0 || !writer.isAlive()) return handled.sum() >= target;
      LockSupport.unpark(writer);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return true;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("portcullis.records.dropped", droppedQueueFull, LongAdder::sum)
        .description("Transaction records that could not be stored")
        .tag("reason", QUEUE_FULL)
        .register(registry);
    FunctionCounter.builder("portcullis.records.dropped", droppedStoreFailed, LongAdder::sum)
        .description("Transaction records that could not be stored")
        .tag("reason", STORE_FAILED)
        .register(registry);
    FunctionCounter.builder("portcullis.records.written", written, LongAdder::sum)
        .description("Transaction records stored")
        .register(registry);
    Gauge.builder("portcullis.records.queued", queued, AtomicInteger::get)
        .description("Transaction records waiting to be stored")
        .register(registry);
  }

  /**
   * Stops taking records, writes what is queued (with the usual retries), and stops the writer.
   * Call it before the store closes.
   */
  @Override
  public void close() {
    if (!running) return;
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(
          settings.flushInterval().toMillis()
              + settings.attempts() * (settings.retryDelay().toMillis() + 5_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    // Records go into the batch as they are taken from the queue: a store's batch packs them at
    // once (a few dozen bytes each instead of the event's objects), so what waits for the next
    // write is small and young collections have little to copy.
    TransactionRepository.Batch batch = repository.newBatch();
    int taken = 0;
    long flushNanos = settings.flushInterval().toNanos();
    long lastWrite = System.nanoTime();
    while (true) {
      boolean stopping = !running;
      TransactionEvent event;
      while (taken < settings.batchSize() && (event = queue.poll()) != null) {
        queued.decrementAndGet();
        taken++;
        if (settings.accessLog()) logAccess(event);
        if (settings.store() && event.stored()) batch.add(event);
      }
      long now = System.nanoTime();
      boolean due =
          taken >= settings.batchSize()
              || now - lastWrite >= flushNanos
              || stopping
              || (taken > 0 && handled.sum() < flushRequestedUpTo);
      if (due) {
        if (batch.size() > 0) store(batch);
        handled.add(taken);
        if (taken > 0) batch = repository.newBatch();
        taken = 0;
        lastWrite = now;
        if (stopping && queue.isEmpty()) return;
        if (stopping) continue;
      }
      if (queue.isEmpty()) LockSupport.parkNanos(IDLE_PARK_NANOS);
    }
  }

  private void store(TransactionRepository.Batch batch) {
    int records = batch.size();
    for (int attempt = 1; ; attempt++) {
      try {
        repository.write(node.get(), batch);
        written.add(records);
        return;
      } catch (RuntimeException e) {
        if (attempt >= settings.attempts()) {
          droppedStoreFailed.add(records);
          log.atWarn()
              .addKeyValue("records", records)
              .addKeyValue("attempts", attempt)
              .addKeyValue("error", e.getMessage())
              .log("transaction records dropped: the store refused them");
          return;
        }
        LockSupport.parkNanos(settings.retryDelay().toNanos());
      }
    }
  }

  /**
   * The batch added up per minute, API, application and status, ordered by that key: nodes that
   * upsert the same rows in the same order cannot deadlock each other.
   */
  public static List<Rollup> rollups(List<TransactionEvent> records) {
    RollupSums sums = new RollupSums();
    records.forEach(sums::add);
    return sums.rollups();
  }

  private static void logAccess(TransactionEvent e) {
    access
        .atInfo()
        .addKeyValue("id", e.id())
        .addKeyValue("time", e.time())
        .addKeyValue("method", e.httpMethod())
        .addKeyValue("path", e.path())
        .addKeyValue("client", e.client())
        .addKeyValue("api", e.api())
        .addKeyValue("application", e.application())
        .addKeyValue("subject", e.subject())
        .addKeyValue("identification", e.identification())
        .addKeyValue("status", e.status())
        .addKeyValue("reason", e.reason())
        .addKeyValue("latencyMs", e.latencyNanos() / 1_000 / 1000.0)
        .addKeyValue(
            "upstreamLatencyMs",
            e.upstreamLatencyNanos() < 0 ? null : e.upstreamLatencyNanos() / 1_000 / 1000.0)
        .addKeyValue("bytesIn", e.bytesIn())
        .addKeyValue("bytesOut", e.bytesOut())
        .log("call");
  }
}
