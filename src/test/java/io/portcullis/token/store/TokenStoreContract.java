package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newFamily;
import static io.portcullis.token.store.Tokens.newToken;
import static io.portcullis.token.store.Tokens.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.token.store.TokenRecord.Kind;
import io.portcullis.token.store.TokenStore.ByState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * The contract every {@link TokenStore} keeps: the in-memory store and the database store on H2 and
 * PostgreSQL run these same tests through a subclass each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TokenStoreContract {
  private static final Instant LATER = T0.plusSeconds(60);

  private TokenStore store;
  private ExecutorService racers;

  /** An empty store: called before each test. */
  protected abstract TokenStore freshStore();

  /** Everything the store holds, as text (for a database: every column of every row). */
  protected abstract String everythingStored();

  @BeforeAll
  void startRacers() {
    racers = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  void stopRacers() {
    racers.shutdownNow();
  }

  @BeforeEach
  void emptyStore() {
    store = freshStore();
  }

  @Test
  void findWhenSavedThenEqualRecordWithEveryField() {
    String token = newToken();
    TokenRecord saved =
        TokenRecord.builder()
            .tokenHash(TokenHasher.hash(token))
            .kind(Kind.REFRESH)
            .authorizationServer("local")
            .clientId("photo-client")
            .applicationName("photo-app")
            .subject("alice")
            .scopes(List.of("z-scope", "https://localhost:8090/auth/user.photos", "a-scope"))
            .parameters(Map.of("Department", "Engineering", "Grüße", "ünïcode ✓", "empty", ""))
            .issuedAt(T0.plusNanos(123_456_000))
            .expiresAt(T0.plusSeconds(43_200))
            .familyId("family-1")
            .parentHash(TokenHasher.hash("parent"))
            .revokedAt(T0.plusSeconds(5))
            .rotatedAt(T0.plusSeconds(7))
            .build();

    store.save(saved);

    assertThat(store.find(saved.tokenHash())).contains(saved);
    assertThat(store.find(saved.tokenHash()).orElseThrow().scopes())
        .containsExactly("z-scope", "https://localhost:8090/auth/user.photos", "a-scope");
  }

  @Test
  void findWhenOptionalFieldsAreNullOrEmptyThenEqualRecord() {
    TokenRecord bare =
        TokenRecord.builder()
            .tokenHash(TokenHasher.hash(newToken()))
            .kind(Kind.ACCESS)
            .authorizationServer("local")
            .applicationName("photo-app")
            .issuedAt(T0)
            .expiresAt(T0.plusSeconds(1))
            .familyId("family")
            .build();

    store.save(bare);

    assertThat(store.find(bare.tokenHash())).contains(bare);
  }

  @Test
  void findWhenUnknownHashThenEmpty() {
    store.save(access(newToken(), "photo-app"));

    assertThat(store.find(TokenHasher.hash(newToken()))).isEmpty();
  }

  @Test
  void saveWhenHashIsStoredAlreadyThenIllegalArgumentAndFirstKept() {
    String token = newToken();
    TokenRecord first = access(token, "photo-app");
    store.save(first);

    assertThatThrownBy(() -> store.save(access(token, "other-app")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hash");

    assertThat(store.find(first.tokenHash())).contains(first);
  }

  @Test
  void saveWhenStoredThenTheTokenItselfAppearsNowhere() {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String token = newToken();
      tokens.add(token);
      store.save(access(token, "photo-app"));
    }

    String stored = everythingStored();
    assertThat(stored).contains(TokenHasher.hash(tokens.get(0)));
    for (String token : tokens) {
      assertThat(stored).doesNotContain(token);
      // Not even a recognisable piece of it.
      assertThat(stored).doesNotContain(token.substring(0, 16));
    }
  }

  @Test
  void revokeWhenActiveThenTrueOnceAndFirstRevocationTimeKept() {
    TokenRecord token = access(newToken(), "photo-app");
    store.save(token);

    assertThat(store.revoke(token.tokenHash(), LATER)).isTrue();
    assertThat(store.revoke(token.tokenHash(), LATER.plusSeconds(1))).isFalse();

    TokenRecord found = store.find(token.tokenHash()).orElseThrow();
    assertThat(found.revokedAt()).isEqualTo(LATER);
    assertThat(found.isActive(LATER)).isFalse();
  }

  @Test
  void revokeWhenUnknownThenFalse() {
    assertThat(store.revoke(TokenHasher.hash(newToken()), LATER)).isFalse();
  }

  @Test
  void revokeFamilyWhenSeveralTokensThenEveryUnrevokedOneOfTheFamilyOnly() {
    String family = newFamily();
    TokenRecord a = record(newToken(), Kind.ACCESS, "photo-app", T0, Duration.ofHours(1), family);
    TokenRecord r = record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), family);
    TokenRecord early =
        record(newToken(), Kind.ACCESS, "photo-app", T0, Duration.ofHours(1), family);
    TokenRecord stranger = access(newToken(), "photo-app");
    List.of(a, r, early, stranger).forEach(store::save);
    store.revoke(early.tokenHash(), T0.plusSeconds(1));

    assertThat(store.revokeFamily(family, LATER)).isEqualTo(2);
    assertThat(store.revokeFamily(family, LATER.plusSeconds(1))).isZero();

    assertThat(store.find(a.tokenHash()).orElseThrow().revokedAt()).isEqualTo(LATER);
    assertThat(store.find(r.tokenHash()).orElseThrow().revokedAt()).isEqualTo(LATER);
    assertThat(store.find(early.tokenHash()).orElseThrow().revokedAt())
        .isEqualTo(T0.plusSeconds(1));
    assertThat(store.find(stranger.tokenHash()).orElseThrow().revokedAt()).isNull();
  }

  @Test
  void revokeFamilyWhenUnknownFamilyThenZero() {
    store.save(access(newToken(), "photo-app"));

    assertThat(store.revokeFamily("no-such-family", LATER)).isZero();
  }

  @Test
  void markRotatedWhenCalledTwiceThenOnlyTheFirstWins() {
    TokenRecord refresh =
        record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), newFamily());
    store.save(refresh);

    assertThat(store.markRotated(refresh.tokenHash(), LATER)).isTrue();
    assertThat(store.markRotated(refresh.tokenHash(), LATER.plusSeconds(1))).isFalse();

    TokenRecord found = store.find(refresh.tokenHash()).orElseThrow();
    assertThat(found.rotatedAt()).isEqualTo(LATER);
    assertThat(found.isActive(LATER)).isFalse();
  }

  @Test
  void markRotatedWhenUnknownThenFalse() {
    assertThat(store.markRotated(TokenHasher.hash(newToken()), LATER)).isFalse();
  }

  @Test
  void markRotatedWhenTwoThreadsRaceThenExactlyOneWinsEveryTime() throws Exception {
    for (int round = 0; round < 20; round++) {
      TokenRecord refresh =
          record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), newFamily());
      store.save(refresh);
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        results.add(
            racers.submit(
                () -> {
                  start.await();
                  return store.markRotated(refresh.tokenHash(), LATER);
                }));
      }

      int winners = 0;
      for (Future<Boolean> result : results) winners += result.get() ? 1 : 0;
      assertThat(winners).as("winners in round %d", round).isEqualTo(1);
    }
  }

  @Test
  void markRotatedWhenRotatedTokenIsUsedAgainThenRevokingTheFamilyDisablesEveryDescendant() {
    String family = newFamily();
    TokenRecord firstRefresh =
        record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), family);
    store.save(firstRefresh);
    // The legitimate client exchanges it: new access and refresh tokens of the same family.
    assertThat(store.markRotated(firstRefresh.tokenHash(), LATER)).isTrue();
    TokenRecord secondAccess =
        record(newToken(), Kind.ACCESS, "photo-app", LATER, Duration.ofHours(1), family);
    TokenRecord secondRefresh =
        record(newToken(), Kind.REFRESH, "photo-app", LATER, Duration.ofHours(12), family);
    store.save(secondAccess);
    store.save(secondRefresh);

    // An attacker replays the first refresh token: reuse is detected, the family revoked.
    boolean firstUse = store.markRotated(firstRefresh.tokenHash(), LATER.plusSeconds(5));
    assertThat(firstUse).isFalse();
    store.revokeFamily(family, LATER.plusSeconds(5));

    Instant now = LATER.plusSeconds(6);
    assertThat(store.find(secondAccess.tokenHash()).orElseThrow().isActive(now)).isFalse();
    assertThat(store.find(secondRefresh.tokenHash()).orElseThrow().isActive(now)).isFalse();
  }

  @Test
  void findByApplicationWhenSeveralApplicationsThenOnlyItsTokensOldestFirst() {
    TokenRecord newest =
        record(newToken(), Kind.ACCESS, "photo-app", T0.plusSeconds(20), Duration.ofHours(1), "f");
    TokenRecord oldest =
        record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(1), "f");
    TokenRecord middle =
        record(newToken(), Kind.ACCESS, "photo-app", T0.plusSeconds(10), Duration.ofHours(1), "f");
    TokenRecord other = access(newToken(), "mail-app");
    List.of(newest, other, oldest, middle).forEach(store::save);
    store.revoke(middle.tokenHash(), LATER);

    assertThat(store.findByApplication("photo-app"))
        .extracting(TokenRecord::tokenHash)
        .containsExactly(oldest.tokenHash(), middle.tokenHash(), newest.tokenHash());
    assertThat(store.findByApplication("mail-app")).containsExactly(other);
    assertThat(store.findByApplication("nobody")).isEmpty();
    assertThat(store.findByApplication("Photo-App")).isEmpty();
  }

  @Test
  void findByApplicationWhenIssuedAtTheSameInstantThenOrderedByHash() {
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      TokenRecord token = access(newToken(), "photo-app");
      hashes.add(token.tokenHash());
      store.save(token);
    }

    assertThat(store.findByApplication("photo-app"))
        .extracting(TokenRecord::tokenHash)
        .containsExactlyElementsOf(hashes.stream().sorted().toList());
  }

  @Test
  void purgeExpiredWhenMoreThanABatchThenEachCallDeletesAtMostABatchAndLiveTokensStay() {
    List<TokenRecord> live = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      store.save(record(newToken(), Kind.ACCESS, "photo-app", T0, Duration.ofMinutes(1), "f"));
    }
    for (int i = 0; i < 5; i++) {
      TokenRecord token =
          record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), "f");
      live.add(token);
      store.save(token);
    }
    Instant now = T0.plus(Duration.ofMinutes(1)); // expiry is exclusive: expired at this instant

    assertThat(store.purgeExpired(now, 10)).isEqualTo(10);
    assertThat(store.purgeExpired(now, 10)).isEqualTo(10);
    assertThat(store.purgeExpired(now, 10)).isEqualTo(5);
    assertThat(store.purgeExpired(now, 10)).isZero();

    assertThat(store.findByApplication("photo-app")).containsExactlyInAnyOrderElementsOf(live);
  }

  @Test
  void purgeExpiredWhenRevokedThenDeletedOnlyOnceExpired() {
    TokenRecord token = access(newToken(), "photo-app");
    store.save(token);
    store.revoke(token.tokenHash(), LATER);

    assertThat(store.purgeExpired(LATER, 100)).isZero();
    assertThat(store.purgeExpired(token.expiresAt(), 100)).isEqualTo(1);
    assertThat(store.find(token.tokenHash())).isEmpty();
  }

  @Test
  void purgeExpiredWhenBatchSizeBelowOneThenIllegalArgumentNamingIt() {
    assertThatThrownBy(() -> store.purgeExpired(LATER, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize");
  }

  @Test
  void countsWhenTokensInEveryStateThenCountedOnceByKindAndState() {
    Instant now = T0.plus(Duration.ofMinutes(30));
    // access: 2 active, 1 expired, 2 revoked (one of them also expired)
    store.save(access(newToken(), "photo-app"));
    store.save(access(newToken(), "photo-app"));
    store.save(record(newToken(), Kind.ACCESS, "a", T0, Duration.ofMinutes(30), "f"));
    TokenRecord revoked = access(newToken(), "photo-app");
    TokenRecord revokedExpired =
        record(newToken(), Kind.ACCESS, "a", T0, Duration.ofMinutes(1), "f");
    store.save(revoked);
    store.save(revokedExpired);
    store.revoke(revoked.tokenHash(), LATER);
    store.revoke(revokedExpired.tokenHash(), LATER);
    // refresh: 1 active, 1 rotated, 1 rotated and expired (counts as expired)
    store.save(record(newToken(), Kind.REFRESH, "a", T0, Duration.ofHours(12), "f"));
    TokenRecord rotated = record(newToken(), Kind.REFRESH, "a", T0, Duration.ofHours(12), "f");
    TokenRecord rotatedExpired =
        record(newToken(), Kind.REFRESH, "a", T0, Duration.ofMinutes(5), "f");
    store.save(rotated);
    store.save(rotatedExpired);
    store.markRotated(rotated.tokenHash(), LATER);
    store.markRotated(rotatedExpired.tokenHash(), LATER);

    TokenStore.Counts counts = store.counts(now);

    assertThat(counts.access()).isEqualTo(new ByState(2, 0, 1, 2));
    assertThat(counts.refresh()).isEqualTo(new ByState(1, 1, 1, 0));
    assertThat(counts.of(Kind.ACCESS).total()).isEqualTo(5);
  }

  @Test
  void countsWhenEmptyThenZero() {
    assertThat(store.counts(T0)).isEqualTo(TokenStore.Counts.NONE);
  }

  @Test
  void saveWhenManyThreadsSaveAndFindThenEveryTokenIsFound() {
    List<TokenRecord> tokens = new ArrayList<>();
    for (int i = 0; i < 200; i++) tokens.add(access(newToken(), "app-" + (i % 3)));

    CompletableFuture.allOf(
            tokens.stream()
                .map(t -> CompletableFuture.runAsync(() -> store.save(t), racers))
                .toArray(CompletableFuture[]::new))
        .join();

    for (TokenRecord token : tokens) assertThat(store.find(token.tokenHash())).contains(token);
  }
}
