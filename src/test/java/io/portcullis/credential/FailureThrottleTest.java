package io.portcullis.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FailureThrottle throttle =
      new FailureThrottle(new FailureThrottle.Settings(3, 5, Duration.ofMinutes(5), 1000), clock);

  @Test
  void lockedWhenNameReachesLimitThenLockedUntilWindowEnds() {
    for (int i = 0; i < 2; i++) throttle.failed("photo-app", "10.0.0.1");
    assertThat(throttle.locked("photo-app", "10.0.0.1")).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    throttle.failed("Photo-App", "10.0.0.2");

    assertThat(throttle.locked("photo-app", "10.0.0.3")).contains(Duration.ofMinutes(4));
    assertThat(throttle.locked("other-app", "10.0.0.1")).isEmpty();
    clock.advance(Duration.ofMinutes(4).minusSeconds(1));
    assertThat(throttle.locked("photo-app", null)).contains(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.locked("photo-app", null)).isEmpty();
    throttle.failed("photo-app", null);
    assertThat(throttle.locked("photo-app", null)).isEmpty();
  }

  @Test
  void lockedWhenAddressReachesLimitWithDifferentNamesThenEveryNameLockedFromIt() {
    for (int i = 0; i < 5; i++) throttle.failed("guess-" + i, "10.0.0.9");

    assertThat(throttle.locked("photo-app", "10.0.0.9")).contains(Duration.ofMinutes(5));
    assertThat(throttle.locked("photo-app", "10.0.0.8")).isEmpty();
    clock.advance(Duration.ofMinutes(5));
    assertThat(throttle.locked("photo-app", "10.0.0.9")).isEmpty();
  }

  @Test
  void succeededWhenNameHadFailuresThenNameForgottenButAddressNot() {
    for (int i = 0; i < 2; i++) throttle.failed("photo-app", "10.0.0.1");
    throttle.succeeded("photo-app", "10.0.0.7");
    for (int i = 0; i < 2; i++) throttle.failed("photo-app", "10.0.0.1");
    assertThat(throttle.locked("photo-app", "10.0.0.2")).isEmpty();

    throttle.failed("other", "10.0.0.1");
    assertThat(throttle.locked("anyone", "10.0.0.1")).isPresent();
  }

  @Test
  void attemptWhenConcurrentGuessesThenCountedUpFrontAndRightSecretTakesItsCountBack() {
    for (int i = 0; i < 3; i++) assertThat(throttle.attempt("photo-app", "10.0.0.1")).isEmpty();
    // The three are still being checked: a fourth at the same moment is refused.
    assertThat(throttle.attempt("photo-app", "10.0.0.1")).contains(Duration.ofMinutes(5));

    clock.advance(Duration.ofMinutes(5));
    assertThat(throttle.attempt("photo-app", "10.0.0.1")).isEmpty();
    throttle.succeeded("photo-app", "10.0.0.1");
    for (int i = 0; i < 4; i++) {
      assertThat(throttle.attempt("user-" + i, "10.0.0.1")).isEmpty();
      throttle.succeeded("user-" + i, "10.0.0.1");
    }
    assertThat(throttle.locked("anyone", "10.0.0.1")).isEmpty();
  }

  @Test
  void failedWhenManyDistinctNamesThenMemoryBounded() {
    for (int i = 0; i < 50_000; i++) throttle.failed("guess-" + i, "10.1." + (i / 256) + "." + i);

    assertThat(throttle.tracked()).isLessThanOrEqualTo(2 * 1000);
  }

  @Test
  void settingsWhenOffThenNeverLocked() {
    FailureThrottle off = new FailureThrottle(FailureThrottle.Settings.OFF, clock);
    for (int i = 0; i < 100; i++) off.failed("photo-app", "10.0.0.1");
    assertThat(off.locked("photo-app", "10.0.0.1")).isEmpty();
  }

  @Test
  void retryAfterSecondsWhenFractionThenRoundedUpAtLeastOne() {
    assertThat(FailureThrottle.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(FailureThrottle.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
    assertThat(FailureThrottle.retryAfterSeconds(Duration.ofSeconds(300))).isEqualTo(300);
  }
}
