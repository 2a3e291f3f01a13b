package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newFamily;
import static io.portcullis.token.store.Tokens.newToken;
import static io.portcullis.token.store.Tokens.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.TokenRecord.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CachingTokenStoreTest {
  private static final CachingTokenStore.Settings SETTINGS =
      new CachingTokenStore.Settings(1_000, Duration.ofMinutes(5), Duration.ofSeconds(2), 2, 10);

  private final MutableClock clock = new MutableClock(T0.plusSeconds(1));
  private final CountingStore delegate = new CountingStore();
  private final List<CachingTokenStore> opened = new ArrayList<>();
  private final CachingTokenStore cache = open(SETTINGS);

  private CachingTokenStore open(CachingTokenStore.Settings settings) {
    CachingTokenStore store = new CachingTokenStore(delegate, clock, settings);
    opened.add(store);
    return store;
  }

  @AfterEach
  void close() {
    delegate.gate.countDown();
    opened.forEach(CachingTokenStore::close);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void lookupWhenSavedThroughTheCacheThenFoundWithoutAskingTheDelegate() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    cache.save(record);

    assertThat(await(cache.lookup(token))).contains(record);
    assertThat(delegate.finds).hasValue(0);
    assertThat(delegate.find(record.tokenHash())).contains(record);
  }

  @Test
  void lookupWhenMissThenDelegateAskedOnceAndTheAnswerCached() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    delegate.save(record);

    assertThat(await(cache.lookup(token))).contains(record);
    assertThat(await(cache.lookup(token))).contains(record);
    Future<Optional<TokenRecord>> third = cache.lookup(token);

    assertThat(third.isComplete()).as("a hit completes at once, without a thread hop").isTrue();
    assertThat(delegate.finds).hasValue(1);
  }

  @Test
  void lookupWhenManyConcurrentMissesOfOneTokenThenOneDelegateCall() throws Exception {
    String token = newToken();
    delegate.save(access(token, "photo-app"));
    delegate.gate = new CountDownLatch(1);

    List<Future<Optional<TokenRecord>>> lookups = new ArrayList<>();
    for (int i = 0; i < 50; i++) lookups.add(cache.lookup(token));
    delegate.gate.countDown();

    for (Future<Optional<TokenRecord>> lookup : lookups) assertThat(await(lookup)).isPresent();
    assertThat(delegate.finds).hasValue(1);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "short",
        "has spaces in it but is long enough",
        "Bearer abcdefghijklmnopqrstuvwxyz0123456789",
        "abcdefghijklmnopqrstuvwxyz0123456789+/=="
      })
  void lookupWhenMalformedThenEmptyWithoutAskingTheDelegate(String token) throws Exception {
    assertThat(await(cache.lookup(token))).isEmpty();
    assertThat(delegate.finds).hasValue(0);
  }

  @Test
  void lookupWhenTooLongThenEmptyWithoutAskingTheDelegate() throws Exception {
    assertThat(await(cache.lookup("a".repeat(10_000)))).isEmpty();
    assertThat(delegate.finds).hasValue(0);
  }

  @Test
  void lookupWhenUnknownThenEmptyAndRememberedOnlyForTheNegativeTtl() throws Exception {
    String token = newToken();

    assertThat(await(cache.lookup(token))).isEmpty();
    assertThat(await(cache.lookup(token))).isEmpty();
    assertThat(delegate.finds).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(await(cache.lookup(token))).isEmpty();
    assertThat(delegate.finds).hasValue(2);
  }

  @Test
  void lookupWhenNegativeTtlIsZeroThenUnknownTokensAreNeverRemembered() throws Exception {
    CachingTokenStore noNegatives =
        open(new CachingTokenStore.Settings(1_000, Duration.ofMinutes(5), Duration.ZERO, 1, 10));
    String token = newToken();

    await(noNegatives.lookup(token));
    await(noNegatives.lookup(token));

    assertThat(delegate.finds).hasValue(2);
  }

  @Test
  void lookupWhenRevokedThroughTheCacheThenEmptyAtOnce() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    cache.save(record);
    assertThat(await(cache.lookup(token))).isPresent();

    assertThat(cache.revoke(record.tokenHash(), clock.instant())).isTrue();

    assertThat(await(cache.lookup(token))).isEmpty();
  }

  @Test
  void lookupWhenRotatedThroughTheCacheThenEmptyAtOnce() throws Exception {
    String token = newToken();
    TokenRecord refresh =
        record(token, Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), newFamily());
    cache.save(refresh);

    assertThat(cache.markRotated(refresh.tokenHash(), clock.instant())).isTrue();

    assertThat(await(cache.lookup(token))).isEmpty();
  }

  @Test
  void lookupWhenFamilyRevokedThroughTheCacheThenEveryTokenOfItEmptyAndOthersKept()
      throws Exception {
    String family = newFamily();
    String a = newToken();
    String b = newToken();
    String other = newToken();
    cache.save(record(a, Kind.ACCESS, "app", T0, Duration.ofHours(1), family));
    cache.save(record(b, Kind.REFRESH, "app", T0, Duration.ofHours(12), family));
    cache.save(access(other, "app"));

    assertThat(cache.revokeFamily(family, clock.instant())).isEqualTo(2);

    assertThat(await(cache.lookup(a))).isEmpty();
    assertThat(await(cache.lookup(b))).isEmpty();
    assertThat(await(cache.lookup(other))).isPresent();
  }

  @Test
  void lookupWhenRevokedElsewhereThenCachedUntilEvictedThenEmpty() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    cache.save(record);
    delegate.revoke(record.tokenHash(), clock.instant()); // another node, through the database

    assertThat(await(cache.lookup(token))).as("not yet told").isPresent();
    cache.evict(record.tokenHash());

    assertThat(await(cache.lookup(token))).isEmpty();
  }

  @Test
  void evictFamilyWhenCalledThenOnlyThatFamilyIsReadAgain() throws Exception {
    String family = newFamily();
    String inFamily = newToken();
    String other = newToken();
    TokenRecord a = record(inFamily, Kind.ACCESS, "app", T0, Duration.ofHours(1), family);
    TokenRecord b = access(other, "app");
    cache.save(a);
    cache.save(b);
    delegate.revokeFamily(family, clock.instant());
    delegate.revoke(b.tokenHash(), clock.instant());

    cache.evictFamily(family);

    assertThat(await(cache.lookup(inFamily))).isEmpty();
    assertThat(await(cache.lookup(other))).as("still cached, not told").isPresent();
  }

  @Test
  void evictAllWhenCalledThenEveryTokenIsReadAgain() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    cache.save(record);
    delegate.revoke(record.tokenHash(), clock.instant());

    cache.evictAll();

    assertThat(await(cache.lookup(token))).isEmpty();
  }

  @Test
  void lookupWhenTokenExpiresWhileCachedThenEmpty() throws Exception {
    String token = newToken();
    cache.save(record(token, Kind.ACCESS, "app", T0, Duration.ofMinutes(1), newFamily()));
    assertThat(await(cache.lookup(token))).isPresent();

    clock.advance(Duration.ofMinutes(1));

    assertThat(await(cache.lookup(token))).isEmpty();
  }

  @Test
  void lookupWhenCachedLongerThanMaxPositiveAgeThenTheDelegateIsAskedAgain() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    cache.save(record);
    delegate.revoke(record.tokenHash(), clock.instant()); // its notice was lost

    clock.advance(Duration.ofMinutes(5));

    assertThat(await(cache.lookup(token))).isEmpty();
    assertThat(delegate.finds).hasValue(1);
  }

  @Test
  void lookupWhenDelegateFailsThenTokenLookupExceptionAndNextLookupTriesAgain() throws Exception {
    String token = newToken();
    delegate.save(access(token, "photo-app"));
    delegate.failure = new IllegalStateException("database down");

    assertThatThrownBy(() -> await(cache.lookup(token)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TokenLookupException.class)
        .hasMessageContaining("database down");

    delegate.failure = null;
    assertThat(await(cache.lookup(token))).isPresent();
  }

  @Test
  void lookupWhenMoreLookupsWaitThanAllowedThenTheExcessFailsAtOnce() throws Exception {
    CachingTokenStore narrow =
        open(new CachingTokenStore.Settings(1_000, Duration.ofMinutes(5), Duration.ZERO, 1, 2));
    delegate.gate = new CountDownLatch(1);

    // One running, two waiting: the fourth distinct token has no place.
    List<Future<Optional<TokenRecord>>> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) accepted.add(narrow.lookup(newToken()));
    Future<Optional<TokenRecord>> refused = narrow.lookup(newToken());

    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOf(TokenLookupException.class)
        .hasMessageContaining("too many");
    delegate.gate.countDown();
    for (Future<Optional<TokenRecord>> lookup : accepted) assertThat(await(lookup)).isEmpty();
  }

  @Test
  void lookupWhenTheStoreHangsThenAnsweredWithinMaxWaitAndQueuedCallsAreNeverMade()
      throws Exception {
    CachingTokenStore bounded =
        open(
            new CachingTokenStore.Settings(
                1_000, Duration.ofMinutes(5), Duration.ZERO, 1, 10, Duration.ofMillis(300)));
    delegate.gate = new CountDownLatch(1);

    Future<Optional<TokenRecord>> running = bounded.lookup(newToken());
    Future<Optional<TokenRecord>> queued = bounded.lookup(newToken());

    for (Future<Optional<TokenRecord>> lookup : List.of(running, queued)) {
      ExecutionException failure = assertThrows(ExecutionException.class, () -> await(lookup));
      assertThat(failure.getCause())
          .isInstanceOf(TokenLookupException.class)
          .hasMessageContaining("did not answer within 300 ms");
    }
    delegate.gate.countDown();
    // The queued call's caller was answered already: it is dropped, not made. A later lookup runs
    // after it on the one thread.
    assertThat(await(bounded.lookup(newToken()))).isEmpty();
    assertThat(delegate.finds).hasValue(2);
  }

  @Test
  void lookupWhenCalledOnAVertxContextThenCompletesOnThatContext() throws Exception {
    String token = newToken();
    delegate.save(access(token, "photo-app"));
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      CompletableFuture<Boolean> sameContext = new CompletableFuture<>();
      AtomicReference<Optional<TokenRecord>> found = new AtomicReference<>();
      context.runOnContext(
          ignored ->
              cache
                  .lookup(token)
                  .onComplete(
                      result -> {
                        found.set(result.result());
                        sameContext.complete(Vertx.currentContext() == context);
                      }));

      assertThat(sameContext.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(found.get()).isPresent();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void findWhenCalledThenAlwaysAsksTheDelegate() {
    TokenRecord record = access(newToken(), "photo-app");
    cache.save(record);

    assertThat(cache.find(record.tokenHash())).contains(record);
    assertThat(cache.find(record.tokenHash())).contains(record);
    assertThat(delegate.finds).hasValue(2);
  }

  @Test
  void closeWhenLookupsAreWaitingThenTheyFail() {
    CachingTokenStore narrow =
        open(new CachingTokenStore.Settings(1_000, Duration.ofMinutes(5), Duration.ZERO, 1, 5));
    delegate.gate = new CountDownLatch(1);
    narrow.lookup(newToken());
    Future<Optional<TokenRecord>> waiting = narrow.lookup(newToken());

    narrow.close();

    assertThatThrownBy(() -> await(waiting))
        .cause()
        .isInstanceOf(TokenLookupException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void settingsWhenOutOfRangeThenIllegalArgumentNamingTheField() {
    Duration d = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new CachingTokenStore.Settings(0, d, d, 1, 1))
        .hasMessageContaining("maximumSize");
    assertThatThrownBy(() -> new CachingTokenStore.Settings(1, Duration.ZERO, d, 1, 1))
        .hasMessageContaining("maxPositiveAge");
    assertThatThrownBy(() -> new CachingTokenStore.Settings(1, d, d.negated(), 1, 1))
        .hasMessageContaining("negativeTtl");
    assertThatThrownBy(() -> new CachingTokenStore.Settings(1, d, d, 0, 1))
        .hasMessageContaining("lookupThreads");
    assertThatThrownBy(() -> new CachingTokenStore.Settings(1, d, d, 1, 0))
        .hasMessageContaining("maxPendingLookups");
  }

  /** An in-memory store that counts finds, and can hold them at a gate or fail them. */
  private static final class CountingStore implements TokenStore {
    private final InMemoryTokenStore tokens = new InMemoryTokenStore();
    final AtomicInteger finds = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile RuntimeException failure;

    @Override
    public Optional<TokenRecord> find(String tokenHash) {
      finds.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) throw failure;
      return tokens.find(tokenHash);
    }

    @Override
    public void save(TokenRecord token) {
      tokens.save(token);
    }

    @Override
    public boolean revoke(String tokenHash, Instant at) {
      return tokens.revoke(tokenHash, at);
    }

    @Override
    public int revokeFamily(String familyId, Instant at) {
      return tokens.revokeFamily(familyId, at);
    }

    @Override
    public boolean markRotated(String tokenHash, Instant at) {
      return tokens.markRotated(tokenHash, at);
    }

    @Override
    public List<TokenRecord> findByApplication(String applicationName) {
      return tokens.findByApplication(applicationName);
    }

    @Override
    public int purgeExpired(Instant now, int batchSize) {
      return tokens.purgeExpired(now, batchSize);
    }

    @Override
    public Counts counts(Instant now) {
      return tokens.counts(now);
    }
  }
}
