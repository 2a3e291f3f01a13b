package io.portcullis.token.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.token.store.InMemoryJtiReplayCache;
import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.store.TokenLookupException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DpopReplayTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static DpopProofs.Valid proof(String jti) {
    return new DpopProofs.Valid("jkt-of-the-key", jti, NOW.plusSeconds(60));
  }

  /** A shared cache that counts its calls and answers as another node's store would. */
  static final class CountingStore implements JtiReplayCache {
    final InMemoryJtiReplayCache rows = new InMemoryJtiReplayCache(CLOCK);
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean failing;

    @Override
    public boolean firstUse(String issuer, String jti, Instant expiresAt) {
      calls.incrementAndGet();
      if (failing) throw new IllegalStateException("connection refused");
      return rows.firstUse(issuer, jti, expiresAt);
    }

    @Override
    public int purgeExpired(Instant now, int batchSize) {
      return rows.purgeExpired(now, batchSize);
    }
  }

  static boolean await(io.vertx.core.Future<Boolean> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void firstUseWhenSeenOnThisNodeThenFalseWithoutAskingTheStore() throws Exception {
    CountingStore store = new CountingStore();
    try (DpopReplay replay = new DpopReplay(store, CLOCK)) {
      assertThat(await(replay.firstUse(proof("a")))).isTrue();
      assertThat(await(replay.firstUse(proof("a")))).isFalse();
      assertThat(replay.firstUseBlocking(proof("a"))).isFalse();

      assertThat(store.calls).hasValue(1);
    }
  }

  @Test
  void firstUseWhenAnotherNodeRecordedTheProofThenFalse() throws Exception {
    CountingStore store = new CountingStore();
    store.rows.firstUse("jkt-of-the-key", "b", NOW.plusSeconds(60));
    try (DpopReplay replay = new DpopReplay(store, CLOCK)) {
      assertThat(await(replay.firstUse(proof("b")))).isFalse();
      assertThat(replay.firstUseBlocking(proof("c"))).isTrue();
    }
  }

  @Test
  void firstUseWhenStoreFailsThenTokenLookupExceptionNamingTheCause() {
    CountingStore store = new CountingStore();
    store.failing = true;
    try (DpopReplay replay = new DpopReplay(store, CLOCK)) {
      assertThatThrownBy(() -> await(replay.firstUse(proof("d"))))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TokenLookupException.class)
          .hasMessageContaining("connection refused");
    }
  }

  @Test
  void purgeExpiredWhenEntriesExpiredThenForgottenInMemoryAndStore() throws Exception {
    CountingStore store = new CountingStore();
    try (DpopReplay replay = new DpopReplay(store, CLOCK)) {
      assertThat(replay.firstUseBlocking(proof("e"))).isTrue();

      assertThat(replay.purgeExpired(NOW.plusSeconds(61), 100)).isEqualTo(1);
      // Expired entries start a new period: the proof itself is refused by its iat by then.
      assertThat(replay.firstUseBlocking(proof("e"))).isTrue();
    }
  }
}
