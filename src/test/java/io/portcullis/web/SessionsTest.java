package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionsTest {
  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MovingClock clock = new MovingClock();
  final Sessions sessions = new Sessions(Duration.ofMinutes(30), Duration.ofHours(8), clock);

  @Test
  void lookupWhenUsedWithinTheIdleTimeThenLivesUntilTheAbsoluteExpiry() {
    WebSession session = sessions.create("alice", "admin", true);
    for (int i = 0; i < 16; i++) {
      clock.now = clock.now.plus(Duration.ofMinutes(29));
      assertThat(sessions.lookup(session.id())).contains(session);
    }
    clock.now = clock.now.plus(Duration.ofMinutes(29)); // 17 × 29 min > 8 h
    assertThat(sessions.lookup(session.id())).isEmpty();
  }

  @Test
  void lookupWhenIdleLongerThanTheIdleTimeThenGone() {
    WebSession session = sessions.create("alice", "admin", true);
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    assertThat(sessions.lookup(session.id())).isEmpty();
    clock.now = clock.now.minus(Duration.ofMinutes(10));
    assertThat(sessions.lookup(session.id())).as("removed, not only hidden").isEmpty();
  }

  @Test
  void lookupWhenRemovedOrUnknownThenEmpty() {
    WebSession session = sessions.create("alice", "viewer", false);
    sessions.remove(session.id());
    assertThat(sessions.lookup(session.id())).isEmpty();
    assertThat(sessions.lookup("not-a-session")).isEmpty();
  }

  @Test
  void createWhenCalledTwiceThenDifferentIdsAndCsrfTokens() {
    WebSession a = sessions.create("alice", "admin", true);
    WebSession b = sessions.create("alice", "admin", true);
    assertThat(a.id()).isNotEqualTo(b.id()).hasSize(43);
    assertThat(a.csrfToken()).isNotEqualTo(b.csrfToken()).isNotEqualTo(a.id());
    assertThat(a.toString()).doesNotContain(a.id()).doesNotContain(a.csrfToken());
  }

  @Test
  void sameTokenWhenDifferentOrMissingThenFalse() {
    assertThat(Sessions.sameToken("abc", "abc")).isTrue();
    assertThat(Sessions.sameToken("abc", "abd")).isFalse();
    assertThat(Sessions.sameToken("abc", null)).isFalse();
    assertThat(Sessions.sameToken(null, "abc")).isFalse();
  }
}
