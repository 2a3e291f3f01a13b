package io.portcullis.monitor;

/** Receives one event per call through the gateway. */
public interface TransactionRecorder {

  /** A recorder that drops every event. */
  TransactionRecorder NONE = event -> {};

  /**
   * Records the event. Called on an event-loop thread once per request, when its response has ended
   * (or the client has gone away): it must not block, and must not throw; an implementation that
   * stores events hands them to a queue or a worker.
   */
  void record(TransactionEvent event);
}
