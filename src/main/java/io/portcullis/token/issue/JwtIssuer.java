package io.portcullis.token.issue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.registry.AuthorizationServer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;

/**
 * Signs JWTs as the internal authorization server {@code local}: {@code iss}, {@code sub}, {@code
 * aud} (when configured), {@code iat}, {@code nbf}, {@code exp}, {@code jti}, and {@code typ: JWT}
 * and {@code kid} in the header. CPU only; never blocks.
 */
public final class JwtIssuer {
  /** Claims the issuer sets itself; callers cannot set or override them. */
  public static final Set<String> RESERVED =
      Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");

  private final SigningKeys keys;
  private final Clock clock;
  private final SecureRandom random;

  public JwtIssuer(SigningKeys keys, Clock clock, SecureRandom random) {
    this.keys = keys;
    this.clock = clock;
    this.random = random;
  }

  /**
   * Signs a JWT for the subject with the extra claims.
   *
   * @param server the internal authorization server (issuer, audience, lifetime)
   * @param subject the {@code sub}
   * @param extraClaims claims to add; none of {@link #RESERVED}
   * @throws IllegalArgumentException when an extra claim is reserved (naming it)
   */
  public IssuedJwt issue(
      AuthorizationServer server, String subject, Map<String, Object> extraClaims) {
    for (String name : extraClaims.keySet()) {
      if (RESERVED.contains(name)) {
        throw new IllegalArgumentException("claim " + name + " is reserved and set by the issuer");
      }
    }
    SigningKeys.ActiveKey key = keys.active();
    // Whole seconds: JWT NumericDates are seconds, and expires_in must match exp - iat exactly.
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant exp = now.plusSeconds(server.jwt().expiresIn());
    String jti = newJti();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(server.issuer())
            .subject(subject)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(exp))
            .jwtID(jti);
    if (server.jwt().audience() != null) claims.audience(server.jwt().audience());
    extraClaims.forEach(claims::claim);
    JWSHeader header =
        new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims.build());
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException(
          "signing with key " + key.kid() + " failed: " + e.getMessage(), e);
    }
    return new IssuedJwt(jwt.serialize(), jti, key.kid(), now, exp);
  }

  private String newJti() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
