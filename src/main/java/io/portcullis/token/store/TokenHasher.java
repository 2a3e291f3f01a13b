package io.portcullis.token.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The form in which opaque tokens are stored and looked up: SHA-256 of the token's UTF-8 bytes,
 * base64url without padding (43 characters). A stolen store therefore holds no usable token.
 *
 * <p>A fast, unsalted hash is right here, unlike for passwords: tokens are random strings of at
 * least 128 bits ({@link OpaqueTokenGenerator#MIN_LENGTH}), so no dictionary or brute-force search
 * over the input space is feasible however fast each guess is, and a salt would only stop the
 * lookup by hash that the store depends on. Cheap enough (about a microsecond) to run on an event
 * loop.
 */
public final class TokenHasher {
  private TokenHasher() {}

  /** The stored form of the token. */
  public static String hash(String token) {
    Objects.requireNonNull(token, "token");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
