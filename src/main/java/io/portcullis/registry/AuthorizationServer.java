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

  /**
   * A builder with every component at its default: no alias or type, {@link #DEFAULT_CLOCK_SKEW},
   * and null (then the canonical constructor's default) for the rest.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this server, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .alias(alias)
        .type(type)
        .issuer(issuer)
        .clockSkew(clockSkew)
        .jwt(jwt)
        .assertionAudience(assertionAudience)
        .accessToken(accessToken)
        .refreshToken(refreshToken)
        .tokenStore(tokenStore)
        .jwksUri(jwksUri)
        .certificates(certificates)
        .audience(audience)
        .algorithms(algorithms)
        .assertionMaxLifetime(assertionMaxLifetime)
        .scopeMatching(scopeMatching)
        .secrets(secrets)
        .httpsOnly(httpsOnly)
        .dpop(dpop);
  }

  /**
   * Builds an {@link AuthorizationServer} component by component; each setter names the component
   * it sets (see the record's parameters). Not thread-safe; {@link #build()} may be called again
   * after further changes.
   */
  public static final class Builder {
    private String alias;
    private Type type;
    private String issuer;
    private long clockSkew = DEFAULT_CLOCK_SKEW;
    private JwtSettings jwt;
    private String assertionAudience;
    private AccessTokenSettings accessToken;
    private RefreshTokenSettings refreshToken;
    private TokenStoreSettings tokenStore;
    private String jwksUri;
    private List<String> certificates;
    private List<String> audience;
    private List<String> algorithms;
    private Duration assertionMaxLifetime;
    private ScopeMatching scopeMatching;
    private List<String> secrets;
    private boolean httpsOnly;
    private DpopSettings dpop;

    private Builder() {}

    public Builder alias(String alias) {
      this.alias = alias;
      return this;
    }

    public Builder type(Type type) {
      this.type = type;
      return this;
    }

    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder clockSkew(long clockSkew) {
      this.clockSkew = clockSkew;
      return this;
    }

    public Builder jwt(JwtSettings jwt) {
      this.jwt = jwt;
      return this;
    }

    public Builder assertionAudience(String assertionAudience) {
      this.assertionAudience = assertionAudience;
      return this;
    }

    public Builder accessToken(AccessTokenSettings accessToken) {
      this.accessToken = accessToken;
      return this;
    }

    public Builder refreshToken(RefreshTokenSettings refreshToken) {
      this.refreshToken = refreshToken;
      return this;
    }

    public Builder tokenStore(TokenStoreSettings tokenStore) {
      this.tokenStore = tokenStore;
      return this;
    }

    public Builder jwksUri(String jwksUri) {
      this.jwksUri = jwksUri;
      return this;
    }

    public Builder certificates(List<String> certificates) {
      this.certificates = certificates;
      return this;
    }

    public Builder audience(List<String> audience) {
      this.audience = audience;
      return this;
    }

    public Builder algorithms(List<String> algorithms) {
      this.algorithms = algorithms;
      return this;
    }

    public Builder assertionMaxLifetime(Duration assertionMaxLifetime) {
      this.assertionMaxLifetime = assertionMaxLifetime;
      return this;
    }

    public Builder scopeMatching(ScopeMatching scopeMatching) {
      this.scopeMatching = scopeMatching;
      return this;
    }

    public Builder secrets(List<String> secrets) {
      this.secrets = secrets;
      return this;
    }

    public Builder httpsOnly(boolean httpsOnly) {
      this.httpsOnly = httpsOnly;
      return this;
    }

    public Builder dpop(DpopSettings dpop) {
      this.dpop = dpop;
      return this;
    }

    /** The server; the canonical constructor fills the defaults of components left null. */
    public AuthorizationServer build() {
      return new AuthorizationServer(
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
          dpop);
    }
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
