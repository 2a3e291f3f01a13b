package io.portcullis.token.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An opaque token as stored: never the token itself, only its {@link TokenHasher#hash}.
 *
 * <p>Instants are kept to the microsecond, the precision both databases store, so that a record
 * read back equals the one saved whatever the store.
 *
 * @param tokenHash {@link TokenHasher#hash} of the token; the key
 * @param kind access or refresh token
 * @param authorizationServer alias of the authorization server that issued it
 * @param clientId the client it was issued to; null for an application without client credentials
 * @param applicationName the application it was issued to
 * @param subject the resource owner or assertion {@code sub}; null when there is none (client
 *     credentials)
 * @param scopes the granted scopes, in the order granted
 * @param parameters the additional token parameters (name → value), returned by introspection
 * @param issuedAt when it was issued
 * @param expiresAt when it stops being valid (exclusive: invalid from this instant on)
 * @param familyId shared by every token that descends from one grant (the first access token, its
 *     refresh token, and every token obtained by refreshing)
 * @param parentHash hash of the refresh token that was exchanged for this token; null for tokens of
 *     the original grant
 * @param revokedAt when it was revoked; null while not revoked
 * @param rotatedAt when this refresh token was exchanged (it cannot be used again); null while
 *     unused and always for access tokens
 * @param confirmation the members of the token's {@code cnf} (RFC 7800) that bind it to a proof of
 *     possession, such as {@code x5t#S256} (RFC 8705: the thumbprint of the client certificate it
 *     was issued over); empty for a bearer token
 * @param jkt the RFC 7638 SHA-256 thumbprint of the DPoP key the token is bound to (RFC 9449 §6);
 *     null for a bearer token or one bound by a certificate
 */
public record TokenRecord(
    String tokenHash,
    Kind kind,
    String authorizationServer,
    String clientId,
    String applicationName,
    String subject,
    List<String> scopes,
    Map<String, String> parameters,
    Instant issuedAt,
    Instant expiresAt,
    String familyId,
    String parentHash,
    Instant revokedAt,
    Instant rotatedAt,
    Map<String, String> confirmation,
    String jkt) {

  /** A token bound to no key (a bearer token). */
  public TokenRecord(
      String tokenHash,
      Kind kind,
      String authorizationServer,
      String clientId,
      String applicationName,
      String subject,
      List<String> scopes,
      Map<String, String> parameters,
      Instant issuedAt,
      Instant expiresAt,
      String familyId,
      String parentHash,
      Instant revokedAt,
      Instant rotatedAt) {
    this(
        tokenHash,
        kind,
        authorizationServer,
        clientId,
        applicationName,
        subject,
        scopes,
        parameters,
        issuedAt,
        expiresAt,
        familyId,
        parentHash,
        revokedAt,
        rotatedAt,
        Map.of(),
        null);
  }

  /** A token bound by the members of its {@code cnf} other than {@code jkt}. */
  public TokenRecord(
      String tokenHash,
      Kind kind,
      String authorizationServer,
      String clientId,
      String applicationName,
      String subject,
      List<String> scopes,
      Map<String, String> parameters,
      Instant issuedAt,
      Instant expiresAt,
      String familyId,
      String parentHash,
      Instant revokedAt,
      Instant rotatedAt,
      Map<String, String> confirmation) {
    this(
        tokenHash,
        kind,
        authorizationServer,
        clientId,
        applicationName,
        subject,
        scopes,
        parameters,
        issuedAt,
        expiresAt,
        familyId,
        parentHash,
        revokedAt,
        rotatedAt,
        confirmation,
        null);
  }

  /** A token bound to a DPoP key. */
  public TokenRecord(
      String tokenHash,
      Kind kind,
      String authorizationServer,
      String clientId,
      String applicationName,
      String subject,
      List<String> scopes,
      Map<String, String> parameters,
      Instant issuedAt,
      Instant expiresAt,
      String familyId,
      String parentHash,
      Instant revokedAt,
      Instant rotatedAt,
      String jkt) {
    this(
        tokenHash,
        kind,
        authorizationServer,
        clientId,
        applicationName,
        subject,
        scopes,
        parameters,
        issuedAt,
        expiresAt,
        familyId,
        parentHash,
        revokedAt,
        rotatedAt,
        Map.of(),
        jkt);
  }

  /** What the token is for. */
  public enum Kind {
    ACCESS,
    REFRESH
  }

  public TokenRecord {
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(authorizationServer, "authorizationServer");
    Objects.requireNonNull(applicationName, "applicationName");
    Objects.requireNonNull(familyId, "familyId");
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    confirmation = confirmation == null ? Map.of() : Map.copyOf(confirmation);
    issuedAt = micros(Objects.requireNonNull(issuedAt, "issuedAt"));
    expiresAt = micros(Objects.requireNonNull(expiresAt, "expiresAt"));
    revokedAt = micros(revokedAt);
    rotatedAt = micros(rotatedAt);
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException(
          "expiresAt (" + expiresAt + ") must be after issuedAt (" + issuedAt + ")");
    }
  }

  /** This record bound by {@code confirmation} (the members of its {@code cnf}). */
  public TokenRecord confirmed(Map<String, String> confirmation) {
    return new TokenRecord(
        tokenHash,
        kind,
        authorizationServer,
        clientId,
        applicationName,
        subject,
        scopes,
        parameters,
        issuedAt,
        expiresAt,
        familyId,
        parentHash,
        revokedAt,
        rotatedAt,
        confirmation,
        jkt);
  }

  /**
   * Whether the token may be used at {@code now}: not revoked, not yet expired, and (for a refresh
   * token) not yet exchanged.
   */
  public boolean isActive(Instant now) {
    return revokedAt == null && rotatedAt == null && now.isBefore(expiresAt);
  }

  /** Whether it has expired at {@code now}; the purge deletes such tokens. */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** Whole seconds left at {@code now}, for {@code expires_in}; zero once expired. */
  public long expiresIn(Instant now) {
    return Math.max(0, expiresAt.getEpochSecond() - now.getEpochSecond());
  }

  /** This record revoked at {@code at}. */
  public TokenRecord revoked(Instant at) {
    return new TokenRecord(
        tokenHash,
        kind,
        authorizationServer,
        clientId,
        applicationName,
        subject,
        scopes,
        parameters,
        issuedAt,
        expiresAt,
        familyId,
        parentHash,
        at,
        rotatedAt,
        confirmation,
        jkt);
  }

  /** This record marked as exchanged at {@code at}. */
  public TokenRecord rotated(Instant at) {
    return new TokenRecord(
        tokenHash,
        kind,
        authorizationServer,
        clientId,
        applicationName,
        subject,
        scopes,
        parameters,
        issuedAt,
        expiresAt,
        familyId,
        parentHash,
        revokedAt,
        at,
        confirmation,
        jkt);
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }
}
