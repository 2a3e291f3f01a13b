package io.portcullis.token.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired entries (tokens, used jtis, revoked-JWT rows) every {@code purgeInterval}, on a
 * thread of its own, in batches of {@code batchSize}: each batch is one short statement, so
 * requests reading or writing the same tables wait at most for one batch.
 *
 * <p>Each run purges every target until a batch comes back short, all with the same {@code now}. A
 * failing target is logged (at warn, with the target's name) and skipped until the next run; the
 * timer never stops for it. Counts are logged at debug.
 */
public final class TokenPurger implements AutoCloseable {
  /** The Axway default interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  /** Rows deleted per statement. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;

  private static final Logger log = LoggerFactory.getLogger(TokenPurger.class);

  private final Map<String, Purgeable> targets;
  private final Clock clock;
  private final Duration interval;
  private final int batchSize;
  private final ScheduledExecutorService timer;

  /**
   * @param targets what to purge, by a name for the logs (e.g. {@code tokens}, {@code used_jtis}),
   *     purged in the map's iteration order
   * @param interval time between the end of one run and the start of the next
   * @param batchSize entries deleted per call, at least 1
   */
  public TokenPurger(
      Map<String, ? extends Purgeable> targets, Clock clock, Duration interval, int batchSize) {
    this.targets = new LinkedHashMap<>(Objects.requireNonNull(targets, "targets"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("purgeInterval must be positive; was " + interval);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    this.batchSize = batchSize;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "portcullis-token-purger");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts purging every interval, the first time one interval from now. */
  public void start() {
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(this::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Purges every target now, on the calling thread (for the admin API; blocking). Runs never
   * overlap: this waits for a scheduled run in progress.
   *
   * @return entries deleted per target name; a target that failed is missing from the map
   */
  public synchronized Map<String, Integer> purgeNow() {
    Instant now = clock.instant();
    Map<String, Integer> deleted = new LinkedHashMap<>();
    for (Map.Entry<String, Purgeable> target : targets.entrySet()) {
      try {
        deleted.put(target.getKey(), purgeAll(target.getValue(), now));
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("target", target.getKey())
            .addKeyValue("error", e.toString())
            .log("purge of expired entries failed; retrying at the next interval");
      }
    }
    log.atDebug().addKeyValue("deleted", deleted).log("expired entries purged");
    return deleted;
  }

  /** Stops the timer; a run in progress finishes its current batch. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  private int purgeAll(Purgeable target, Instant now) {
    int total = 0;
    int deleted;
    do {
      deleted = target.purgeExpired(now, batchSize);
      total += deleted;
    } while (deleted >= batchSize && !Thread.currentThread().isInterrupted());
    return total;
  }

  private void runQuietly() {
    try {
      purgeNow();
    } catch (RuntimeException e) {
      // An exception escaping a scheduled task would cancel every later run.
      log.atError().addKeyValue("error", e.toString()).log("token purge run failed");
    }
  }
}
