package io.portcullis.store;

/**
 * A {@link ChangeNotifier} within one process, for H2 (which one process owns) and tests: {@link
 * #publish} calls the channel's listeners at once, on the publishing thread. Nothing is ever
 * missed.
 */
public final class LocalChangeNotifier implements ChangeNotifier {
  private final ChangeListeners listeners = new ChangeListeners();

  @Override
  public void publish(Channel channel, String payload) {
    ChangeNotifier.checkPayload(channel, payload);
    listeners.changed(channel, payload);
  }

  @Override
  public Subscription subscribe(Channel channel, Listener listener) {
    return listeners.add(channel, listener);
  }

  @Override
  public void close() {}
}
