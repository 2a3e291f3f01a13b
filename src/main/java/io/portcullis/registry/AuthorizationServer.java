package io.portcullis.registry;

import java.time.Duration;
import java.util.List;

/**
 * An authorization server, named by its alias. {@code internal}: the gateway itself issues tokens;
 * {@code external}: a trusted third-party issuer whose JWTs the gateway verifies.
 *
 * <p>Fields that do not apply to the type are null (or their defaults) and ignored.
 *
 * @param alias unique name; the internal one is always {@code local}
 * @param type internal or external
 * @param issuer the {@code iss} value, matched exactly
 * @param clockSkew seconds allowed for every time check
 * @param jwt settings of the JWTs the gateway signs (internal)
 * @param assertionAudience the {@code aud} required in JWT assertions at the token endpoint
 *     (internal)
 * @param accessToken opaque access token settings (internal)
 * @param refreshToken refresh token settings (internal)
 * @param tokenStore where opaque tokens live (internal)
 * @param jwksUri where the issuer publishes its keys (external)
 * @param certificates PEM certificates or public keys, or paths to them (external)
 * @param audience accepted audiences: at least one must be in the token's {@code aud} (external;
 *     empty means {@code aud} is not checked)
 * @param algorithms allowed JWS algorithms (external)
 * @param assertionMaxLifetime how far ahead of now a JWT assertion's {@code exp} may lie at the
 *     token endpoint (internal; default {@link #DEFAULT_ASSERTION_MAX_LIFETIME})
 * @param scopeMatching how requested scopes are matched against those granted to the application at
 *     the token endpoint (internal; default {@link ScopeMatching#ALL})
 * @param secrets shared secrets of an issuer that signs with HMAC (external; HS256, HS384, HS512),
 *     as UTF-8 text; more than one during a rotation. Never together with {@code jwksUri} or {@code
 *     certificates}. Never printed by {@link #toString()}.
 * @param httpsOnly whether the token-issuing endpoints ({@code /oauth2/token}, {@code /oauth2/jwt}
 *     and their aliases) refuse requests that did not arrive over TLS (internal; default false)
 * @param dpop how DPoP proofs (RFC 9449) are checked at the token endpoints and on the data plane
 *     (internal; default {@link DpopSettings#DEFAULT})
 */
public record AuthorizationServer(
    String alias,
    Type type,
    String issuer,
    long clockSkew,
    JwtSettings jwt,
    String assertionAudience,
    AccessTokenSettings accessToken,
    RefreshTokenSettings refreshToken,
    TokenStoreSettings tokenStore,
    String jwksUri,
    List<String> certificates,
    List<String> audience,
    List<String> algorithms,
    Duration assertionMaxLifetime,
    ScopeMatching scopeMatching,
    List<String> secrets,
    boolean httpsOnly,
    DpopSettings dpop) {

  public static final String LOCAL = "local";
  public static final long DEFAULT_CLOCK_SKEW = 60;

  /** Five minutes: long enough for a client's clock and network, short enough to limit replay. */
  public static final Duration DEFAULT_ASSERTION_MAX_LIFETIME = Duration.ofSeconds(300);

  /**
   * How the scopes of a token request are matched against the application's granted scopes (the
   * Axway "Validate Scopes" choice).
   */
  public enum ScopeMatching {
    /** Every requested scope must be registered and granted, or the request is refused. */
    ALL,
    /**
     * At least one requested scope must be registered and granted; the token carries those that
     * are, and the others are dropped.
     */
    ANY
  }

  public enum Type {
    INTERNAL,
    EXTERNAL
  }

  public AuthorizationServer {
    jwt = jwt == null ? JwtSettings.DEFAULT : jwt;
    accessToken = accessToken == null ? AccessTokenSettings.DEFAULT : accessToken;
    refreshToken = refreshToken == null ? RefreshTokenSettings.DEFAULT : refreshToken;
    tokenStore = tokenStore == null ? TokenStoreSettings.DEFAULT : tokenStore;
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    audience = audience == null ? List.of() : List.copyOf(audience);
    algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
    assertionMaxLifetime =
        assertionMaxLifetime == null ? DEFAULT_ASSERTION_MAX_LIFETIME : assertionMaxLifetime;
    scopeMatching = scopeMatching == null ? ScopeMatching.ALL : scopeMatching;
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    dpop = dpop == null ? DpopSettings.DEFAULT : dpop;
  }

  /** A server with the default {@link DpopSettings}. */
  public AuthorizationServer(
      String alias,
      Type type,
      String issuer,
      long clockSkew,
      JwtSettings jwt,
      String assertionAudience,
      AccessTokenSettings accessToken,
      RefreshTokenSettings refreshToken,
      TokenStoreSettings tokenStore,
      String jwksUri,
      List<String> certificates,
      List<String> audience,
      List<String> algorithms,
      Duration assertionMaxLifetime,
      ScopeMatching scopeMatching,
      List<String> secrets,
      boolean httpsOnly) {
    this(
        alias,
        type,
        issuer,
        clockSkew,
        jwt,
        assertionAudience,
        accessToken,
        refreshToken,
        tokenStore,
        jwksUri,
        certificates,
        audience,
        algorithms,
        assertionMaxLifetime,
        scopeMatching,
        secrets,
        httpsOnly,
        null);
  }

  /** A server without shared secrets (every issuer but an HMAC one). */
  public AuthorizationServer(
      String alias,
      Type type,
      String issuer,
      long clockSkew,
      JwtSettings jwt,
      String assertionAudience,
      AccessTokenSettings accessToken,
      RefreshTokenSettings refreshToken,
      TokenStoreSettings tokenStore,
      String jwksUri,
      List<String> certificates,
      List<String> audience,
      List<String> algorithms,
      Duration assertionMaxLifetime,
      ScopeMatching scopeMatching) {
    this(
        alias,
        type,
        issuer,
        clockSkew,
        jwt,
        assertionAudience,
        accessToken,
        refreshToken,
        tokenStore,
        jwksUri,
        certificates,
        audience,
        algorithms,
        assertionMaxLifetime,
        scopeMatching,
        null,
        false);
  }

  /** Whether this issuer signs with a shared secret (HMAC) rather than a private key. */
  public boolean hasSecrets() {
    return !secrets.isEmpty();
  }

  /** Every component, except that each secret is shown as {@code ***}: servers end up in logs. */
  @Override
  public String toString() {
    return "AuthorizationServer[alias="
        + alias
        + ", type="
        + type
        + ", issuer="
        + issuer
        + ", clockSkew="
        + clockSkew
        + ", jwt="
        + jwt
        + ", assertionAudience="
        + assertionAudience
        + ", accessToken="
        + accessToken
        + ", refreshToken="
        + refreshToken
        + ", tokenStore="
        + tokenStore
        + ", jwksUri="
        + jwksUri
        + ", certificates="
        + certificates
        + ", audience="
        + audience
        + ", algorithms="
        + algorithms
        + ", assertionMaxLifetime="
        + assertionMaxLifetime
        + ", scopeMatching="
        + scopeMatching
        + ", secrets="
        + secrets.stream().map(secret -> "***").toList()
        + ", httpsOnly="
        + httpsOnly
        + ", dpop="
        + dpop
        + "]";
  }

  /** A server with the default {@code assertionMaxLifetime} and {@code scopeMatching}. */
  public AuthorizationServer(
      String alias,
      Type type,
      String issuer,
      long clockSkew,
      JwtSettings jwt,
      String assertionAudience,
      AccessTokenSettings accessToken,
      RefreshTokenSettings refreshToken,
      TokenStoreSettings tokenStore,
      String jwksUri,
      List<String> certificates,
      List<String> audience,
      List<String> algorithms) {
    this(
        alias,
        type,
        issuer,
        clockSkew,
        jwt,
        assertionAudience,
        accessToken,
        refreshToken,
        tokenStore,
        jwksUri,
        certificates,
        audience,
        algorithms,
        null,
        null);
  }

  /**
   * @param algorithm RS256 | RS384 | RS512 | ES256 | EdDSA
   * @param expiresIn lifetime of issued JWTs, seconds
   * @param audience {@code aud} of issued JWTs, or null for none
   */
  public record JwtSettings(String algorithm, long expiresIn, String audience) {
    public static final JwtSettings DEFAULT = new JwtSettings("RS256", 3600, null);
  }

  /**
   * @param expiresIn seconds
   * @param length characters
   * @param type token type announced to clients
   */
  public record AccessTokenSettings(long expiresIn, int length, String type) {
    public static final AccessTokenSettings DEFAULT = new AccessTokenSettings(3600, 54, "Bearer");
  }

  /**
   * @param enabled whether refresh tokens are issued
   * @param expiresIn seconds
   * @param length characters
   */
  public record RefreshTokenSettings(boolean enabled, long expiresIn, int length) {
    public static final RefreshTokenSettings DEFAULT = new RefreshTokenSettings(false, 43200, 46);
  }

  /**
   * @param type {@code cache} (in memory) or {@code database}
   * @param purgeInterval seconds between purges of expired tokens
   */
  public record TokenStoreSettings(String type, long purgeInterval) {
    public static final TokenStoreSettings DEFAULT = new TokenStoreSettings("cache", 60);
  }

  /**
   * How DPoP proofs (RFC 9449) are checked.
   *
   * @param nonce whether the server asks for a nonce of its own in every proof ({@code
   *     use_dpop_nonce}, RFC 9449 §8 and §9)
   * @param proofMaxAge seconds a proof's {@code iat} may lie in the past
   * @param proofFutureSkew seconds a proof's {@code iat} may lie in the future (the client's clock
   *     running ahead)
   */
  public record DpopSettings(boolean nonce, long proofMaxAge, long proofFutureSkew) {
    public static final DpopSettings DEFAULT = new DpopSettings(false, 60, 5);
  }
}
