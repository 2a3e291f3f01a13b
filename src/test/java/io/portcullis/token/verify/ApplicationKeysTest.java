package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.registry.Application;
import io.portcullis.testing.MutableClock;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The applications' registered keys, as JWKS text, JWKS URI and PEM, against real signatures. */
class ApplicationKeysTest {
  private static Vertx vertx;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ApplicationKeys keys =
      new ApplicationKeys(
          VerifierSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)),
          clock);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static Application app(String jwks, String jwksUri, List<String> certificates) {
    return Application.builder()
        .name("app")
        .clientId("app")
        .authorizationServer("local")
        .jwks(jwks)
        .jwksUri(jwksUri)
        .certificates(certificates)
        .build();
  }

  private static SignedJWT signed(JWK key, JWSAlgorithm algorithm) throws ParseException {
    return SignedJWT.parse(
        TokenFactory.signPayload(
            key,
            new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder().subject("app").build().toString()));
  }

  @Test
  void verifyWhenJwksHoldsTheKeyThenVerifiedForRsaEcAndEd25519() throws Exception {
    Application app = app(TestKeys.jwks(TestKeys.RSA, TestKeys.EC, TestKeys.ED25519), null, null);

    assertThat(keys.verify(app, signed(TestKeys.RSA, JWSAlgorithm.RS256)))
        .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
    assertThat(keys.verify(app, signed(TestKeys.RSA, JWSAlgorithm.PS256)))
        .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
    assertThat(keys.verify(app, signed(TestKeys.EC, JWSAlgorithm.ES256)))
        .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
    assertThat(keys.verify(app, signed(TestKeys.ED25519, JWSAlgorithm.EdDSA)))
        .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
  }

  @Test
  void verifyWhenSignedByAnotherKeyWithTheSameKidThenSignatureInvalid() throws Exception {
    Application app = app(TestKeys.jwks(TestKeys.RSA), null, null);

    assertThat(keys.verify(app, signed(TestKeys.ATTACKER, JWSAlgorithm.RS256)))
        .isEqualTo(ApplicationKeys.Outcome.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenKidUnknownThenNoMatchingKey() throws Exception {
    Application app = app(TestKeys.jwks(TestKeys.RSA), null, null);

    assertThat(keys.verify(app, signed(TestKeys.RSA_NEXT, JWSAlgorithm.RS256)))
        .isEqualTo(ApplicationKeys.Outcome.NO_MATCHING_KEY);
  }

  @Test
  void verifyWhenHmacThenAlgorithmRejected() throws Exception {
    Application app = app(TestKeys.jwks(TestKeys.RSA), null, null);
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
            new JWTClaimsSet.Builder().subject("app").build());
    hmac.sign(new MACSigner(TestKeys.RSA.toRSAPublicKey().getEncoded()));

    assertThat(keys.verify(app, hmac)).isEqualTo(ApplicationKeys.Outcome.ALGORITHM_REJECTED);
  }

  @Test
  void verifyWhenNoKeysOrPrivateKeysRegisteredThenNoKeys() throws Exception {
    SignedJWT token = signed(TestKeys.RSA, JWSAlgorithm.RS256);

    assertThat(keys.verify(app(null, null, null), token))
        .isEqualTo(ApplicationKeys.Outcome.NO_KEYS);
    assertThat(keys.verify(app(TestKeys.jwksAsIs(List.of(TestKeys.RSA)), null, null), token))
        .isEqualTo(ApplicationKeys.Outcome.NO_KEYS);
    assertThat(keys.verify(app("not json", null, null), token))
        .isEqualTo(ApplicationKeys.Outcome.NO_KEYS);
  }

  @Test
  void verifyWhenPemPublicKeyThenVerifiedWhateverTheKid() throws Exception {
    Application app =
        app(
            null,
            null,
            List.of(PemKeysTest.pem("PUBLIC KEY", TestKeys.RSA.toPublicKey().getEncoded())));

    assertThat(keys.verify(app, signed(TestKeys.RSA, JWSAlgorithm.RS256)))
        .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
    assertThat(keys.verify(app, signed(TestKeys.ATTACKER, JWSAlgorithm.RS256)))
        .isEqualTo(ApplicationKeys.Outcome.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenJwksUriThenFetchedOnceAndRefetchedForUnknownKidAtMostEvery10s() throws Exception {
    try (JwksServer server = new JwksServer(vertx).serve(TestKeys.jwks(TestKeys.RSA))) {
      Application app = app(null, server.url(), null);

      assertThat(keys.verify(app, signed(TestKeys.RSA, JWSAlgorithm.RS256)))
          .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
      assertThat(keys.verify(app, signed(TestKeys.RSA, JWSAlgorithm.RS256)))
          .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
      assertThat(server.requests()).isEqualTo(1);

      server.serve(TestKeys.jwks(TestKeys.RSA, TestKeys.RSA_NEXT));
      assertThat(keys.verify(app, signed(TestKeys.RSA_NEXT, JWSAlgorithm.RS256)))
          .isEqualTo(ApplicationKeys.Outcome.NO_MATCHING_KEY);
      assertThat(server.requests()).isEqualTo(1);

      clock.advance(Duration.ofSeconds(10));
      assertThat(keys.verify(app, signed(TestKeys.RSA_NEXT, JWSAlgorithm.RS256)))
          .isEqualTo(ApplicationKeys.Outcome.VERIFIED);
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void verifyWhenJwksUriFailsThenNoKeys() throws Exception {
    try (JwksServer server = new JwksServer(vertx).fail(500)) {
      assertThat(
              keys.verify(app(null, server.url(), null), signed(TestKeys.RSA, JWSAlgorithm.RS256)))
          .isEqualTo(ApplicationKeys.Outcome.NO_KEYS);
    }
    assertThat(
            keys.verify(
                app(null, "file:///etc/passwd", null), signed(TestKeys.RSA, JWSAlgorithm.RS256)))
        .isEqualTo(ApplicationKeys.Outcome.NO_KEYS);
  }
}
