package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.ChangeNotifier.Channel;
import org.junit.jupiter.api.Test;

class LocalChangeNotifierTest {
  private final LocalChangeNotifier notifier = new LocalChangeNotifier();

  @Test
  void publishWhenSubscribedThenListenersOfThatChannelOnlyAreCalledAtOnce() {
    RecordingListener tokens = new RecordingListener();
    RecordingListener jwts = new RecordingListener();
    notifier.subscribe(Channel.TOKEN_REVOKED, tokens);
    notifier.subscribe(Channel.JWT_REVOKED, jwts);

    notifier.publish(Channel.TOKEN_REVOKED, "hash-1");

    assertThat(tokens.payloads).containsExactly("hash-1");
    assertThat(jwts.payloads).isEmpty();
  }

  @Test
  void publishWhenAListenerThrowsThenTheOthersStillHearIt() {
    RecordingListener after = new RecordingListener();
    notifier.subscribe(
        Channel.REGISTRY_CHANGED,
        payload -> {
          throw new IllegalStateException("listener bug");
        });
    notifier.subscribe(Channel.REGISTRY_CHANGED, after);

    notifier.publish(Channel.REGISTRY_CHANGED, "apis");

    assertThat(after.payloads).containsExactly("apis");
  }

  @Test
  void publishWhenSubscriptionClosedThenNotCalled() {
    RecordingListener listener = new RecordingListener();
    ChangeNotifier.Subscription subscription = notifier.subscribe(Channel.JWT_REVOKED, listener);

    subscription.close();
    notifier.publish(Channel.JWT_REVOKED, "jti");

    assertThat(listener.payloads).isEmpty();
  }

  @Test
  void publishWhenPayloadTooLongThenIllegalArgumentNamingTheChannel() {
    String payload = "x".repeat(ChangeNotifier.MAX_PAYLOAD_LENGTH + 1);

    assertThatThrownBy(() -> notifier.publish(Channel.TOKEN_REVOKED, payload))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TOKEN_REVOKED")
        .hasMessageContaining("1000");
  }

  @Test
  void openWhenH2ThenLocalNotifier() {
    try (Database database = Database.open(TestDatabases.h2());
        ChangeNotifier opened = ChangeNotifier.open(database)) {
      assertThat(opened).isInstanceOf(LocalChangeNotifier.class);
    }
  }

  @Test
  void pgNameWhenChannelThenPrefixedLowerCase() {
    assertThat(Channel.TOKEN_FAMILY_REVOKED.pgName()).isEqualTo("portcullis_token_family_revoked");
  }
}
