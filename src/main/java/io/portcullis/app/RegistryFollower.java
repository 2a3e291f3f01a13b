package io.portcullis.app;

import io.portcullis.control.ControlPlane;
import io.portcullis.store.ChangeNotifier;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry of every node sharing the store in step, whichever door a write came through
 * (the configuration applied at start, the admin API, the bootstrap admin): every write the {@link
 * ControlPlane} commits on this node is announced on {@link
 * ChangeNotifier.Channel#REGISTRY_CHANGED} (the hook sits in the control plane's write path, so no
 * caller can forget it), and every notice of another node, or a possible loss of notices, reloads
 * this node's snapshot.
 *
 * <p>Build it right after the control plane, before its first write, so that no write goes
 * unannounced and no notice sent after the first {@link ControlPlane#reload()} is missed. Reloads
 * run on a thread of its own ({@code portcullis-registry-reload}), never on the notifier's thread
 * (which also carries revocations) nor an event loop, and coalesce: notices that arrive while a
 * reload waits to start are served by that one reload. This node's own notices (payload: its node
 * id) are ignored, since the write already reloaded it.
 */
final class RegistryFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryFollower.class);

  private final ControlPlane control;
  private final String nodeId = UUID.randomUUID().toString();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ExecutorService reloader =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "portcullis-registry-reload");
            thread.setDaemon(true);
            return thread;
          });
  private final ChangeNotifier.Subscription subscription;

  RegistryFollower(ControlPlane control, ChangeNotifier notifier) {
    this.control = control;
    this.subscription =
        notifier.subscribe(
            ChangeNotifier.Channel.REGISTRY_CHANGED,
            new ChangeNotifier.Listener() {
              @Override
              public void changed(String payload) {
                if (!nodeId.equals(payload)) reloadSoon();
              }

              @Override
              public void missed() {
                reloadSoon();
              }
            });
    control.onChange(() -> notifier.publish(ChangeNotifier.Channel.REGISTRY_CHANGED, nodeId));
  }

  private void reloadSoon() {
    if (!pending.compareAndSet(false, true)) return;
    try {
      reloader.execute(this::reload);
    } catch (RejectedExecutionException e) {
      pending.set(false); // closing
    }
  }

  private void reload() {
    // Cleared before reading: a notice arriving during the read schedules one more reload.
    pending.set(false);
    try {
      control.reload();
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("error", e.toString())
          .log("reloading the registry after a change on another node failed");
    }
  }

  @Override
  public void close() {
    subscription.close();
    reloader.shutdownNow();
    try {
      reloader.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
