package io.portcullis.token.issue;

import java.time.Instant;

/**
 * A signing key as persisted: the public JWK in clear, the private JWK encrypted.
 *
 * @param kid the key id, unique
 * @param algorithm the JWS algorithm it signs with (RS256, ES256, EdDSA …)
 * @param publicJwk the public JWK as JSON
 * @param encryptedPrivateJwk the private JWK as JSON, encrypted by {@link KeyEncryptor} with the
 *     kid as associated data
 * @param createdAt when it was generated
 * @param supersededAt when a newer key took over signing; null while it is the active key
 * @param publishedUntil until when it stays in the JWKS after being superseded (every token it
 *     signed has expired by then); null while active
 * @param activatedAt when it started signing; null while it is the next key (published, not signing
 *     yet)
 */
public record StoredSigningKey(
    String kid,
    String algorithm,
    String publicJwk,
    byte[] encryptedPrivateJwk,
    Instant createdAt,
    Instant supersededAt,
    Instant publishedUntil,
    Instant activatedAt) {

  /** A key that was active from its creation: activated then. */
  public StoredSigningKey(
      String kid,
      String algorithm,
      String publicJwk,
      byte[] encryptedPrivateJwk,
      Instant createdAt,
      Instant supersededAt,
      Instant publishedUntil) {
    this(
        kid,
        algorithm,
        publicJwk,
        encryptedPrivateJwk,
        createdAt,
        supersededAt,
        publishedUntil,
        createdAt);
  }

  /** The key that signs: activated and not superseded. */
  public boolean isActive() {
    return activatedAt != null && supersededAt == null;
  }

  /** Published, but not signing yet. */
  public boolean isNext() {
    return activatedAt == null && supersededAt == null;
  }

  StoredSigningKey supersede(Instant at, Instant until) {
    return new StoredSigningKey(
        kid, algorithm, publicJwk, encryptedPrivateJwk, createdAt, at, until, activatedAt);
  }

  StoredSigningKey activate(Instant at) {
    return new StoredSigningKey(
        kid, algorithm, publicJwk, encryptedPrivateJwk, createdAt, null, null, at);
  }
}
