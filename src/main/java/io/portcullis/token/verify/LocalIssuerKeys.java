package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal issuer's keys, read from {@link LocalKeys} on every use: they live in memory at the
 * component that signs, so there is nothing to fetch or cache here. The generation changes when the
 * supplied keys change (rotation), which is what invalidates cached verifications.
 *
 * <p>{@link #refresh()} (a token names a {@code kid} that is not there) asks {@link
 * LocalKeys#reread()} to read the keys from the store again, for when another node rotated and its
 * notice is late: on the worker pool, one re-read at a time (callers share it) and at most one per
 * {@link #REREAD_INTERVAL} by the injected clock, so that a flood of tokens with made-up {@code
 * kid}s costs one store read a second.
 */
final class LocalIssuerKeys implements IssuerKeys {
  /** At most one re-read of the store starts within this interval. */
  static final Duration REREAD_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(LocalIssuerKeys.class);

  private final LocalKeys localKeys;
  private final AtomicLong generations;
  private final Clock clock;
  private final WorkerExecutor worker;
  private final AtomicReference<Seen> seen = new AtomicReference<>();

  // Re-read bookkeeping: short critical sections that never block, guarded by this.
  private Future<Void> inFlight;
  private Instant lastReread;

  private record Seen(JWKSet supplied, LoadedKeys loaded) {}

  LocalIssuerKeys(LocalKeys localKeys, AtomicLong generations, Clock clock, WorkerExecutor worker) {
    this.localKeys = localKeys;
    this.generations = generations;
    this.clock = clock;
    this.worker = worker;
    // The holder has just loaded its keys: nothing to re-read within the first interval.
    this.lastReread = clock.instant();
  }

  @Override
  public Optional<LoadedKeys> current() {
    JWKSet supplied = localKeys.publicKeys();
    if (supplied == null || supplied.isEmpty()) {
      return Optional.empty();
    }
    Seen last = seen.get();
    if (last != null && last.supplied() == supplied) {
      return Optional.of(last.loaded());
    }
    JWKSet publicOnly = supplied.toPublicJWKSet();
    long generation =
        last != null && last.loaded().jwkSet().getKeys().equals(publicOnly.getKeys())
            ? last.loaded().generation()
            : generations.incrementAndGet();
    LoadedKeys loaded = new LoadedKeys(publicOnly, generation, clock.instant());
    // Losing this race only means another thread stored an equivalent view of the same keys.
    seen.compareAndSet(last, new Seen(supplied, loaded));
    return Optional.of(loaded);
  }

  @Override
  public Future<Optional<LoadedKeys>> refresh() {
    Future<Void> reread = startRereadIfAllowed();
    if (reread == null) {
      return Future.succeededFuture(current());
    }
    return RefreshingIssuerKeys.onCallerContext(reread.map(ignored -> current()));
  }

  /** The running re-read, a newly started one, or null when none may start yet. */
  private synchronized Future<Void> startRereadIfAllowed() {
    if (inFlight != null) {
      return inFlight;
    }
    Instant now = clock.instant();
    if (lastReread != null && now.isBefore(lastReread.plus(REREAD_INTERVAL))) {
      return null;
    }
    lastReread = now;
    Future<Void> reread =
        worker
            .<Void>executeBlocking(
                () -> {
                  localKeys.reread();
                  return null;
                },
                false)
            .transform(
                result -> {
                  if (result.failed()) {
                    LOG.atWarn()
                        .addKeyValue("error", String.valueOf(result.cause()))
                        .log("re-reading the internal issuer's keys failed");
                  }
                  settled();
                  return Future.<Void>succeededFuture();
                });
    // A re-read that completed at once has settled already; do not keep it as running.
    if (!reread.isComplete()) {
      inFlight = reread;
    }
    return reread;
  }

  private synchronized void settled() {
    inFlight = null;
  }

  @Override
  public void flush() {
    seen.set(null);
  }

  @Override
  public void close() {
    seen.set(null);
  }
}
