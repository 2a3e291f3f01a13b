package io.portcullis.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The current snapshot, swapped atomically. Readers call {@link #get()} once per request and use
 * that snapshot throughout, so a request never sees half of a change.
 */
public final class SnapshotHolder implements Supplier<Snapshot> {
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();

  /** The current snapshot; {@link Snapshot#EMPTY} before the first publish. Never null. */
  @Override
  public Snapshot get() {
    return current.get();
  }

  /** Whether a snapshot has been published since start. */
  public boolean isLoaded() {
    return current.get() != Snapshot.EMPTY;
  }

  /** Makes the snapshot current and tells the listeners, in the order they were added. */
  public void publish(Snapshot snapshot) {
    current.set(snapshot);
    for (Consumer<Snapshot> listener : new ArrayList<>(listeners)) {
      listener.accept(snapshot);
    }
  }

  /** Calls the listener after every publish, on the publishing thread. */
  public void onPublish(Consumer<Snapshot> listener) {
    listeners.add(listener);
  }
}
