package io.portcullis.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side browser sessions kept in this node's memory.
 *
 * <p>The cookie carries only a 256-bit random id; it is {@code HttpOnly}, {@code SameSite=Strict},
 * {@code Path=/} (or the path given), and {@code Secure} when the request came over HTTPS. A
 * session ends after {@code idle} without a request, after {@code absolute} in any case, and at
 * sign-out. Sessions do not survive a restart and are not shared between nodes: a browser signs in
 * again on another node.
 */
public final class Sessions {
  /** The name of the session cookie. */
  public static final String COOKIE = "portcullis_session";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Duration idle;
  private final Duration absolute;
  private final Clock clock;
  private final String cookieName;
  private final String cookiePath;
  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();

  private static final class Entry {
    final WebSession session;
    volatile Instant lastSeen;

    Entry(WebSession session, Instant lastSeen) {
      this.session = session;
      this.lastSeen = lastSeen;
    }
  }

  /**
   * @param idle how long a session lives without a request
   * @param absolute how long a session lives at most
   * @param clock the time source
   */
  public Sessions(Duration idle, Duration absolute, Clock clock) {
    this(idle, absolute, clock, COOKIE, "/");
  }

  /**
   * Sessions whose cookies have their own name and path, so that two sites on one host (the Manager
   * on the admin port, the developer portal under {@code /portal/} on the gateway port: browsers do
   * not keep cookies apart by port) never overwrite each other's session.
   *
   * @param cookieName the session cookie's name
   * @param cookiePath the path of every cookie these sessions set, such as {@code /portal}
   */
  public Sessions(
      Duration idle, Duration absolute, Clock clock, String cookieName, String cookiePath) {
    this.idle = idle;
    this.absolute = absolute;
    this.clock = clock;
    this.cookieName = cookieName;
    this.cookiePath = cookiePath;
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
    return MessageDigest.isEqual(expected.getBytes(), given.getBytes());
  }

  /** Starts a session and sets its cookie on the response. */
  public WebSession start(
      HttpServerRequest request,
      HttpServerResponse response,
      String username,
      String role,
      boolean canChange) {
    WebSession session = create(username, role, canChange);
    response.addCookie(cookie(request, cookieName, session.id(), absolute));
    return session;
  }

  /** The live session of the request's cookie, refreshing its idle time; empty when none. */
  public Optional<WebSession> find(HttpServerRequest request) {
    Cookie cookie = request.getCookie(cookieName);
    return cookie == null ? Optional.empty() : lookup(cookie.getValue());
  }

  /** Ends the request's session, if any, and clears its cookie. */
  public void end(HttpServerRequest request, HttpServerResponse response) {
    Cookie cookie = request.getCookie(cookieName);
    if (cookie != null) remove(cookie.getValue());
    response.addCookie(cookie(request, cookieName, "", Duration.ZERO));
  }

  /** Creates a session (and forgets expired ones). */
  WebSession create(String username, String role, boolean canChange) {
    sweep();
    Instant now = clock.instant();
    WebSession session =
        new WebSession(randomToken(), username, role, canChange, randomToken(), now);
    sessions.put(session.id(), new Entry(session, now));
    return session;
  }

  /** The live session with this id, refreshing its idle time; empty when unknown or expired. */
  Optional<WebSession> lookup(String id) {
    Entry entry = sessions.get(id);
    if (entry == null) return Optional.empty();
    Instant now = clock.instant();
    if (expired(entry, now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    entry.lastSeen = now;
    return Optional.of(entry.session);
  }

  /** Ends the session with this id. */
  void remove(String id) {
    sessions.remove(id);
  }

  /**
   * A cookie with this class's attributes: HttpOnly, SameSite=Strict, the sessions' path ({@code /}
   * by default), Secure on HTTPS.
   */
  public Cookie cookie(HttpServerRequest request, String name, String value, Duration maxAge) {
    return Cookie.cookie(name, value)
        .setPath(cookiePath)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(request.isSSL())
        .setMaxAge(maxAge.toSeconds());
  }

  private boolean expired(Entry entry, Instant now) {
    return now.isAfter(entry.lastSeen.plus(idle))
        || now.isAfter(entry.session.created().plus(absolute));
  }

  private void sweep() {
    Instant now = clock.instant();
    sessions.values().removeIf(entry -> expired(entry, now));
  }
}
