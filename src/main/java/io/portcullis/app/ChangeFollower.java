package io.portcullis.app;

import io.portcullis.store.ChangeNotifier;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one kind of shared state (the registry, the signing keys) in step on every node sharing the
 * store: {@link #announce()} tells the other nodes that this node wrote it, and a notice of another
 * node, or a possible loss of notices, re-reads it here.
 *
 * <p>Wire {@link #announce()} into the writer's own write path (the {@code ControlPlane}'s change
 * hook, {@code SigningKeys}' stored-change hook), so that no door to it can forget to announce, and
 * build the follower before the first write and the first read, so that no write goes unannounced
 * and no notice sent after the first read is missed.
 *
 * <p>Re-reads run on a thread of their own ({@code portcullis-<name>-reload}), never on the
 * notifier's thread (which also carries revocations) nor an event loop, and coalesce: notices that
 * arrive while a re-read waits to start are served by that one. This node's own notices (payload:
 * its follower id) are ignored, since the write already updated this node.
 */
final class ChangeFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);

  private final ChangeNotifier notifier;
  private final ChangeNotifier.Channel channel;
  private final String what;
  private final Runnable reread;
  private final String id = UUID.randomUUID().toString();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ExecutorService rereader;
  private final ChangeNotifier.Subscription subscription;

  /**
   * @param what names the state in the thread's name and the log, e.g. {@code registry}
   * @param reread re-reads the state from the store; blocking
   */
  ChangeFollower(
      ChangeNotifier notifier, ChangeNotifier.Channel channel, String what, Runnable reread) {
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.what = what;
    this.reread = Objects.requireNonNull(reread, "reread");
    this.rereader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "portcullis-" + what.replace(' ', '-') + "-reload");
              thread.setDaemon(true);
              return thread;
            });
    this.subscription =
        notifier.subscribe(
            channel,
            new ChangeNotifier.Listener() {
              @Override
              public void changed(String payload) {
                if (!id.equals(payload)) rereadSoon();
              }

              @Override
              public void missed() {
                rereadSoon();
              }
            });
  }

  /** Tells every other node that this node changed the state; blocking (one round trip). */
  void announce() {
    notifier.publish(channel, id);
  }

  private void rereadSoon() {
    if (!pending.compareAndSet(false, true)) return;
    try {
      rereader.execute(this::reread);
    } catch (RejectedExecutionException e) {
      pending.set(false); // closing
    }
  }

  private void reread() {
    // Cleared before reading: a notice arriving during the read schedules one more.
    pending.set(false);
    try {
      reread.run();
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("state", what)
          .addKeyValue("error", e.toString())
          .log("re-reading after a change on another node failed");
    }
  }

  @Override
  public void close() {
    subscription.close();
    rereader.shutdownNow();
    try {
      rereader.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
