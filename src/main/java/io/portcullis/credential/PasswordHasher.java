package io.portcullis.credential;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow salted hashes of passwords and client secrets: PBKDF2 with HMAC-SHA256 from the JDK.
 *
 * <p>Format: {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}, so that the iteration
 * count can grow without invalidating stored hashes. Comparison is constant-time.
 */
public final class PasswordHasher {
  public static final String PREFIX = "pbkdf2-sha256";

  /** OWASP's 2023 floor for PBKDF2-HMAC-SHA256 is 600,000; see docs/SECURITY.md for the choice. */
  public static final int DEFAULT_ITERATIONS = 210_000;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final int iterations;
  private final SecureRandom random;
  private final String dummyHash;

  public PasswordHasher() {
    this(DEFAULT_ITERATIONS, new SecureRandom());
  }

  public PasswordHasher(int iterations, SecureRandom random) {
    if (iterations < 1_000) throw new IllegalArgumentException("iterations < 1000: " + iterations);
    this.iterations = iterations;
    this.random = random;
    this.dummyHash = hash("portcullis-dummy-password");
  }

  /** A new hash of the secret with a fresh random salt. */
  public String hash(String secret) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(secret.toCharArray(), salt, iterations);
    return PREFIX
        + "$"
        + iterations
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(hash);
  }

  /**
   * Whether the secret matches the stored hash. A null or malformed hash never matches, but costs
   * the same time as a real check so that unknown users cannot be told from wrong passwords.
   */
  public boolean verify(String secret, String storedHash) {
    if (secret == null) secret = "";
    Parsed parsed = parse(storedHash);
    boolean usable = parsed != null;
    if (!usable) parsed = parse(dummyHash);
    byte[] actual = derive(secret.toCharArray(), parsed.salt, parsed.iterations);
    return MessageDigest.isEqual(actual, parsed.hash) && usable;
  }

  /** Whether the text has the shape of a hash this class produces. */
  public static boolean isHash(String text) {
    return parse(text) != null;
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}

  private static Parsed parse(String stored) {
    if (stored == null) return null;
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PREFIX)) return null;
    try {
      int iterations = Integer.parseInt(parts[1]);
      if (iterations < 1_000 || iterations > 10_000_000) return null;
      byte[] salt = B64D.decode(parts[2]);
      byte[] hash = B64D.decode(parts[3]);
      if (salt.length < 8 || hash.length != HASH_BITS / 8) return null;
      return new Parsed(iterations, salt, hash);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] derive(char[] secret, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, HASH_BITS);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(spec)
            .getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
    }
  }
}
