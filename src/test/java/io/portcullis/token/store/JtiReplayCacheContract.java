package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link JtiReplayCache} keeps, run by a subclass per implementation. "Two
 * nodes" are two instances that share state as two processes sharing the store would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JtiReplayCacheContract {
  private static final String ISSUER = "https://apps.example.com/photo-app";
  private static final Instant EXP = T0.plus(Duration.ofMinutes(5));

  /** Starts at T0 in every test. */
  protected MutableClock clock;

  private JtiReplayCache node;
  private JtiReplayCache otherNode;
  private ExecutorService racers;

  /** Empties the shared state; called before each test. */
  protected abstract void reset();

  /** A cache on the shared state, reading time from {@link #clock}. */
  protected abstract JtiReplayCache node();

  /** A second cache on the same shared state, as another node would have. */
  protected abstract JtiReplayCache otherNode();

  @BeforeAll
  void startRacers() {
    racers = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  void stopRacers() {
    racers.shutdownNow();
  }

  @BeforeEach
  void resetState() {
    clock = new MutableClock(T0);
    reset();
    node = node();
    otherNode = otherNode();
  }

  private static String newJti() {
    return UUID.randomUUID().toString();
  }

  @Test
  void firstUseWhenNewThenTrueAndFalseEveryTimeAfterOnEveryNode() {
    String jti = newJti();

    assertThat(node.firstUse(ISSUER, jti, EXP)).isTrue();
    assertThat(node.firstUse(ISSUER, jti, EXP)).isFalse();
    assertThat(otherNode.firstUse(ISSUER, jti, EXP)).isFalse();
    assertThat(node.firstUse(ISSUER, jti, EXP.plusSeconds(600))).isFalse();
  }

  @Test
  void firstUseWhenSameJtiFromAnotherIssuerThenTrue() {
    String jti = newJti();
    node.firstUse(ISSUER, jti, EXP);

    assertThat(node.firstUse("https://other.example.com", jti, EXP)).isTrue();
  }

  @Test
  void firstUseWhenJustBeforeExpiryThenStillFalse() {
    String jti = newJti();
    node.firstUse(ISSUER, jti, EXP);

    clock.advance(Duration.between(T0, EXP).minusNanos(1_000));

    assertThat(node.firstUse(ISSUER, jti, EXP.plusSeconds(300))).isFalse();
  }

  @Test
  void firstUseWhenExpiredButNotYetPurgedThenTrueOnceForTheNewPeriod() {
    String jti = newJti();
    node.firstUse(ISSUER, jti, EXP);
    clock.advance(Duration.between(T0, EXP));

    assertThat(node.firstUse(ISSUER, jti, EXP.plusSeconds(300))).isTrue();
    assertThat(otherNode.firstUse(ISSUER, jti, EXP.plusSeconds(300))).isFalse();
  }

  @Test
  void firstUseWhenTwoNodesRaceThenExactlyOneWinsEveryTime() throws Exception {
    for (int round = 0; round < 20; round++) {
      String jti = newJti();
      CyclicBarrier start = new CyclicBarrier(4);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JtiReplayCache cache = i % 2 == 0 ? node : otherNode;
        results.add(
            racers.submit(
                () -> {
                  start.await();
                  return cache.firstUse(ISSUER, jti, EXP);
                }));
      }

      int winners = 0;
      for (Future<Boolean> result : results) winners += result.get() ? 1 : 0;
      assertThat(winners).as("winners in round %d", round).isEqualTo(1);
    }
  }

  @Test
  void purgeExpiredWhenSomeExpiredThenOnlyThoseDeletedInBatches() {
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 7; i++) node.firstUse(ISSUER, newJti(), T0.plusSeconds(60));
    for (int i = 0; i < 3; i++) {
      String jti = newJti();
      live.add(jti);
      node.firstUse(ISSUER, jti, T0.plusSeconds(3600));
    }
    Instant now = T0.plusSeconds(60);

    assertThat(node.purgeExpired(now, 5)).isEqualTo(5);
    assertThat(node.purgeExpired(now, 5)).isEqualTo(2);
    assertThat(node.purgeExpired(now, 5)).isZero();

    clock.advance(Duration.ofSeconds(60));
    for (String jti : live) assertThat(otherNode.firstUse(ISSUER, jti, EXP)).isFalse();
  }

  @Test
  void firstUseWhenLongestAllowedValuesThenKept() {
    String issuer = "https://é.example/" + "i".repeat(JtiReplayCache.MAX_ISSUER_LENGTH - 18);
    String jti = "ü" + "j".repeat(JtiReplayCache.MAX_JTI_LENGTH - 1);
    assertThat(issuer).hasSize(JtiReplayCache.MAX_ISSUER_LENGTH);

    assertThat(node.firstUse(issuer, jti, EXP)).isTrue();
    assertThat(otherNode.firstUse(issuer, jti, EXP)).isFalse();
  }

  @Test
  void firstUseWhenJtiTooLongThenIllegalArgumentNamingIt() {
    String jti = "j".repeat(JtiReplayCache.MAX_JTI_LENGTH + 1);

    assertThatThrownBy(() -> node.firstUse(ISSUER, jti, EXP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jti")
        .hasMessageContaining("512");
  }

  @Test
  void firstUseWhenIssuerTooLongThenIllegalArgumentNamingIt() {
    String issuer = "i".repeat(JtiReplayCache.MAX_ISSUER_LENGTH + 1);

    assertThatThrownBy(() -> node.firstUse(issuer, "jti", EXP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issuer");
  }

  @Test
  void firstUseWhenEmptyOrMissingArgumentThenIllegalArgumentNamingIt() {
    assertThatThrownBy(() -> node.firstUse("", "jti", EXP)).hasMessageContaining("issuer");
    assertThatThrownBy(() -> node.firstUse(ISSUER, "", EXP)).hasMessageContaining("jti");
    assertThatThrownBy(() -> node.firstUse(ISSUER, null, EXP)).hasMessageContaining("jti");
    assertThatThrownBy(() -> node.firstUse(ISSUER, "jti", null)).hasMessageContaining("expiresAt");
  }

  @Test
  void purgeExpiredWhenBatchSizeBelowOneThenIllegalArgument() {
    assertThatThrownBy(() -> node.purgeExpired(T0, 0)).hasMessageContaining("batchSize");
  }
}
