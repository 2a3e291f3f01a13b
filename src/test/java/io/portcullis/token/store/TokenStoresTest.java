package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.AuthorizationServer.TokenStoreSettings;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenStoresTest {
  private static final TokenStoreSettings CACHE = new TokenStoreSettings("cache", 60);
  private static final TokenStoreSettings DATABASE = new TokenStoreSettings("database", 60);

  private final MutableClock clock = new MutableClock(T0.plusSeconds(1));

  /** Stands in for the database store: it outlives switches, as the database does. */
  private final InMemoryTokenStore database = new InMemoryTokenStore();

  private final AtomicInteger cachesMade = new AtomicInteger();
  private final AtomicInteger otherPurges = new AtomicInteger();
  private TokenStores stores;
  private volatile boolean failRevokeAll;

  private TokenStores start(TokenStoreSettings initial) {
    stores =
        new TokenStores(
            database,
            at -> {
              if (failRevokeAll) throw new IllegalStateException("database down");
              return database.revokeAll(at);
            },
            () -> {
              cachesMade.incrementAndGet();
              return new InMemoryTokenStore();
            },
            Map.of(
                "used_jtis",
                (Purgeable)
                    (now, batch) -> {
                      otherPurges.incrementAndGet();
                      return 0;
                    }),
            clock,
            CachingTokenStore.Settings.DEFAULT,
            2,
            initial);
    return stores;
  }

  @AfterEach
  void close() {
    if (stores != null) stores.close();
  }

  private Optional<TokenRecord> lookup(String token) {
    try {
      return stores
          .dataPlane()
          .lookup(token)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String issue(String application) {
    String token = newToken();
    stores.current().save(access(token, application));
    return token;
  }

  @Test
  void currentWhenCacheTypeThenTokensLiveInMemoryNotInTheDatabase() {
    start(CACHE);
    String token = issue("photo-app");

    assertThat(lookup(token)).isPresent();
    assertThat(database.findByApplication("photo-app")).isEmpty();
    assertThat(cachesMade).hasValue(1);
  }

  @Test
  void currentWhenDatabaseTypeThenTokensGoToTheDatabaseStore() {
    start(DATABASE);
    String token = issue("photo-app");

    assertThat(lookup(token)).isPresent();
    assertThat(database.findByApplication("photo-app")).hasSize(1);
    assertThat(cachesMade).hasValue(0);
  }

  @Test
  void applyWhenTypeChangesFromCacheToDatabaseThenOldTokensAreRefusedEvenIfCachedAndNewOnesWork() {
    start(CACHE);
    String old = issue("photo-app");
    assertThat(lookup(old)).isPresent();

    stores.apply(DATABASE);

    assertThat(lookup(old)).isEmpty();
    String fresh = issue("photo-app");
    assertThat(lookup(fresh)).isPresent();
    assertThat(database.findByApplication("photo-app")).hasSize(1);
  }

  @Test
  void applyWhenTypeChangesFromDatabaseToCacheThenDatabaseTokensAreRefusedAndTheCacheStartsEmpty() {
    start(DATABASE);
    String inDatabase = issue("photo-app");
    assertThat(lookup(inDatabase)).isPresent();

    stores.apply(CACHE);

    assertThat(lookup(inDatabase)).isEmpty();
    assertThat(stores.current().findByApplication("photo-app")).isEmpty();
  }

  @Test
  void
      applyWhenSwitchedFromDatabaseToCacheThenDatabaseTokensAreRevokedAndStayRefusedAfterReturning() {
    start(DATABASE);
    String inDatabase = issue("photo-app");

    stores.apply(CACHE);

    assertThat(database.find(TokenHasher.hash(inDatabase)).orElseThrow().revokedAt())
        .isEqualTo(clock.instant());
    stores.apply(DATABASE);
    assertThat(lookup(inDatabase)).isEmpty();
  }

  @Test
  void constructorWhenCacheTypeThenTokensLeftInTheDatabaseAreRevoked() {
    String left = newToken();
    database.save(access(left, "photo-app"));

    start(CACHE);

    assertThat(database.find(TokenHasher.hash(left)).orElseThrow().revokedAt()).isNotNull();
  }

  @Test
  void applyWhenRevokingDatabaseTokensFailsThenTheSwitchStillHappensAndTheyAreRefusedNow() {
    start(DATABASE);
    String inDatabase = issue("photo-app");
    failRevokeAll = true;

    stores.apply(CACHE);

    assertThat(stores.settings()).isEqualTo(CACHE);
    assertThat(lookup(inDatabase)).isEmpty();
  }

  @Test
  void applyWhenSwitchedToCacheTwiceThenTheTokensOfTheFirstCacheStayRefused() {
    start(CACHE);
    String first = issue("photo-app");

    stores.apply(DATABASE);
    stores.apply(CACHE);

    assertThat(lookup(first)).isEmpty();
    assertThat(cachesMade).hasValue(2);
  }

  @Test
  void applyWhenOnlyTheIntervalChangesThenTheStoreStaysAndItsTokensStayValid() {
    start(CACHE);
    String token = issue("photo-app");

    stores.apply(new TokenStoreSettings("cache", 5));

    assertThat(lookup(token)).isPresent();
    assertThat(stores.settings().purgeInterval()).isEqualTo(5);
    assertThat(cachesMade).hasValue(1);
  }

  @Test
  void applyWhenSettingsInvalidThenIllegalArgumentNamingTheFieldAndNothingChanges() {
    start(CACHE);
    String token = issue("photo-app");

    assertThatThrownBy(() -> stores.apply(new TokenStoreSettings("redis", 60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenStore.type");
    assertThatThrownBy(() -> stores.apply(new TokenStoreSettings("database", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenStore.purgeInterval");

    assertThat(stores.settings()).isEqualTo(CACHE);
    assertThat(lookup(token)).isPresent();
  }

  @Test
  void purgeNowWhenTokensExpiredThenDeletedInBatchesAndCountedWithTheOtherTargets() {
    start(CACHE);
    for (int i = 0; i < 5; i++) issue("photo-app");
    clock.advance(Duration.ofHours(2));

    Map<String, Integer> deleted = stores.purgeNow();

    assertThat(deleted).containsEntry("tokens", 5).containsEntry("used_jtis", 0);
    assertThat(stores.current().counts(clock.instant()).access().total()).isZero();
  }

  @Test
  void purgeNowWhenOnCacheThenExpiredRowsLeftInTheDatabaseArePurgedToo() {
    start(DATABASE);
    issue("photo-app");
    stores.apply(CACHE);
    clock.advance(Duration.ofHours(2));

    Map<String, Integer> deleted = stores.purgeNow();

    assertThat(deleted).containsEntry("database_tokens", 1);
    assertThat(database.counts(clock.instant()).access().total()).isZero();
  }

  @Test
  void purgerWhenIntervalElapsesThenRunsOnItsOwnThreadWithoutBeingAsked() {
    start(new TokenStoreSettings("cache", 1));
    issue("photo-app");
    clock.advance(Duration.ofHours(2));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stores.current().counts(clock.instant()).access().total() == 0);
    assertThat(otherPurges.get()).isPositive();
  }

  @Test
  void purgerWhenIntervalChangedThenRescheduledAtTheNewInterval() {
    start(new TokenStoreSettings("cache", 3600));
    stores.apply(new TokenStoreSettings("cache", 1));
    issue("photo-app");
    clock.advance(Duration.ofHours(2));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stores.current().counts(clock.instant()).access().total() == 0);
  }

  @Test
  void followWhenLocalServerSettingChangesInASnapshotThenTheStoreSwitches() {
    start(CACHE);
    SnapshotHolder snapshots = new SnapshotHolder();
    stores.follow(snapshots);
    String old = issue("photo-app");

    snapshots.publish(snapshotWith(DATABASE));

    assertThat(stores.settings()).isEqualTo(DATABASE);
    assertThat(lookup(old)).isEmpty();

    snapshots.publish(new Snapshot(3, List.of(), List.of(), List.of(), List.of(), List.of()));
    assertThat(stores.settings()).isEqualTo(DATABASE);
  }

  @Test
  void followWhenApplicationDeletedOrItsClientIdChangedThenItsTokensAreRevoked() {
    start(DATABASE);
    SnapshotHolder snapshots = new SnapshotHolder();
    snapshots.publish(withApplications(app("photo-app", "photo"), app("mail-app", "mail")));
    stores.follow(snapshots);
    String photo = issue("photo-app");
    String mail = issue("mail-app");

    snapshots.publish(withApplications(app("mail-app", "mail")));
    assertThat(database.find(TokenHasher.hash(photo)).orElseThrow().revokedAt()).isNotNull();
    assertThat(database.find(TokenHasher.hash(mail)).orElseThrow().revokedAt()).isNull();

    snapshots.publish(withApplications(app("mail-app", "mail-renamed")));
    assertThat(database.find(TokenHasher.hash(mail)).orElseThrow().revokedAt()).isNotNull();
    assertThat(lookup(mail)).isEmpty();
  }

  private static io.portcullis.registry.Application app(String name, String clientId) {
    return io.portcullis.registry.Application.builder()
        .name(name)
        .clientId(clientId)
        .authorizationServer("local")
        .build();
  }

  private static Snapshot withApplications(io.portcullis.registry.Application... apps) {
    return new Snapshot(1, List.of(), List.of(apps), List.of(), List.of(), List.of());
  }

  @Test
  void applyWhenClosedThenIllegalState() {
    start(CACHE);
    stores.close();

    assertThatThrownBy(() -> stores.apply(DATABASE)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void revokeThroughCurrentWhenTokenCachedThenTheNextLookupRefusesIt() {
    start(DATABASE);
    String token = issue("photo-app");
    assertThat(lookup(token)).isPresent();

    stores.current().revoke(TokenHasher.hash(token), Instant.now(clock));

    assertThat(lookup(token)).isEmpty();
  }

  private static Snapshot snapshotWith(TokenStoreSettings settings) {
    AuthorizationServer local =
        AuthorizationServer.builder()
            .alias(AuthorizationServer.LOCAL)
            .type(AuthorizationServer.Type.INTERNAL)
            .issuer("https://gateway.test")
            .tokenStore(settings)
            .build();
    return new Snapshot(2, List.of(), List.of(), List.of(), List.of(), List.of(local));
  }
}
