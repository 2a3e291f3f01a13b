package io.portcullis.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side browser sessions of one site (the Manager, the developer portal), kept in a {@link
 * SessionStore} that every node shares, so that a session started on one node is valid on every
 * other and survives a restart.
 *
 * <p>The cookie carries only a 256-bit random id; the store keeps its SHA-256 hash. The cookie is
 * {@code HttpOnly}, {@code SameSite=Strict}, has the site's path, and is {@code Secure} when the
 * request came over HTTPS. A session ends after {@link Settings#idle} without a request (recorded
 * in the store at most every {@link Settings#touchEvery}, so idle expiry is that much coarse; the
 * request that records it is answered once it is written), after {@link Settings#absolute} in any
 * case, at sign-out, and as soon as its user may no longer use the site or changed password or
 * roles ({@link Users#stamp}, checked on every request against the registry this node holds). A
 * user has at most {@link Settings#maxPerUser} sessions on a site: a sign-in beyond that ends the
 * oldest.
 *
 * <p>Every store call runs on a Vert.x worker, never on the event loop; the futures complete on the
 * caller's context. Sessions found are kept in a small cache for at most {@link Settings#cacheTtl}:
 * another node's sign-out reaches this node's cache by the store's change notice ({@link #forget});
 * should that notice be lost, the entry ages out within the cache's lifetime. When the store cannot
 * be reached a lookup fails (the pages answer 503) unless the session is in the cache.
 */
public final class Sessions {
  /** The name of the Manager's session cookie. */
  public static final String COOKIE = "portcullis_session";

  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");

  /**
   * How sessions behave.
   *
   * @param idle how long a session lives without a request
   * @param absolute how long a session lives at most
   * @param touchEvery how often at most a request's time is written to the store
   * @param cacheTtl how long this node keeps a session read from the store without reading it again
   * @param maxPerUser sessions a user may have on the site; a sign-in beyond ends the oldest
   */
  public record Settings(
      Duration idle, Duration absolute, Duration touchEvery, Duration cacheTtl, int maxPerUser) {
    /** 30 minutes idle, 8 hours at most, touched once a minute, cached 30 s, 10 per user. */
    public static Settings defaults() {
      return new Settings(
          Duration.ofMinutes(30),
          Duration.ofHours(8),
          Duration.ofMinutes(1),
          Duration.ofSeconds(30),
          10);
    }
  }

  /** The site's users as the registry holds them now. */
  @FunctionalInterface
  public interface Users {
    /**
     * A short fingerprint of what makes the user's sign-in valid (password hash, roles, enabled),
     * or empty when the user does not exist or may not use the site. Called on the event loop: it
     * must only read memory.
     */
    Optional<String> stamp(String username);
  }

  private final Vertx vertx;
  private final SessionStore store;
  private final String site;
  private final Settings settings;
  private final Clock clock;
  private final String cookieName;
  private final String cookiePath;
  private final Users users;
  private final Cache<String, Entry> cache;
  private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.EPOCH);

  private static final class Entry {
    final SessionStore.Stored stored;
    volatile Instant lastSeen;
    volatile Instant expires;

    Entry(SessionStore.Stored stored) {
      this.stored = stored;
      this.lastSeen = stored.lastSeen();
      this.expires = stored.expires();
    }
  }

  /**
   * @param vertx runs the store's calls on its workers
   * @param store where the sessions are kept
   * @param site the site's name in the store ({@code manager}, {@code portal})
   * @param cookieName the session cookie's name (two sites on one host must differ: browsers do not
   *     keep cookies apart by port)
   * @param cookiePath the path of every cookie these sessions set, such as {@code /portal}
   * @param users who may still use the site
   */
  public Sessions(
      Vertx vertx,
      SessionStore store,
      String site,
      Settings settings,
      Clock clock,
      String cookieName,
      String cookiePath,
      Users users) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.site = Objects.requireNonNull(site, "site");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cookieName = cookieName;
    this.cookiePath = cookiePath;
    this.users = Objects.requireNonNull(users, "users");
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(settings.cacheTtl())
            .ticker(() -> clock.millis() * 1_000_000L)
            .build();
  }

  /** A new random token: 32 bytes, base64url. */
  public static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether two tokens are equal, in time independent of where they differ. */
  public static boolean sameToken(String expected, String given) {
    if (expected == null || given == null) return false;
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  /** The stored form of a session id: SHA-256, base64url without padding (43 characters). */
  public static String hash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** The site's name in the store. */
  public String site() {
    return site;
  }

  /**
   * Starts a new session (a new id whatever cookie the request carried, so that no id chosen before
   * the sign-in survives it) and sets its cookie on the response; ends the request's former session
   * of this site, if any. Fails when the store cannot be written.
   */
  public Future<WebSession> start(
      HttpServerRequest request,
      HttpServerResponse response,
      String username,
      String role,
      boolean canChange) {
    Optional<String> stamp = users.stamp(username);
    if (stamp.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("user may not use " + site));
    }
    String former = idOf(request);
    Instant now = clock.instant();
    String id = randomToken();
    SessionStore.Stored stored =
        new SessionStore.Stored(
            hash(id),
            site,
            username,
            role,
            canChange,
            stamp.get(),
            randomToken(),
            now,
            now,
            expiry(now, now));
    boolean purge = purgeDue(now);
    return vertx
        .executeBlocking(
            () -> {
              if (former != null) store.end(hash(former));
              store.create(stored, settings.maxPerUser());
              if (purge) store.purgeExpired(now);
              return stored;
            },
            false)
        .map(
            s -> {
              if (former != null) cache.invalidate(hash(former));
              cache.put(s.idHash(), new Entry(s));
              response.addCookie(cookie(request, cookieName, id, settings.absolute()));
              return session(id, s);
            });
  }

  /**
   * The live session of the request's cookie, recording the request for the idle expiry; empty when
   * there is none or it ended. Fails only when the store cannot be read and the session is not
   * cached.
   */
  public Future<Optional<WebSession>> find(HttpServerRequest request) {
    String id = idOf(request);
    if (id == null) return Future.succeededFuture(Optional.empty());
    String hash = hash(id);
    Entry cached = cache.getIfPresent(hash);
    Future<Entry> entry =
        cached != null
            ? Future.succeededFuture(cached)
            : vertx
                .executeBlocking(() -> store.find(site, hash).map(Entry::new).orElse(null), false)
                .map(
                    found -> {
                      if (found != null) cache.put(hash, found);
                      return found;
                    });
    return entry.compose(e -> live(id, hash, e));
  }

  /** Ends the request's session on every node and clears its cookie. */
  public Future<Void> end(HttpServerRequest request, HttpServerResponse response) {
    String id = idOf(request);
    response.addCookie(cookie(request, cookieName, "", Duration.ZERO));
    if (id == null) return Future.succeededFuture();
    String hash = hash(id);
    cache.invalidate(hash);
    return vertx.executeBlocking(
        () -> {
          store.end(hash);
          return null;
        },
        false);
  }

  /** Drops a session that ended (on any node) from this node's cache. */
  public void forget(String idHash) {
    cache.invalidate(idHash);
  }

  /** Drops every cached session (change notices may have been lost). */
  public void forgetAll() {
    cache.invalidateAll();
  }

  /**
   * Ends in the store every session of this site whose user may no longer use it or whose stamp is
   * out of date. Blocking: run it after registry changes, off the event loop.
   *
   * @return how many holders' sessions were ended
   */
  public int endStale() {
    int ended = 0;
    for (SessionStore.Holder holder : store.holders()) {
      if (!holder.site().equals(site)) continue;
      if (users.stamp(holder.username()).filter(holder.userStamp()::equals).isPresent()) continue;
      store.endHolder(holder);
      cache.asMap().values().removeIf(e -> e.stored.username().equals(holder.username()));
      ended++;
    }
    return ended;
  }

  /**
   * A cookie with this class's attributes: HttpOnly, SameSite=Strict, the sessions' path, Secure on
   * HTTPS.
   */
  public Cookie cookie(HttpServerRequest request, String name, String value, Duration maxAge) {
    return Cookie.cookie(name, value)
        .setPath(cookiePath)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(request.isSSL())
        .setMaxAge(maxAge.toSeconds());
  }

  private Future<Optional<WebSession>> live(String id, String hash, Entry entry) {
    if (entry == null) return Future.succeededFuture(Optional.empty());
    Instant now = clock.instant();
    SessionStore.Stored stored = entry.stored;
    boolean valid = users.stamp(stored.username()).filter(stored.userStamp()::equals).isPresent();
    if (!valid || !now.isBefore(entry.expires)) {
      cache.invalidate(hash);
      LOG.atInfo()
          .addKeyValue("site", site)
          .addKeyValue("user", stored.username())
          .addKeyValue("reason", valid ? "expired" : "user changed")
          .log("session ended");
      vertx
          .executeBlocking(
              () -> {
                store.end(hash);
                return null;
              },
              false)
          .onFailure(e -> LOG.atDebug().setCause(e).log("ending a stale session failed"));
      return Future.succeededFuture(Optional.empty());
    }
    if (!now.isBefore(entry.lastSeen.plus(settings.touchEvery()))) {
      Instant expires = expiry(stored.created(), now);
      entry.lastSeen = now;
      entry.expires = expires;
      // The answer waits for the write (once a minute per session at most): a request answered
      // has its time in the store, so the next one, on any node, never finds the session idle.
      Optional<WebSession> session = Optional.of(session(id, stored));
      return vertx
          .executeBlocking(
              () -> {
                store.touch(hash, now, expires);
                return null;
              },
              false)
          .map(done -> session)
          .recover(
              e -> {
                LOG.atDebug().setCause(e).log("recording a session's request failed");
                return Future.succeededFuture(session);
              });
    }
    return Future.succeededFuture(Optional.of(session(id, stored)));
  }

  private static WebSession session(String id, SessionStore.Stored s) {
    return new WebSession(id, s.username(), s.role(), s.canChange(), s.csrfToken(), s.created());
  }

  private Instant expiry(Instant created, Instant lastSeen) {
    Instant idle = lastSeen.plus(settings.idle());
    Instant absolute = created.plus(settings.absolute());
    return idle.isBefore(absolute) ? idle : absolute;
  }

  private boolean purgeDue(Instant now) {
    Instant last = lastPurge.get();
    return now.isAfter(last.plus(Duration.ofMinutes(1))) && lastPurge.compareAndSet(last, now);
  }

  /** The request's session id, when its cookie holds something shaped like one. */
  private String idOf(HttpServerRequest request) {
    Cookie cookie = request.getCookie(cookieName);
    if (cookie == null || !ID.matcher(cookie.getValue()).matches()) return null;
    return cookie.getValue();
  }
}
