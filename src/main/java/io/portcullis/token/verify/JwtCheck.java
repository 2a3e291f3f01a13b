package io.portcullis.token.verify;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one kind of JWT must satisfy: the configuration of {@link JwtChecker}, which checks every
 * kind of JWT Portcullis receives with the same code. As nimbus's {@code DefaultJWTProcessor}
 * composes a key selector, a key source and a claims verifier, a role composes the checker with its
 * own key source and its own rules about who may sign:
 *
 * <table>
 *   <caption>The kinds of JWT and their configurations</caption>
 *   <tr><th>kind</th><th>role</th><th>keys from</th><th>this configuration</th></tr>
 *   <tr><td>bearer token on the data plane</td><td>{@link JwtVerifier}</td><td>{@link
 *       TrustedIssuers} (JWKS URI, PEM, secrets, the gateway's own keys)</td><td>{@link
 *       #accessToken}</td></tr>
 *   <tr><td>{@code private_key_jwt} client assertion, JWT bearer grant</td><td>{@code
 *       oauth.JwtAssertions}</td><td>{@link ApplicationKeys}</td><td>{@link
 *       #assertion}</td></tr>
 *   <tr><td>DPoP proof (RFC 9449)</td><td>{@code token.dpop.DpopProofs} (the token endpoint and the data plane)</td><td>the
 *       proof's own {@code jwk} header</td><td>{@link #dpopProof}</td></tr>
 * </table>
 *
 * @param noun what the JWT is called in every refusal ("token", "assertion", "client assertion")
 * @param maxLength the longest compact serialisation read; a longer one is refused before parsing
 * @param algorithms the JWS algorithms accepted at all, checked before any key is looked at; never
 *     {@code none}. A role may narrow them further (an issuer's {@code algorithms})
 * @param types the accepted header {@code typ} values, checked after the signature; null: any
 * @param requiredClaims claims that must be present, checked right after parsing (before any key is
 *     looked at), in this order
 * @param requiredBy why they are required, named in the refusal; null for nothing
 * @param refuseIdTokens whether a JWT carrying claims only OpenID Connect ID tokens have ({@code
 *     nonce}, {@code at_hash}, {@code c_hash}) is refused: an ID token is meant for the client
 * @param times the time rules, checked after the signature
 * @param echo whether refusals may quote the JWT's own values (its instants, its {@code alg}): yes
 *     for an assertion, which the client itself made and sent to the token endpoint; no for a
 *     bearer token, whose refusal goes to whoever presented it and echoes nothing of it
 */
public record JwtCheck(
    String noun,
    int maxLength,
    Set<JWSAlgorithm> algorithms,
    Types types,
    List<String> requiredClaims,
    String requiredBy,
    boolean refuseIdTokens,
    Times times,
    boolean echo) {

  /** RSA, RSASSA-PSS, ECDSA and EdDSA: every asymmetric JWS algorithm nimbus can verify. */
  public static final Set<JWSAlgorithm> SIGNATURE_ALGORITHMS = signatureAlgorithms();

  public JwtCheck {
    Objects.requireNonNull(noun, "noun");
    algorithms = Set.copyOf(algorithms);
    requiredClaims = List.copyOf(requiredClaims);
    Objects.requireNonNull(times, "times");
  }

  /**
   * The accepted header {@code typ} values (RFC 7515 §4.1.9: with or without the {@code
   * application/} prefix).
   *
   * @param verifier nimbus's check of the value
   * @param expected the accepted values as a refusal names them
   */
  public record Types(DefaultJOSEObjectTypeVerifier<SecurityContext> verifier, String expected) {
    /**
     * @param optional whether a JWT without {@code typ} is accepted
     * @param types the accepted values without the {@code application/} prefix, e.g. {@code JWT}
     */
    public static Types of(boolean optional, String... types) {
      Set<JOSEObjectType> accepted = new HashSet<>();
      for (String type : types) {
        accepted.add(new JOSEObjectType(type));
        accepted.add(new JOSEObjectType("application/" + type));
      }
      if (optional) accepted.add(null);
      return new Types(
          new DefaultJOSEObjectTypeVerifier<>(accepted.toArray(new JOSEObjectType[0])),
          String.join(" or ", types) + (optional ? ", or no typ" : ""));
    }
  }

  /** How the lifetime of a JWT is bounded. */
  public enum LifetimeBound {
    /**
     * {@code exp - iat} (or {@code exp - now} without {@code iat}) at most the maximum: how long
     * the issuer made it live (access tokens).
     */
    FROM_ISSUE,
    /**
     * {@code exp - now} at most the maximum plus the clock skew, and {@code exp - iat} too when
     * {@code iat} is present: an assertion issued long ago but still valid was made to live longer
     * than allowed, whatever is left of it now (as Keycloak checks client assertions).
     */
    FROM_ISSUE_AND_NOW_WITH_SKEW
  }

  /**
   * The time rules, all against the checker's clock with the clock skew: {@code exp} not past,
   * {@code nbf} and {@code iat} not in the future, the lifetime bound, the age bound.
   *
   * @param clockSkew tolerated difference between the clocks
   * @param expRequired whether a JWT without {@code exp} is refused
   * @param maxLifetime the longest lifetime; null for no bound
   * @param lifetimeBound how the lifetime is measured
   * @param lifetimeSetting the setting that sets the maximum, named in the refusal; null for none
   * @param maxAge when set, {@code iat}, when present, is at most this old (with the skew): a JWT
   *     made for one use at once, such as a DPoP proof, which also lists {@code iat} in {@link
   *     JwtCheck#requiredClaims()}; null for no bound
   */
  public record Times(
      Duration clockSkew,
      boolean expRequired,
      Duration maxLifetime,
      LifetimeBound lifetimeBound,
      String lifetimeSetting,
      Duration maxAge) {
    public Times {
      Objects.requireNonNull(clockSkew, "clockSkew");
      Objects.requireNonNull(lifetimeBound, "lifetimeBound");
      if (clockSkew.isNegative()) clockSkew = Duration.ZERO;
    }
  }

  /**
   * A bearer access token presented to the gateway (RFC 6750, RFC 9068): signature algorithms (and
   * HMAC when some issuer has shared secrets), {@code typ} absent, {@code JWT} or {@code at+jwt},
   * no ID token, {@code exp} required, lifetime from issue; refusals echo nothing of the token.
   *
   * @param maxLength the longest token read
   * @param hmac whether HMAC algorithms are accepted at all
   * @param clockSkew the issuer's clock skew
   * @param maxLifetime the longest lifetime accepted from the issuer
   */
  public static JwtCheck accessToken(
      int maxLength, boolean hmac, Duration clockSkew, Duration maxLifetime) {
    Set<JWSAlgorithm> algorithms = new HashSet<>(SIGNATURE_ALGORITHMS);
    if (hmac) algorithms.addAll(JWSAlgorithm.Family.HMAC_SHA);
    return new JwtCheck(
        "token",
        maxLength,
        algorithms,
        ACCESS_TOKEN_TYPES,
        List.of(),
        null,
        true,
        new Times(clockSkew, true, maxLifetime, LifetimeBound.FROM_ISSUE, null, null),
        false);
  }

  private static final Types ACCESS_TOKEN_TYPES = Types.of(true, "JWT", "at+jwt");

  /**
   * An RFC 7523 assertion signed by an application with its own private key: asymmetric algorithms
   * only, {@code iss sub aud exp jti} required (section 3), any {@code typ}, {@code exp} at most
   * {@code maxLifetime} ahead and from {@code iat}, with the skew; refusals name the assertion's
   * values, which its sender made.
   *
   * @param noun "assertion" (grant) or "client assertion" (client authentication)
   * @param maxLength the longest assertion read
   * @param clockSkew the authorization server's clock skew
   * @param maxLifetime the server's {@code assertionMaxLifetime}
   */
  public static JwtCheck assertion(
      String noun, int maxLength, Duration clockSkew, Duration maxLifetime) {
    return new JwtCheck(
        noun,
        maxLength,
        SIGNATURE_ALGORITHMS,
        null,
        List.of("iss", "sub", "aud", "exp", "jti"),
        "RFC 7523 section 3 requires it",
        false,
        new Times(
            clockSkew,
            true,
            maxLifetime,
            LifetimeBound.FROM_ISSUE_AND_NOW_WITH_SKEW,
            "assertionMaxLifetime",
            null),
        true);
  }

  /**
   * A DPoP proof (RFC 9449 §4.3) made by a client for one HTTP request: asymmetric algorithms,
   * {@code typ dpop+jwt} required, {@code jti htm htu iat} required (§4.2), no {@code exp}
   * required, {@code iat} at most {@code maxAge} in the past and less than {@code futureSkew} in
   * the future; refusals name the proof's values, which its sender made. The key is the proof's own
   * {@code jwk} header, which the role reads. The checker adds the clock skew to {@link
   * Times#maxAge}, so the skew is {@code futureSkew} and the age bound {@code maxAge - futureSkew}:
   * the sum is exactly {@code maxAge}, for which the role remembers the proof's {@code jti}.
   *
   * @param maxLength the longest proof read
   * @param maxAge how old {@code iat} may be
   * @param futureSkew how far ahead of the server's clock {@code iat} may be
   */
  public static JwtCheck dpopProof(int maxLength, Duration maxAge, Duration futureSkew) {
    return new JwtCheck(
        "DPoP proof",
        maxLength,
        SIGNATURE_ALGORITHMS,
        DPOP_PROOF_TYPES,
        List.of("jti", "htm", "htu", "iat"),
        "RFC 9449 section 4.2 requires it",
        false,
        new Times(
            futureSkew, false, null, LifetimeBound.FROM_ISSUE, null, maxAge.minus(futureSkew)),
        true);
  }

  private static final Types DPOP_PROOF_TYPES = Types.of(false, "dpop+jwt");

  /** The same configuration with other time rules. */
  public JwtCheck withTimes(Times times) {
    return new JwtCheck(
        noun,
        maxLength,
        algorithms,
        types,
        requiredClaims,
        requiredBy,
        refuseIdTokens,
        times,
        echo);
  }

  private static Set<JWSAlgorithm> signatureAlgorithms() {
    List<JWSAlgorithm> algorithms = new ArrayList<>();
    algorithms.addAll(JWSAlgorithm.Family.RSA);
    algorithms.addAll(JWSAlgorithm.Family.EC);
    algorithms.addAll(JWSAlgorithm.Family.ED);
    return Set.copyOf(algorithms);
  }
}
