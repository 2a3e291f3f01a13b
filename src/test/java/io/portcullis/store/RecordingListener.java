package io.portcullis.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A change listener that remembers what it was told. */
final class RecordingListener implements ChangeNotifier.Listener {
  final List<String> payloads = new CopyOnWriteArrayList<>();
  final AtomicInteger missed = new AtomicInteger();

  @Override
  public void changed(String payload) {
    payloads.add(payload);
  }

  @Override
  public void missed() {
    missed.incrementAndGet();
  }
}
