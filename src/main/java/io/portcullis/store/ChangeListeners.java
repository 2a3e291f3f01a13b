package io.portcullis.store;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of a {@link ChangeNotifier}, by channel, and their safe invocation. */
final class ChangeListeners {
  private static final Logger log = LoggerFactory.getLogger(ChangeListeners.class);

  private final Map<ChangeNotifier.Channel, List<ChangeNotifier.Listener>> byChannel =
      new EnumMap<>(ChangeNotifier.Channel.class);

  ChangeListeners() {
    for (ChangeNotifier.Channel channel : ChangeNotifier.Channel.values()) {
      byChannel.put(channel, new CopyOnWriteArrayList<>());
    }
  }

  ChangeNotifier.Subscription add(
      ChangeNotifier.Channel channel, ChangeNotifier.Listener listener) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(listener, "listener");
    List<ChangeNotifier.Listener> listeners = byChannel.get(channel);
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void changed(ChangeNotifier.Channel channel, String payload) {
    for (ChangeNotifier.Listener listener : byChannel.get(channel)) {
      try {
        listener.changed(payload);
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("channel", channel)
            .addKeyValue("error", e.toString())
            .log("change listener failed");
      }
    }
  }

  void missed() {
    for (Map.Entry<ChangeNotifier.Channel, List<ChangeNotifier.Listener>> entry :
        byChannel.entrySet()) {
      for (ChangeNotifier.Listener listener : entry.getValue()) {
        try {
          listener.missed();
        } catch (RuntimeException e) {
          log.atWarn()
              .addKeyValue("channel", entry.getKey())
              .addKeyValue("error", e.toString())
              .log("change listener failed to resynchronise");
        }
      }
    }
  }
}
