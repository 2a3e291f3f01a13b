package io.portcullis.token.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TokenStore} decorator for the data plane: {@link #lookup} answers from a bounded
 * in-memory cache without blocking, and on a miss asks the delegate on threads of its own.
 *
 * <ul>
 *   <li><b>Single flight</b>: concurrent lookups of the same token share one delegate call. Its
 *       answer is cached before any caller is told, and not at all when the token was evicted while
 *       the call ran (the answer may predate the revocation).
 *   <li><b>Positive entries</b> live at most until the token's {@code expiresAt} and at most {@link
 *       Settings#maxPositiveAge}, which bounds how long a revocation made elsewhere can go unseen
 *       should its change notice be lost. Revocations and rotations made through this decorator,
 *       and those reported by {@link #evict}/{@link #evictFamily} (other nodes), remove the entry
 *       at once.
 *   <li><b>Negative entries</b> (unknown token) live {@link Settings#negativeTtl}: a client
 *       retrying a bad token costs one delegate call per period. Random tokens never repeat, so a
 *       flood of them is held off by other means: malformed tokens never reach the delegate, the
 *       cache's admission policy (W-TinyLFU) keeps one-off keys from pushing out the tokens in use,
 *       and at most {@link Settings#lookupThreads} delegate calls run at once with at most {@link
 *       Settings#maxPendingLookups} waiting; beyond that a lookup fails at once rather than queue
 *       more work on the database.
 *   <li><b>Bounded wait</b>: a lookup is answered within {@link Settings#maxWait}, with a failure
 *       when the store has not answered by then; a delegate call still queued by then is dropped.
 *       While the store is known to be unreachable (its circuit is open) the delegate fails at
 *       once, so every uncached lookup does too; cached tokens are still answered.
 * </ul>
 *
 * <p>The other {@link TokenStore} methods block as the delegate does; {@link #find} always asks the
 * delegate (the token endpoint needs the authoritative state of a refresh token).
 */
public final class CachingTokenStore implements TokenStore, AutoCloseable {

  /**
   * @param maximumSize the most cached tokens (positive and negative)
   * @param maxPositiveAge the longest a found token is answered from memory
   * @param negativeTtl how long "unknown token" is remembered; zero for never
   * @param lookupThreads how many delegate calls may run at once
   * @param maxPendingLookups how many delegate calls may wait for a thread
   * @param maxWait the longest a lookup waits for the delegate: a caller is then answered with a
   *     failure, and a delegate call still waiting for a thread by then is not made
   */
  public record Settings(
      long maximumSize,
      Duration maxPositiveAge,
      Duration negativeTtl,
      int lookupThreads,
      int maxPendingLookups,
      Duration maxWait) {
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
    public static final Settings DEFAULT =
        new Settings(
            100_000, Duration.ofSeconds(30), Duration.ofSeconds(2), 4, 1_000, DEFAULT_MAX_WAIT);

    public Settings {
      Objects.requireNonNull(maxPositiveAge, "maxPositiveAge");
      Objects.requireNonNull(negativeTtl, "negativeTtl");
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxWait.toMillis() < 1) throw invalid("maxWait", "at least 1 ms", maxWait);
      if (maximumSize < 1) throw invalid("maximumSize", "at least 1", maximumSize);
      if (maxPositiveAge.isNegative() || maxPositiveAge.isZero()) {
        throw invalid("maxPositiveAge", "positive", maxPositiveAge);
      }
      if (negativeTtl.isNegative()) throw invalid("negativeTtl", "zero or more", negativeTtl);
      if (lookupThreads < 1) throw invalid("lookupThreads", "at least 1", lookupThreads);
      if (maxPendingLookups < 1) {
        throw invalid("maxPendingLookups", "at least 1", maxPendingLookups);
      }
    }

    /** Settings with the default {@link #DEFAULT_MAX_WAIT}. */
    public Settings(
        long maximumSize,
        Duration maxPositiveAge,
        Duration negativeTtl,
        int lookupThreads,
        int maxPendingLookups) {
      this(
          maximumSize,
          maxPositiveAge,
          negativeTtl,
          lookupThreads,
          maxPendingLookups,
          DEFAULT_MAX_WAIT);
    }

    private static IllegalArgumentException invalid(String field, String expected, Object was) {
      return new IllegalArgumentException(field + " must be " + expected + "; was " + was);
    }
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final TokenStore delegate;
  private final Clock clock;
  private final Cache<String, Optional<TokenRecord>> answers;
  private final ConcurrentMap<String, CompletableFuture<Optional<TokenRecord>>> inFlight =
      new ConcurrentHashMap<>();
  private final ThreadPoolExecutor lookups;
  private final Duration maxWait;

  public CachingTokenStore(TokenStore delegate, Clock clock, Settings settings) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(settings, "settings");
    this.maxWait = settings.maxWait();
    this.answers =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .expireAfter(new Lifetime(clock, settings))
            // Entry ages follow the injected clock, so tests move time instead of sleeping.
            .ticker(() -> nanos(clock.instant()))
            .executor(Runnable::run)
            .build();
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.lookups =
        new ThreadPoolExecutor(
            settings.lookupThreads(),
            settings.lookupThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(settings.maxPendingLookups()),
            runnable -> {
              Thread t =
                  new Thread(
                      runnable,
                      "portcullis-token-lookup-" + instance + "-" + thread.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * The active token with this value, without blocking the calling thread: from memory when cached,
   * else from the delegate on a lookup thread, completing on the caller's Vert.x context when there
   * is one.
   *
   * @param token the token as the client sent it
   * @return a future of the token's record when the token exists and {@link TokenRecord#isActive}
   *     now, or of empty when it is malformed, unknown, expired, revoked or rotated; failed with
   *     {@link TokenLookupException} when the delegate failed (at once when the store is known to
   *     be unreachable: the cause is then {@link StoreUnavailable}), did not answer within {@link
   *     Settings#maxWait}, or too many lookups are waiting
   */
  public Future<Optional<TokenRecord>> lookup(String token) {
    if (!OpaqueTokenGenerator.isWellFormed(token)) return Future.succeededFuture(Optional.empty());
    String hash = TokenHasher.hash(token);
    Optional<TokenRecord> cached = answers.getIfPresent(hash);
    if (cached != null) return Future.succeededFuture(active(cached));

    CompletableFuture<Optional<TokenRecord>> load;
    try {
      load = inFlight.computeIfAbsent(hash, this::startLoad);
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(
          new TokenLookupException("too many token lookups are waiting for the token store", e));
    }
    CompletableFuture<Optional<TokenRecord>> answer = new CompletableFuture<>();
    // Not thenApply: it would wrap a failure in a CompletionException, hiding the cause.
    load.whenComplete(
        (found, failure) -> {
          if (failure == null) {
            answer.complete(active(found));
          } else {
            answer.completeExceptionally(failure);
          }
        });
    // The caller's wait is bounded even while every lookup thread waits for a connection.
    answer.orTimeout(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    Context context = Vertx.currentContext();
    Future<Optional<TokenRecord>> result =
        context == null
            ? Future.fromCompletionStage(answer)
            : Future.fromCompletionStage(answer, context);
    return result.recover(
        failure ->
            Future.failedFuture(
                failure instanceof TimeoutException
                    ? new TokenLookupException(
                        "the token store did not answer within " + maxWait.toMillis() + " ms",
                        failure)
                    : failure));
  }

  /** Forgets the cached state of one token, after it was revoked or rotated elsewhere. */
  public void evict(String tokenHash) {
    // In-flight first: a lookup that read the old state must not cache it after this returns.
    inFlight.remove(tokenHash);
    answers.invalidate(tokenHash);
  }

  /**
   * Forgets every cached token of the family, after it was revoked elsewhere. Lookups still in
   * flight are forgotten too (their answers are not cached), since their family is not known yet.
   */
  public void evictFamily(String familyId) {
    inFlight.clear();
    answers
        .asMap()
        .values()
        .removeIf(answer -> answer.map(t -> familyId.equals(t.familyId())).orElse(false));
  }

  /** Forgets everything, after change notices may have been missed. */
  public void evictAll() {
    inFlight.clear();
    answers.invalidateAll();
  }

  /** {@inheritDoc} The token is cached, so that this node finds it at once. */
  @Override
  public void save(TokenRecord token) {
    delegate.save(token);
    answers.put(token.tokenHash(), Optional.of(token));
  }

  /** {@inheritDoc} Always asks the delegate. */
  @Override
  public Optional<TokenRecord> find(String tokenHash) {
    return delegate.find(tokenHash);
  }

  @Override
  public boolean revoke(String tokenHash, Instant at) {
    try {
      return delegate.revoke(tokenHash, at);
    } finally {
      evict(tokenHash);
    }
  }

  @Override
  public int revokeFamily(String familyId, Instant at) {
    try {
      return delegate.revokeFamily(familyId, at);
    } finally {
      evictFamily(familyId);
    }
  }

  @Override
  public boolean markRotated(String tokenHash, Instant at) {
    try {
      return delegate.markRotated(tokenHash, at);
    } finally {
      evict(tokenHash);
    }
  }

  @Override
  public List<TokenRecord> findByApplication(String applicationName) {
    return delegate.findByApplication(applicationName);
  }

  @Override
  public int purgeExpired(Instant now, int batchSize) {
    return delegate.purgeExpired(now, batchSize);
  }

  @Override
  public Counts counts(Instant now) {
    return delegate.counts(now);
  }

  /**
   * Stops the lookup threads; lookups still waiting for one fail with {@link TokenLookupException}.
   * The delegate is not closed.
   */
  @Override
  public void close() {
    for (Runnable waiting : lookups.shutdownNow()) {
      if (waiting instanceof Load load) {
        inFlight.remove(load.hash, load.answer);
        load.answer.completeExceptionally(
            new TokenLookupException("token store closed", new RejectedExecutionException()));
      }
    }
  }

  /**
   * Starts one delegate call; called under the in-flight map's lock for the hash, so that
   * concurrent lookups of one token share it.
   *
   * @throws RejectedExecutionException when too many are waiting (nothing is then in flight)
   */
  private CompletableFuture<Optional<TokenRecord>> startLoad(String hash) {
    Load load = new Load(hash, new CompletableFuture<>());
    lookups.execute(load);
    return load.answer;
  }

  private Optional<TokenRecord> active(Optional<TokenRecord> token) {
    Instant now = clock.instant();
    return token.filter(t -> t.isActive(now));
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** One delegate call, kept as a class so that {@link #close} can fail the waiting ones. */
  private final class Load implements Runnable {
    private final String hash;
    private final CompletableFuture<Optional<TokenRecord>> answer;
    private final long queuedAt = System.nanoTime();

    private Load(String hash, CompletableFuture<Optional<TokenRecord>> answer) {
      this.hash = hash;
      this.answer = answer;
    }

    @Override
    public void run() {
      if (System.nanoTime() - queuedAt > maxWait.toNanos()) {
        // Its callers have been answered already; the store is slow or away: do not add to it.
        inFlight.remove(hash, answer);
        answer.completeExceptionally(
            new TokenLookupException(
                "the token store did not answer within " + maxWait.toMillis() + " ms",
                new TimeoutException()));
        return;
      }
      Optional<TokenRecord> found;
      try {
        found = delegate.find(hash);
      } catch (RuntimeException e) {
        inFlight.remove(hash, answer);
        answer.completeExceptionally(
            new TokenLookupException("the token store failed: " + e.getMessage(), e));
        return;
      }
      // Cache the answer, unless an eviction removed this load meanwhile (the answer may predate a
      // revocation); atomic with evict's removal. Callers are told only once the cache is settled.
      inFlight.computeIfPresent(
          hash,
          (key, current) -> {
            if (current != answer) return current;
            answers.put(key, found);
            return null;
          });
      answer.complete(found);
    }
  }

  /** How long an answer stays cached, from the clock of the store. */
  private record Lifetime(Clock clock, Settings settings)
      implements Expiry<String, Optional<TokenRecord>> {
    @Override
    public long expireAfterCreate(String hash, Optional<TokenRecord> answer, long currentTime) {
      if (answer.isEmpty()) return settings.negativeTtl().toNanos();
      TokenRecord token = answer.get();
      Duration max = settings.maxPositiveAge();
      if (!token.isActive(clock.instant())) return max.toNanos();
      Duration left = Duration.between(clock.instant(), token.expiresAt());
      return (left.compareTo(max) < 0 ? left : max).toNanos();
    }

    @Override
    public long expireAfterUpdate(
        String hash, Optional<TokenRecord> answer, long currentTime, long currentDuration) {
      return expireAfterCreate(hash, answer, currentTime);
    }

    @Override
    public long expireAfterRead(
        String hash, Optional<TokenRecord> answer, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
