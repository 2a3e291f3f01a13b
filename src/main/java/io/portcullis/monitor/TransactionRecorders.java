package io.portcullis.monitor;

import java.util.List;

/** Recorders that pass each event on to several others. */
public final class TransactionRecorders {
  private TransactionRecorders() {}

  /**
   * A recorder that hands each event to each of {@code recorders} in order; a recorder that throws
   * does not keep the event from the others.
   */
  public static TransactionRecorder of(List<TransactionRecorder> recorders) {
    TransactionRecorder[] all = recorders.toArray(TransactionRecorder[]::new);
    if (all.length == 1) return all[0];
    return event -> {
      RuntimeException failure = null;
      for (TransactionRecorder recorder : all) {
        try {
          recorder.record(event);
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) throw failure;
    };
  }
}
