package io.portcullis.credential;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.registry.Application;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks user passwords and client secrets against the snapshot.
 *
 * <p>An unknown name costs the same slow hash as a wrong secret, so the two cannot be told apart by
 * timing. Successful checks are remembered for a short time, keyed by a digest of the name, the
 * secret and the stored hash, so that an admin client sending Basic credentials on every call does
 * not pay the slow hash each time, and a changed password or secret invalidates the entry at once.
 * Failures are never remembered here; they are counted by the {@link #throttle()}, which callers
 * ask before a check ({@link FailureThrottle#locked}) and tell the outcome. Blocking (the hash is
 * deliberately slow): call off the event loop.
 */
public final class Authenticator {
  private final PasswordHasher hasher;
  private final Cache<String, Boolean> recentSuccesses;
  private final FailureThrottle throttle;

  /** An authenticator with the default {@link FailureThrottle.Settings} on the system clock. */
  public Authenticator(PasswordHasher hasher, Duration remember) {
    this(
        hasher,
        remember,
        new FailureThrottle(FailureThrottle.Settings.DEFAULTS, Clock.systemUTC()));
  }

  /**
   * @param throttle the failure counts shared by every endpoint that checks these credentials
   */
  public Authenticator(PasswordHasher hasher, Duration remember, FailureThrottle throttle) {
    this.hasher = hasher;
    this.throttle = java.util.Objects.requireNonNull(throttle, "throttle");
    this.recentSuccesses =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(remember).build();
  }

  /** The failure counts callers consult before a check and update after it. */
  public FailureThrottle throttle() {
    return throttle;
  }

  /**
   * The enabled user with this username and password, or empty when the user is unknown, disabled
   * or the password is wrong (indistinguishably).
   */
  public Optional<User> authenticateUser(Snapshot snapshot, String username, String password) {
    Optional<User> user = snapshot.user(username == null ? "" : username);
    String hash = user.map(User::passwordHash).orElse(null);
    boolean ok = check("user", username, password, hash);
    return ok && user.get().enabled() ? user : Optional.empty();
  }

  /**
   * The enabled application with this client id and secret, or empty when the client is unknown,
   * disabled, has no secret, or the secret is wrong (indistinguishably).
   */
  public Optional<Application> authenticateClient(
      Snapshot snapshot, String clientId, String secret) {
    Optional<Application> app = snapshot.applicationByClientId(clientId == null ? "" : clientId);
    String hash = app.map(Application::clientSecretHash).orElse(null);
    boolean ok = check("client", clientId, secret, hash);
    return ok && app.get().enabled() ? app : Optional.empty();
  }

  private boolean check(String kind, String name, String secret, String storedHash) {
    String key = storedHash == null ? null : digest(kind, name, secret, storedHash);
    if (key != null && recentSuccesses.getIfPresent(key) != null) return true;
    // verify() runs the full hash even for a null stored hash.
    boolean ok = hasher.verify(secret, storedHash) && storedHash != null;
    if (ok) recentSuccesses.put(key, Boolean.TRUE);
    return ok;
  }

  private static String digest(String kind, String name, String secret, String storedHash) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {kind, name, secret, storedHash}) {
        byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (bytes.length >>> 24));
        sha.update((byte) (bytes.length >>> 16));
        sha.update((byte) (bytes.length >>> 8));
        sha.update((byte) bytes.length);
        sha.update(bytes);
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
