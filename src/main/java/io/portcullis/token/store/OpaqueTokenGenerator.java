package io.portcullis.token.store;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Makes opaque OAuth tokens: random strings over the URL-safe alphabet {@code A-Z a-z 0-9 - _} of
 * RFC 4648 §5, so they need no escaping in headers, forms or URLs.
 *
 * <p>The alphabet has exactly 64 characters, so every character carries exactly 6 uniformly random
 * bits taken from a {@link SecureRandom}: there is no modulo bias to avoid. The minimum length of
 * {@value #MIN_LENGTH} gives more than 128 bits; the Axway defaults (54 for access, 46 for refresh
 * tokens) give 324 and 276 bits. Thread-safe; never blocks once the random source is seeded.
 */
public final class OpaqueTokenGenerator {
  /** The fewest characters that carry at least 128 random bits (22 × 6 = 132). */
  public static final int MIN_LENGTH = 22;

  /** The most characters a token may have; longer ones are refused as malformed on lookup. */
  public static final int MAX_LENGTH = 512;

  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;

  public OpaqueTokenGenerator(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * A new token of exactly {@code length} characters.
   *
   * @throws IllegalArgumentException when the length is below {@value #MIN_LENGTH} or above {@value
   *     #MAX_LENGTH}, naming the bounds
   */
  public String generate(int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "token length must be between "
              + MIN_LENGTH
              + " and "
              + MAX_LENGTH
              + " characters; was "
              + length);
    }
    // Enough bytes that the first `length` characters each cover six whole random bits: base64's
    // last character may be padded with zero bits, and it is never among those taken.
    byte[] bytes = new byte[(length * 6 + 7) / 8];
    random.nextBytes(bytes);
    return URL_SAFE.encodeToString(bytes).substring(0, length);
  }

  /**
   * Whether the text could be a token this class made: a length within the bounds and only
   * characters of the alphabet. Lets a lookup refuse garbage without touching a store.
   */
  public static boolean isWellFormed(String token) {
    if (token == null || token.length() < MIN_LENGTH || token.length() > MAX_LENGTH) return false;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) return false;
    }
    return true;
  }
}
