package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(5));

  @Test
  void blockedWhenTheUserFailedTheLimitThenRefusedFromEveryAddress() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.blocked("alice", "10.0.0.1")).isFalse();
      throttle.failed("alice", "10.0.0.1");
    }
    assertThat(throttle.blocked("alice", "10.0.0.1")).isTrue();
    assertThat(throttle.blocked("alice", "10.0.0.2")).isTrue();
    assertThat(throttle.blocked("bob", "10.0.0.2")).isFalse();
  }

  @Test
  void blockedWhenOneAddressTriesManyUsersThenRefusedForAll() {
    for (int i = 0; i < 12; i++) throttle.failed("user" + i, "10.0.0.9");
    assertThat(throttle.blocked("someone-else", "10.0.0.9")).isTrue();
    assertThat(throttle.blocked("someone-else", "10.0.0.8")).isFalse();
  }

  @Test
  void succeededWhenAfterFailuresThenTheUserStartsAgain() {
    throttle.failed("alice", "10.0.0.1");
    throttle.failed("alice", "10.0.0.1");
    throttle.succeeded("alice");
    throttle.failed("alice", "10.0.0.1");
    assertThat(throttle.blocked("alice", "10.0.0.1")).isFalse();
  }
}
