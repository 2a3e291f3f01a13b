package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 * An issuer's keys loaded by a {@link KeySetLoader} (a JWKS URI, PEM files), cached and refreshed
 * without ever blocking an event loop.
 *
 * <ul>
 *   <li>The keys live in an {@link AtomicReference} to an immutable {@link LoadedKeys}: reading
 *       them is one volatile read.
 *   <li>Loads run on a worker pool ({@link WorkerExecutor}), one at a time (callers share the
 *       running one), and at most one starts per {@link VerifierSettings#minRefreshInterval()},
 *       whatever asks for it: a flood of tokens with unknown {@code kid}s costs one fetch.
 *   <li>Keys are fresh for {@link VerifierSettings#jwksTtl()}; a background refresh starts {@link
 *       VerifierSettings#refreshAhead()} before that ends, and when the keys are read after it.
 *   <li>A failed load (endpoint down, timeout, oversized, unparseable) or a set the {@link
 *       KeySetPolicy} rejects keeps the last good keys in use for up to {@link
 *       VerifierSettings#staleIfError()} after they stopped being fresh, and is retried after
 *       {@code minRefreshInterval}. Each distinct problem is logged once, at WARN, and recovery
 *       once, at INFO.
 * </ul>
 *
 * Freshness is measured with the injected {@link Clock}; background timers use Vert.x timers.
 */
final class RefreshingIssuerKeys implements IssuerKeys {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshingIssuerKeys.class);

  private final String alias;
  private final KeySetLoader loader;
  private final KeySetPolicy policy;
  private final VerifierSettings settings;
  private final Clock clock;
  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final AtomicLong generations;

  private final AtomicReference<LoadedKeys> keys = new AtomicReference<>();

  // Load bookkeeping: short critical sections that never block, guarded by this.
  private Future<Optional<LoadedKeys>> inFlight;
  private Instant lastLoadStart;
  private long epoch;
  private long timer = -1;
  private boolean closed;
  private String lastProblem;

  RefreshingIssuerKeys(
      String alias,
      KeySetLoader loader,
      KeySetPolicy policy,
      VerifierSettings settings,
      Clock clock,
      Vertx vertx,
      WorkerExecutor worker,
      AtomicLong generations) {
    this.alias = alias;
    this.loader = loader;
    this.policy = policy;
    this.settings = settings;
    this.clock = clock;
    this.vertx = vertx;
    this.worker = worker;
    this.generations = generations;
  }

  @Override
  public Optional<LoadedKeys> current() {
    LoadedKeys loaded = keys.get();
    if (loaded == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.isBefore(loaded.loadedAt().plus(settings.jwksTtl()))) {
      return Optional.of(loaded);
    }
    startLoadIfAllowed(now);
    return usable(loaded, now);
  }

  /** The keys unless they have been failing to refresh for longer than stale-if-error allows. */
  private Optional<LoadedKeys> usable(LoadedKeys loaded, Instant now) {
    if (loaded == null) {
      return Optional.empty();
    }
    Instant staleUntil = loaded.loadedAt().plus(settings.jwksTtl()).plus(settings.staleIfError());
    return now.isBefore(staleUntil) ? Optional.of(loaded) : Optional.empty();
  }

  @Override
  public Future<Optional<LoadedKeys>> refresh() {
    Future<Optional<LoadedKeys>> load = startLoadIfAllowed(clock.instant());
    return load == null ? Future.succeededFuture(current()) : onCallerContext(load);
  }

  @Override
  public synchronized void flush() {
    if (closed) {
      return;
    }
    keys.set(null);
    lastLoadStart = null;
    epoch++;
    cancelTimer();
    startLoad(clock.instant());
    LOG.info("Keys of issuer {} flushed; loading them again from {}", alias, loader);
  }

  @Override
  public synchronized void close() {
    closed = true;
    cancelTimer();
  }

  /** The running load, a newly started one, or null when none may start yet. */
  private synchronized Future<Optional<LoadedKeys>> startLoadIfAllowed(Instant now) {
    if (inFlight != null || closed) {
      return inFlight;
    }
    if (lastLoadStart != null && now.isBefore(lastLoadStart.plus(settings.minRefreshInterval()))) {
      return null;
    }
    return startLoad(now);
  }

  private synchronized void scheduledLoad() {
    timer = -1;
    if (inFlight == null && !closed) {
      startLoad(clock.instant());
    }
  }

  // Called with the lock held.
  private Future<Optional<LoadedKeys>> startLoad(Instant now) {
    lastLoadStart = now;
    long loadEpoch = epoch;
    Future<Optional<LoadedKeys>> load =
        worker
            .executeBlocking(this::loadBlocking, false)
            .transform(
                result ->
                    Future.succeededFuture(settle(loadEpoch, result.result(), result.cause())));
    inFlight = load;
    return load;
  }

  private KeySetPolicy.Outcome loadBlocking() throws Exception {
    if (Context.isOnEventLoopThread()) {
      // A bug, not a configuration problem: the worker pool is the only caller.
      throw new IllegalStateException("keys of issuer " + alias + " loaded on an event loop");
    }
    JWKSet published = loader.load();
    return policy.check(published);
  }

  private synchronized Optional<LoadedKeys> settle(
      long loadEpoch, KeySetPolicy.Outcome outcome, Throwable failure) {
    if (loadEpoch != epoch) {
      // Started before a flush: its keys may be the very ones the flush was meant to drop.
      return usable(keys.get(), clock.instant());
    }
    inFlight = null;
    if (outcome instanceof KeySetPolicy.Accepted accepted) {
      store(accepted);
      schedule(settings.jwksTtl().minus(settings.refreshAhead()));
    } else {
      String problem =
          outcome instanceof KeySetPolicy.Rejected rejected
              ? "key set rejected: " + rejected.why()
              : "load failed: " + describe(failure);
      if (!problem.equals(lastProblem)) {
        LoadedKeys kept = keys.get();
        LOG.warn(
            "Keys of issuer {} from {}: {}; {}",
            alias,
            loader,
            problem,
            kept == null ? "no earlier keys to fall back on" : "keeping the last good keys");
        lastProblem = problem;
      }
      schedule(settings.minRefreshInterval());
    }
    return usable(keys.get(), clock.instant());
  }

  // Called with the lock held.
  private void store(KeySetPolicy.Accepted accepted) {
    LoadedKeys previous = keys.get();
    boolean same =
        previous != null && previous.jwkSet().getKeys().equals(accepted.keys().getKeys());
    long generation = same ? previous.generation() : generations.incrementAndGet();
    keys.set(new LoadedKeys(accepted.keys(), generation, clock.instant()));
    if (lastProblem != null) {
      LOG.info("Keys of issuer {} from {} load again", alias, loader);
      lastProblem = null;
    }
    if (!same) {
      LOG.info(
          "Keys of issuer {} from {}: {} key(s) in use{}",
          alias,
          loader,
          accepted.keys().size(),
          accepted.leftOut().isEmpty() ? "" : "; " + String.join("; ", accepted.leftOut()));
    }
  }

  // Called with the lock held.
  private void schedule(Duration delay) {
    cancelTimer();
    if (!closed) {
      timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> scheduledLoad());
    }
  }

  private void cancelTimer() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private static String describe(Throwable failure) {
    if (failure == null) {
      return "unknown error";
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * The load is shared by callers on different event loops; each continues on its own context, as
   * Vert.x handlers expect, not on the one that happened to start the load.
   */
  static <T> Future<T> onCallerContext(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    Promise<T> promise = Promise.promise();
    shared.onComplete(result -> caller.runOnContext(ignored -> promise.handle(result)));
    return promise.future();
  }
}
