package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.TokenRecord.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenPurgerTest {
  private final MutableClock clock = new MutableClock(T0);
  private final List<TokenPurger> purgers = new ArrayList<>();

  private TokenPurger purger(
      Map<String, ? extends Purgeable> targets, Duration interval, int batch) {
    TokenPurger purger = new TokenPurger(targets, clock, interval, batch);
    purgers.add(purger);
    return purger;
  }

  @AfterEach
  void stop() {
    purgers.forEach(TokenPurger::close);
  }

  private static InMemoryTokenStore storeWith(int expired, int live) {
    InMemoryTokenStore store = new InMemoryTokenStore();
    for (int i = 0; i < expired; i++) {
      store.save(
          Tokens.record(Tokens.newToken(), Kind.ACCESS, "app", T0, Duration.ofMinutes(1), "f"));
    }
    for (int i = 0; i < live; i++) {
      store.save(
          Tokens.record(Tokens.newToken(), Kind.ACCESS, "app", T0, Duration.ofHours(1), "f"));
    }
    return store;
  }

  @Test
  void purgeNowWhenMoreThanABatchExpiredThenPurgesEverythingInBatchCalls() {
    InMemoryTokenStore store = storeWith(2_500, 10);
    AtomicInteger calls = new AtomicInteger();
    Purgeable counted =
        (now, batch) -> {
          calls.incrementAndGet();
          return store.purgeExpired(now, batch);
        };
    clock.advance(Duration.ofMinutes(1));

    Map<String, Integer> deleted =
        purger(Map.of("tokens", counted), Duration.ofSeconds(60), 1_000).purgeNow();

    assertThat(deleted).containsExactly(Map.entry("tokens", 2_500));
    assertThat(calls).hasValue(3);
    assertThat(store.counts(clock.instant()).access().total()).isEqualTo(10);
  }

  @Test
  void purgeNowWhenATargetFailsThenTheOthersArePurgedAndItIsLeftOut() {
    InMemoryTokenStore store = storeWith(5, 0);
    InMemoryJtiReplayCache jtis = new InMemoryJtiReplayCache(clock);
    jtis.firstUse("iss", "jti", T0.plusSeconds(1));
    Map<String, Purgeable> targets = new LinkedHashMap<>();
    targets.put("tokens", store);
    targets.put(
        "broken",
        (now, batch) -> {
          throw new IllegalStateException("database down");
        });
    targets.put("used_jtis", jtis);
    clock.advance(Duration.ofMinutes(1));

    Map<String, Integer> deleted = purger(targets, Duration.ofSeconds(60), 1_000).purgeNow();

    assertThat(deleted).containsExactly(Map.entry("tokens", 5), Map.entry("used_jtis", 1));
  }

  @Test
  void startWhenRunningThenPurgesEveryIntervalAndSurvivesAFailingRun() {
    AtomicInteger runs = new AtomicInteger();
    Purgeable failingFirst =
        (now, batch) -> {
          if (runs.incrementAndGet() == 1) throw new IllegalStateException("first run fails");
          return 0;
        };
    TokenPurger purger = purger(Map.of("flaky", failingFirst), Duration.ofMillis(20), 10);

    purger.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 3);
  }

  @Test
  void purgeNowWhenCalledThenUsesTheClockForExpiry() {
    InMemoryTokenStore store = storeWith(3, 0);
    TokenPurger purger = purger(Map.of("tokens", store), Duration.ofSeconds(60), 10);

    assertThat(purger.purgeNow()).containsEntry("tokens", 0);
    clock.advance(Duration.ofMinutes(1));
    assertThat(purger.purgeNow()).containsEntry("tokens", 3);
  }

  @Test
  void constructorWhenIntervalOrBatchOutOfRangeThenIllegalArgumentNamingIt() {
    Map<String, Purgeable> none = Map.of();
    assertThatThrownBy(() -> new TokenPurger(none, clock, Duration.ZERO, 10))
        .hasMessageContaining("purgeInterval");
    assertThatThrownBy(() -> new TokenPurger(none, clock, Duration.ofSeconds(-1), 10))
        .hasMessageContaining("purgeInterval");
    assertThatThrownBy(() -> new TokenPurger(none, clock, Duration.ofSeconds(1), 0))
        .hasMessageContaining("batchSize");
  }

  @Test
  void purgeNowWhenExpiryIsExactlyNowThenPurged() {
    InMemoryJtiReplayCache jtis = new InMemoryJtiReplayCache(clock);
    Instant exp = T0.plusSeconds(30);
    jtis.firstUse("iss", "a", exp);
    clock.advance(Duration.ofSeconds(30));

    assertThat(purger(Map.of("used_jtis", jtis), Duration.ofSeconds(1), 1).purgeNow())
        .containsEntry("used_jtis", 1);
  }
}
