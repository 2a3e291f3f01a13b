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
    return toBuilder().confirmation(confirmation).build();
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
    return toBuilder().revokedAt(at).build();
  }

  /** This record marked as exchanged at {@code at}. */
  public TokenRecord rotated(Instant at) {
    return toBuilder().rotatedAt(at).build();
  }

  /**
   * A builder with every component null: a bearer token, not revoked, not exchanged, until the
   * required components are set.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this record, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .tokenHash(tokenHash)
        .kind(kind)
        .authorizationServer(authorizationServer)
        .clientId(clientId)
        .applicationName(applicationName)
        .subject(subject)
        .scopes(scopes)
        .parameters(parameters)
        .issuedAt(issuedAt)
        .expiresAt(expiresAt)
        .familyId(familyId)
        .parentHash(parentHash)
        .revokedAt(revokedAt)
        .rotatedAt(rotatedAt)
        .confirmation(confirmation)
        .jkt(jkt);
  }

  /**
   * Builds a {@link TokenRecord} component by component; each setter names the component it sets
   * (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private String tokenHash;
    private Kind kind;
    private String authorizationServer;
    private String clientId;
    private String applicationName;
    private String subject;
    private List<String> scopes;
    private Map<String, String> parameters;
    private Instant issuedAt;
    private Instant expiresAt;
    private String familyId;
    private String parentHash;
    private Instant revokedAt;
    private Instant rotatedAt;
    private Map<String, String> confirmation;
    private String jkt;

    private Builder() {}

    public Builder tokenHash(String tokenHash) {
      this.tokenHash = tokenHash;
      return this;
    }

    public Builder kind(Kind kind) {
      this.kind = kind;
      return this;
    }

    public Builder authorizationServer(String authorizationServer) {
      this.authorizationServer = authorizationServer;
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    public Builder applicationName(String applicationName) {
      this.applicationName = applicationName;
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Builder scopes(List<String> scopes) {
      this.scopes = scopes;
      return this;
    }

    public Builder parameters(Map<String, String> parameters) {
      this.parameters = parameters;
      return this;
    }

    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = issuedAt;
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Builder familyId(String familyId) {
      this.familyId = familyId;
      return this;
    }

    public Builder parentHash(String parentHash) {
      this.parentHash = parentHash;
      return this;
    }

    public Builder revokedAt(Instant revokedAt) {
      this.revokedAt = revokedAt;
      return this;
    }

    public Builder rotatedAt(Instant rotatedAt) {
      this.rotatedAt = rotatedAt;
      return this;
    }

    public Builder confirmation(Map<String, String> confirmation) {
      this.confirmation = confirmation;
      return this;
    }

    public Builder jkt(String jkt) {
      this.jkt = jkt;
      return this;
    }

    /**
     * The record; the canonical constructor checks the required components and fills the defaults.
     */
    public TokenRecord build() {
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
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }
}
