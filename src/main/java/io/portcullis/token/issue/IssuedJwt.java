package io.portcullis.token.issue;

import java.time.Instant;

/**
 * A JWT the gateway signed.
 *
 * @param token the compact serialisation
 * @param jti its unique id
 * @param kid the key that signed it
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 */
public record IssuedJwt(String token, String jti, String kid, Instant issuedAt, Instant expiresAt) {
  /** Seconds from issue to expiry, for {@code expires_in}. */
  public long expiresIn() {
    return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
  }
}
