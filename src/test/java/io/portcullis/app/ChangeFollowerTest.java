package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.store.ChangeNotifier;
import io.portcullis.store.LocalChangeNotifier;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Announcing one's own writes, re-reading on the others', off the notifier's thread. */
class ChangeFollowerTest {
  private static final ChangeNotifier.Channel CHANNEL = ChangeNotifier.Channel.REGISTRY_CHANGED;

  @Test
  void announceWhenThisNodeWroteThenOthersAreToldAndThisNodeDoesNotReread() {
    LocalChangeNotifier notifier = new LocalChangeNotifier();
    AtomicInteger rereads = new AtomicInteger();
    AtomicInteger heard = new AtomicInteger();
    notifier.subscribe(CHANNEL, payload -> heard.incrementAndGet());
    try (ChangeFollower follower =
        new ChangeFollower(notifier, CHANNEL, "registry", rereads::incrementAndGet)) {
      follower.announce();

      assertThat(heard).hasValue(1);
      assertThat(rereads).hasValue(0);
    }
  }

  @Test
  void changedWhenAnotherNodeWroteThenRereadOnAThreadOfItsOwn() {
    LocalChangeNotifier notifier = new LocalChangeNotifier();
    AtomicReference<String> thread = new AtomicReference<>();
    try (ChangeFollower follower =
        new ChangeFollower(
            notifier,
            CHANNEL,
            "signing keys",
            () -> thread.set(Thread.currentThread().getName()))) {
      notifier.publish(CHANNEL, "another node");

      await().atMost(Duration.ofSeconds(30)).until(() -> thread.get() != null);
      assertThat(thread.get()).isEqualTo("portcullis-signing-keys-reload");
    }
  }

  @Test
  void changedWhenNoticesArriveDuringAWaitingRereadThenTheyShareIt() throws Exception {
    LocalChangeNotifier notifier = new LocalChangeNotifier();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger rereads = new AtomicInteger();
    try (ChangeFollower follower =
        new ChangeFollower(
            notifier,
            CHANNEL,
            "registry",
            () -> {
              rereads.incrementAndGet();
              firstStarted.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })) {
      notifier.publish(CHANNEL, "other");
      assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 50; i++) notifier.publish(CHANNEL, "other");
      release.countDown();

      await().atMost(Duration.ofSeconds(30)).until(() -> rereads.get() == 2);
      assertThat(rereads).hasValue(2);
    }
  }
}
