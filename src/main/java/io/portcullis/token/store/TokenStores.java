package io.portcullis.token.store;

import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.AuthorizationServer.TokenStoreSettings;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opaque-token store of a node through its life, as the {@code local} authorization server's
 * {@code tokenStore} setting says:
 *
 * <ul>
 *   <li><b>type</b> {@code cache} keeps tokens in this process's memory ({@link
 *       InMemoryTokenStore}, bounded), {@code database} in the store database. When the setting
 *       changes at run time the node switches at once, without restart: later calls go to the new
 *       store, the data plane's cache is emptied, and the tokens of the old store are no longer
 *       seen, so they are refused, never accepted. A switch to {@code cache} always starts an empty
 *       memory store and revokes every database token (so does a start with {@code cache}), so that
 *       they stay refused should the setting ever return to {@code database}; the purge deletes
 *       them as they expire.
 *   <li><b>purgeInterval</b>: a {@link TokenPurger} deletes expired tokens (and the other targets,
 *       such as used assertion jtis) every so many seconds, in batches, on a thread of its own; it
 *       is rescheduled when the interval changes.
 * </ul>
 *
 * <p>{@link #current()} is the store everything else uses, reads and writes alike: the data plane's
 * {@link CachingTokenStore} over the switching store, so that a revocation made on this node evicts
 * the cached answer before it returns. {@link #dataPlane()} is the same object, for its
 * non-blocking {@link CachingTokenStore#lookup}. Thread-safe.
 */
public final class TokenStores implements AutoCloseable {
  public static final String CACHE = "cache";
  public static final String DATABASE = "database";

  private static final Logger log = LoggerFactory.getLogger(TokenStores.class);

  private final TokenStore database;
  private final ToIntFunction<Instant> revokeAllInDatabase;
  private final Supplier<TokenStore> newCache;
  private final Map<String, Purgeable> otherTargets;
  private final Clock clock;
  private final int purgeBatchSize;
  private final SwitchingTokenStore switching;
  private final CachingTokenStore dataPlane;
  private TokenStoreSettings settings;
  private TokenPurger purger;
  private boolean closed;

  /**
   * Picks the store for {@code initial} and starts purging.
   *
   * @param database the {@code database} store; used whenever the type is {@code database}
   * @param revokeAllInDatabase revokes every token of the {@code database} store, answering how
   *     many; called at a start with {@code cache} and at every switch to it
   * @param newCache makes an empty {@code cache} store; called at each switch to {@code cache}
   * @param otherTargets more for the purger to empty of expired entries, by name (e.g. {@code
   *     used_jtis}, {@code revoked_jwts}); purged after the tokens
   * @param clock decides expiry for the cache and the purge
   * @param cacheSettings bounds of the data plane's cache
   * @param purgeBatchSize rows deleted per purge statement
   * @param initial the settings to start with
   * @throws IllegalArgumentException when the settings are invalid, naming the field
   */
  public TokenStores(
      TokenStore database,
      ToIntFunction<Instant> revokeAllInDatabase,
      Supplier<TokenStore> newCache,
      Map<String, ? extends Purgeable> otherTargets,
      Clock clock,
      CachingTokenStore.Settings cacheSettings,
      int purgeBatchSize,
      TokenStoreSettings initial) {
    this.database = Objects.requireNonNull(database, "database");
    this.revokeAllInDatabase = Objects.requireNonNull(revokeAllInDatabase, "revokeAllInDatabase");
    this.newCache = Objects.requireNonNull(newCache, "newCache");
    this.otherTargets = new LinkedHashMap<>(Objects.requireNonNull(otherTargets, "otherTargets"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.purgeBatchSize = purgeBatchSize;
    check(initial);
    this.switching = new SwitchingTokenStore(storeOf(initial.type()));
    this.dataPlane = new CachingTokenStore(switching, clock, cacheSettings);
    this.settings = initial;
    this.purger = startPurger(initial);
    if (CACHE.equals(initial.type())) retireDatabaseTokens();
    log.atInfo()
        .addKeyValue("type", initial.type())
        .addKeyValue("purgeInterval", initial.purgeInterval())
        .log("opaque token store ready");
  }

  /**
   * Follows every snapshot published from now on (on the publishing thread):
   *
   * <ul>
   *   <li>the {@code local} server's {@code tokenStore} setting is applied (a snapshot without
   *       {@code local} changes nothing);
   *   <li>the tokens of an application that was deleted, or whose client id changed, are revoked,
   *       so that an application created again under the same name never inherits them.
   * </ul>
   *
   * Failures are logged, never thrown to the publisher.
   */
  public void follow(SnapshotHolder snapshots) {
    AtomicReference<Map<String, String>> clients =
        new AtomicReference<>(clientIds(snapshots.get()));
    snapshots.onPublish(
        snapshot -> {
          if (isClosed()) return;
          snapshot
              .authorizationServer(AuthorizationServer.LOCAL)
              .ifPresent(
                  local -> {
                    try {
                      apply(local.tokenStore());
                    } catch (RuntimeException e) {
                      log.atError()
                          .addKeyValue("error", e.toString())
                          .log("token store settings not applied; keeping the current ones");
                    }
                  });
          Map<String, String> now = clientIds(snapshot);
          Map<String, String> before = clients.getAndSet(now);
          before.forEach(
              (application, clientId) -> {
                if (!now.containsKey(application)
                    || !Objects.equals(now.get(application), clientId)) {
                  revokeTokensOf(application);
                }
              });
        });
  }

  /** Revokes every token of the application; a failure is logged. */
  private void revokeTokensOf(String application) {
    try {
      Instant now = clock.instant();
      int revoked = 0;
      for (TokenRecord token : dataPlane.findByApplication(application)) {
        if (token.revokedAt() == null && dataPlane.revoke(token.tokenHash(), now)) revoked++;
      }
      log.atInfo()
          .addKeyValue("application", application)
          .addKeyValue("revoked", revoked)
          .log("tokens revoked: the application was deleted or its client id changed");
    } catch (RuntimeException e) {
      log.atError()
          .addKeyValue("application", application)
          .addKeyValue("error", e.toString())
          .log("revoking the tokens of a deleted application failed");
    }
  }

  private static Map<String, String> clientIds(Snapshot snapshot) {
    Map<String, String> clientIds = new HashMap<>();
    for (Application application : snapshot.applications()) {
      clientIds.put(application.name(), application.clientId());
    }
    return clientIds;
  }

  /**
   * Makes these settings current: switches the store when the type changed, reschedules the purge
   * when the interval (or the type) changed; nothing when both are as they were.
   *
   * @throws IllegalArgumentException when the settings are invalid, naming the field (nothing then
   *     changes)
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void apply(TokenStoreSettings next) {
    check(next);
    if (closed) throw new IllegalStateException("the token stores are closed");
    boolean typeChanged = !next.type().equals(settings.type());
    if (typeChanged) {
      switching.switchTo(storeOf(next.type()));
      // After the switch: a lookup that read the old store meanwhile is not cached (evictAll drops
      // in-flight loads), and every later one reads the new store.
      dataPlane.evictAll();
      log.atInfo()
          .addKeyValue("from", settings.type())
          .addKeyValue("to", next.type())
          .log("opaque token store switched; tokens of the previous store are no longer accepted");
      if (CACHE.equals(next.type())) retireDatabaseTokens();
    }
    if (typeChanged || next.purgeInterval() != settings.purgeInterval()) {
      purger.close();
      purger = startPurger(next);
    }
    settings = next;
  }

  /**
   * The token store to use for everything (issuing, introspection, revocation, admin): the data
   * plane's cache over the current store.
   */
  public TokenStore current() {
    return dataPlane;
  }

  /** The data plane's cache, for {@link CachingTokenStore#lookup}, which never blocks. */
  public CachingTokenStore dataPlane() {
    return dataPlane;
  }

  /** The settings in force. */
  public synchronized TokenStoreSettings settings() {
    return settings;
  }

  /**
   * Purges every target now, on the calling thread (blocking; for the admin API).
   *
   * @return entries deleted per target; a target that failed is missing
   */
  public Map<String, Integer> purgeNow() {
    TokenPurger now;
    synchronized (this) {
      now = purger;
    }
    return now.purgeNow();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Stops the purge and the cache's lookup threads. The stores themselves stay open. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    purger.close();
    dataPlane.close();
  }

  /**
   * While the store is {@code cache}, no database token may stay usable. A failure is logged: the
   * switch itself already keeps those tokens from being accepted now.
   */
  private void retireDatabaseTokens() {
    try {
      int revoked = revokeAllInDatabase.applyAsInt(clock.instant());
      if (revoked > 0) {
        log.atInfo()
            .addKeyValue("revoked", revoked)
            .log("database tokens revoked: the token store is cache");
      }
    } catch (RuntimeException e) {
      log.atError()
          .addKeyValue("error", e.toString())
          .log(
              "revoking the database tokens failed; they would be accepted again should the store"
                  + " return to database before they expire");
    }
  }

  private TokenStore storeOf(String type) {
    return DATABASE.equals(type) ? database : newCache.get();
  }

  private TokenPurger startPurger(TokenStoreSettings s) {
    Map<String, Purgeable> targets = new LinkedHashMap<>();
    targets.put("tokens", switching);
    // Rows a database store still holds after a switch to cache expire and must go too.
    if (!DATABASE.equals(s.type())) targets.put("database_tokens", database);
    targets.putAll(otherTargets);
    TokenPurger next =
        new TokenPurger(targets, clock, Duration.ofSeconds(s.purgeInterval()), purgeBatchSize);
    next.start();
    return next;
  }

  private static void check(TokenStoreSettings s) {
    Objects.requireNonNull(s, "settings");
    if (!CACHE.equals(s.type()) && !DATABASE.equals(s.type())) {
      throw new IllegalArgumentException(
          "tokenStore.type must be cache or database; was " + s.type());
    }
    if (s.purgeInterval() < 1) {
      throw new IllegalArgumentException(
          "tokenStore.purgeInterval must be at least 1 second; was " + s.purgeInterval());
    }
  }
}
