package io.portcullis.token.dpop;

import io.portcullis.token.store.InMemoryJtiReplayCache;
import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.store.Purgeable;
import io.portcullis.token.store.TokenLookupException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a DPoP proof was used before (RFC 9449 §11.1), on every node that shares the store: a
 * node's memory in front of the shared {@link JtiReplayCache} (table {@code dpop_jtis}, whose
 * primary key decides between nodes).
 *
 * <p>A proof this node has seen is refused from memory at once; one it has not is recorded in the
 * shared store, and refused when another node recorded it first. The data plane calls {@link
 * #firstUse}, which never blocks: the store is asked on threads of its own ({@code
 * portcullis-dpop-replay-*}: {@link #THREADS} at once, {@link #MAX_PENDING} waiting at most), and
 * the answer comes back on the caller's Vert.x context within {@link #MAX_WAIT} or fails with
 * {@link TokenLookupException} (answered 503). The token endpoints, already on a worker, call
 * {@link #firstUseBlocking}.
 */
public final class DpopReplay implements Purgeable, AutoCloseable {
  static final int THREADS = 2;
  static final int MAX_PENDING = 1_000;
  static final Duration MAX_WAIT = Duration.ofSeconds(2);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final InMemoryJtiReplayCache memory;
  private final JtiReplayCache shared;
  private final ThreadPoolExecutor threads;

  /**
   * @param shared the store's cache of proof jtis (keyed by the proof key's thumbprint)
   * @param clock when entries expire
   */
  public DpopReplay(JtiReplayCache shared, Clock clock) {
    this.shared = Objects.requireNonNull(shared, "shared");
    this.memory = new InMemoryJtiReplayCache(clock);
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING),
            runnable -> {
              Thread t =
                  new Thread(
                      runnable,
                      "portcullis-dpop-replay-" + instance + "-" + thread.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Records the proof's first use without blocking.
   *
   * @return a future of true the first time, false for a proof seen before (on any node); failed
   *     with {@link TokenLookupException} when the store cannot answer in time
   */
  public Future<Boolean> firstUse(DpopProofs.Valid proof) {
    if (!memory.firstUse(proof.jkt(), proof.jti(), proof.replayUntil())) {
      return Future.succeededFuture(false);
    }
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    try {
      threads.execute(
          () -> {
            if (answer.isDone()) return; // waited too long: the caller has been answered
            try {
              answer.complete(shared.firstUse(proof.jkt(), proof.jti(), proof.replayUntil()));
            } catch (RuntimeException e) {
              answer.completeExceptionally(
                  new TokenLookupException("the DPoP replay cache failed: " + e.getMessage(), e));
            }
          });
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(
          new TokenLookupException("too many DPoP replay checks are waiting for the store", e));
    }
    answer.completeOnTimeout(null, MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture<Boolean> bounded =
        answer.thenCompose(
            first ->
                first != null
                    ? CompletableFuture.completedFuture(first)
                    : CompletableFuture.failedFuture(
                        new TokenLookupException(
                            "the DPoP replay cache did not answer within " + MAX_WAIT, null)));
    Context context = Vertx.currentContext();
    return context == null
        ? Future.fromCompletionStage(bounded)
        : Future.fromCompletionStage(bounded, context);
  }

  /**
   * Records the proof's first use; blocking (a database round trip), for a worker thread.
   *
   * @return true the first time, false for a proof seen before on any node
   */
  public boolean firstUseBlocking(DpopProofs.Valid proof) {
    return memory.firstUse(proof.jkt(), proof.jti(), proof.replayUntil())
        && shared.firstUse(proof.jkt(), proof.jti(), proof.replayUntil());
  }

  /** Forgets expired entries, of this node's memory and of the store. Blocking. */
  @Override
  public int purgeExpired(Instant now, int batchSize) {
    memory.purgeExpired(now, Integer.MAX_VALUE);
    return shared.purgeExpired(now, batchSize);
  }

  /** Stops the threads; checks still waiting fail. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
