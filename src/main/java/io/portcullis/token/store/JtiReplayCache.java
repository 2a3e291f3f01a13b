package io.portcullis.token.store;

import java.time.Instant;

/**
 * Remembers the {@code jti} of every JWT assertion accepted, so that none is accepted twice while
 * it could still be valid (RFC 7523 §3, item 7). Shared by every node that shares the store.
 *
 * <p>Blocking (a database round trip for the shared implementation): call it off the event loop.
 * Entries are kept until {@link #purgeExpired} removes them after their expiry.
 */
public interface JtiReplayCache extends Purgeable {
  /** The longest issuer kept. */
  int MAX_ISSUER_LENGTH = 1024;

  /** The longest {@code jti} kept. */
  int MAX_JTI_LENGTH = 512;

  /**
   * Records the use of a {@code jti}, atomically: of concurrent calls with the same issuer and jti,
   * on any node sharing the store, exactly one returns true.
   *
   * @param issuer the {@code iss} of the assertion; jtis are unique per issuer
   * @param jti the {@code jti} of the assertion
   * @param expiresAt until when the assertion could be accepted: its {@code exp} plus the allowed
   *     clock skew
   * @return true the first time; false on every later call until {@code expiresAt} has passed (a
   *     call after that starts a new period and returns true)
   * @throws IllegalArgumentException when the issuer is longer than {@value #MAX_ISSUER_LENGTH} or
   *     the jti longer than {@value #MAX_JTI_LENGTH} characters, or either is empty
   */
  boolean firstUse(String issuer, String jti, Instant expiresAt);

  /**
   * Checks the arguments of {@link #firstUse} for every implementation alike.
   *
   * @throws IllegalArgumentException naming the argument that is empty or too long
   */
  static void checkArguments(String issuer, String jti, Instant expiresAt) {
    if (expiresAt == null) throw new IllegalArgumentException("expiresAt must be given");
    check("issuer (iss)", issuer, MAX_ISSUER_LENGTH);
    check("jti", jti, MAX_JTI_LENGTH);
  }

  private static void check(String name, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(
          name + " must be at most " + max + " characters; was " + value.length());
    }
  }
}
