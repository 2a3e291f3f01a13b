package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.verify.JwtCheck.LifetimeBound;
import io.portcullis.token.verify.JwtCheck.Times;
import io.portcullis.token.verify.JwtCheck.Types;
import io.portcullis.token.verify.Verification.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JwtChecker} under configurations that the bearer-token and assertion tests do not use: a
 * DPoP-proof-like one (required {@code typ}, required claims, no {@code exp}, an {@code iat} age
 * bound, the key taken from the header), and the assertion configuration's refusals with and
 * without echoing the JWT's values.
 */
class JwtCheckerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final TokenFactory tokens = new TokenFactory(clock);
  private final JwtChecker checker = new JwtChecker(clock, new JwsSignatures());

  /** As a DPoP proof (RFC 9449 §4.3) would be configured. */
  private static final JwtCheck PROOF =
      new JwtCheck(
          "DPoP proof",
          8192,
          JwtCheck.SIGNATURE_ALGORITHMS,
          Types.of(false, "dpop+jwt"),
          List.of("jti", "htm", "htu", "iat"),
          "RFC 9449 section 4.2 requires it",
          false,
          new Times(
              Duration.ofSeconds(5),
              false,
              null,
              LifetimeBound.FROM_ISSUE,
              null,
              Duration.ofSeconds(60)),
          true);

  private JWTClaimsSet.Builder proofClaims() {
    return new JWTClaimsSet.Builder()
        .jwtID("proof-1")
        .claim("htm", "POST")
        .claim("htu", "https://gw.example/oauth2/token")
        .issueTime(Date.from(clock.instant()));
  }

  private String proof(JWTClaimsSet claims, String type) {
    return tokens.sign(
        TestKeys.EC,
        JWSAlgorithm.ES256,
        claims,
        h -> h.type(type == null ? null : new JOSEObjectType(type)).jwk(TestKeys.EC.toPublicJWK()));
  }

  /** Every step of the checker, the key taken from the proof's own header. */
  private void check(String compact, JwtCheck check) throws JwtRejection {
    CompactJws jws = checker.parse(compact, check);
    checker.requireClaims(jws, check);
    JWK key = jws.header().getJWK();
    checker.requireSignature(
        jws, JwsSignatures.select(jws.header(), new JWKSet(key), check.algorithms()));
    checker.checkTimes(jws.claims(), check);
    checker.checkType(jws, check);
  }

  private static Reason reasonOf(ThrowingRunnable check) {
    try {
      check.run();
    } catch (JwtRejection rejected) {
      return rejected.invalid().reason();
    }
    throw new AssertionError("accepted");
  }

  private interface ThrowingRunnable {
    void run() throws JwtRejection;
  }

  @Test
  void checkWhenProofWithoutExpAndFreshIatThenAccepted() throws Exception {
    check(proof(proofClaims().build(), "dpop+jwt"), PROOF);
  }

  @Test
  void checkWhenProofTypMissingOrOtherThenTypeRejectedNamingTheExpectedOne() {
    assertThatThrownBy(() -> check(proof(proofClaims().build(), null), PROOF))
        .isInstanceOf(JwtRejection.class)
        .hasMessage("header typ is missing; expected dpop+jwt");
    assertThatThrownBy(() -> check(proof(proofClaims().build(), "JWT"), PROOF))
        .hasMessage("header typ JWT is not accepted; expected dpop+jwt");
  }

  @Test
  void checkWhenProofLacksARequiredClaimThenRefusedNamingItAndWhy() {
    JWTClaimsSet claims = proofClaims().claim("htm", null).build();

    assertThatThrownBy(() -> check(proof(claims, "dpop+jwt"), PROOF))
        .hasMessage("DPoP proof has no htm claim (RFC 9449 section 4.2 requires it)");
    assertThat(reasonOf(() -> check(proof(claims, "dpop+jwt"), PROOF))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void checkWhenProofIatOlderThanMaxAgePlusSkewThenExpired() throws Exception {
    String proof = proof(proofClaims().build(), "dpop+jwt");
    clock.advance(Duration.ofSeconds(65));
    check(proof, PROOF); // 60 s + 5 s of skew: still accepted

    clock.advance(Duration.ofSeconds(1));

    assertThatThrownBy(() -> check(proof, PROOF))
        .hasMessage("DPoP proof was issued more than 60 s ago (iat)");
    assertThat(reasonOf(() -> check(proof, PROOF))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void checkWhenProofSignedWithHmacThenAlgorithmRejectedBeforeAnyKey() throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("dpop+jwt"))
                .build(),
            proofClaims().build());
    jwt.sign(new MACSigner(new byte[32]));

    assertThatThrownBy(() -> checker.parse(jwt.serialize(), PROOF))
        .hasMessage("algorithm HS256 is never accepted: a shared secret cannot prove who signed");
  }

  @Test
  void checkWhenProofSignedByAnotherKeyThanItsHeaderNamesThenSignatureInvalid() {
    String forged =
        tokens.sign(
            TestKeys.EC,
            JWSAlgorithm.ES256,
            proofClaims().build(),
            h ->
                h.type(new JOSEObjectType("dpop+jwt"))
                    .jwk(TestKeys.ec("other", com.nimbusds.jose.jwk.Curve.P_256).toPublicJWK()));

    assertThat(reasonOf(() -> check(forged, PROOF))).isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void checkTimesWhenAssertionLivesTooLongThenRefusalNamesItsInstantsAndTheSetting() {
    JwtCheck assertion =
        JwtCheck.assertion("assertion", 16384, Duration.ofSeconds(60), Duration.ofSeconds(300));
    Instant iat = clock.instant().minusSeconds(3600);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issueTime(Date.from(iat))
            .expirationTime(Date.from(clock.instant().plusSeconds(60)))
            .build();

    assertThatThrownBy(() -> checker.checkTimes(claims, assertion))
        .hasMessage(
            "assertion lives from iat "
                + iat
                + " to exp "
                + clock.instant().plusSeconds(60)
                + ", longer than 300 s (assertionMaxLifetime)");
  }

  @Test
  void checkTimesWhenAccessTokenLivesTooLongThenRefusalEchoesNothingOfIt() {
    JwtCheck token = JwtCheck.accessToken(8192, false, Duration.ofSeconds(60), Duration.ofHours(1));
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issueTime(Date.from(clock.instant()))
            .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(2))))
            .build();

    assertThatThrownBy(() -> checker.checkTimes(claims, token))
        .hasMessage("token lifetime exceeds the maximum of 3600 s");
  }

  @Test
  void parseWhenEncryptedJwtThenMalformedSayingSo() {
    assertThatThrownBy(() -> checker.parse("a.b.c.d.e", PROOF))
        .hasMessage(
            "DPoP proof has 5 segments: an encrypted JWT is not accepted; it must be a signed JWT"
                + " (JWS)");
  }
}
