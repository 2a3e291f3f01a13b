package io.portcullis.token.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.AuthorizationServer.DpopSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link DpopProofs} on its own: the one JWT checker's refusals worded as DPoP refusals, the exact
 * {@code iat} window of the settings (the replay window must cover every accepted proof), and the
 * key taken from the proof's {@code jwk} header. The end-to-end refusals are in {@code
 * DpopE2ETest}.
 */
class DpopProofsTest {
  private static final String URI = "https://gw.example/oauth2/token";
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final DpopProofs.Request REQUEST = new DpopProofs.Request("POST", URI, null, null);

  private final ECKey key = generate();

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWTClaimsSet.Builder claims(Instant iat) {
    return new JWTClaimsSet.Builder()
        .jwtID("proof-1")
        .claim("htm", "POST")
        .claim("htu", URI)
        .issueTime(Date.from(iat));
  }

  /** A compact JWS of this header JSON and these claims, signed ES256 with {@code signer}. */
  private static String signed(String headerJson, JWTClaimsSet claims, ECKey signer) {
    String input =
        Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Base64URL signature =
          new ECDSASigner(signer)
              .sign(new JWSHeader(JWSAlgorithm.ES256), input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + signature;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String proof(JWTClaimsSet claims) {
    return proof(claims, h -> h);
  }

  private String proof(JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
    JWSHeader built =
        header
            .apply(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType(DpopProofs.TYPE))
                    .jwk(key.toPublicJWK()))
            .build();
    return signed(built.toString(), claims, key);
  }

  private static DpopProofs.Result check(String proof, Instant now) {
    return DpopProofs.check(List.of(proof), REQUEST, DpopSettings.DEFAULT, now);
  }

  private static String refusal(DpopProofs.Result result) {
    assertThat(result).isInstanceOf(DpopProofs.Invalid.class);
    DpopProofs.Invalid invalid = (DpopProofs.Invalid) result;
    assertThat(invalid.error()).isEqualTo(DpopProofs.INVALID_DPOP_PROOF);
    return invalid.description();
  }

  @Test
  void checkWhenValidProofThenValidWithThumbprintAndReplayWindowFromIat() throws Exception {
    DpopProofs.Result result = check(proof(claims(NOW).build()), NOW.plusSeconds(3));

    assertThat(result)
        .isEqualTo(
            new DpopProofs.Valid(
                key.computeThumbprint("SHA-256").toString(), "proof-1", NOW.plusSeconds(60)));
  }

  @Test
  void checkWhenIatExactlyProofMaxAgeOldThenAcceptedAndOneSecondMoreThenRefused() {
    String proof = proof(claims(NOW).build());

    assertThat(check(proof, NOW.plusSeconds(60))).isInstanceOf(DpopProofs.Valid.class);
    assertThat(refusal(check(proof, NOW.plusSeconds(61))))
        .isEqualTo(
            "the DPoP proof's iat is more than 60 s in the past; make a new proof for each"
                + " request");
  }

  @Test
  void checkWhenIatWithinFutureSkewThenAcceptedAndBeyondThenRefused() {
    assertThat(check(proof(claims(NOW.plusSeconds(4)).build()), NOW))
        .isInstanceOf(DpopProofs.Valid.class);
    assertThat(refusal(check(proof(claims(NOW.plusSeconds(6)).build()), NOW)))
        .isEqualTo("the DPoP proof's iat is more than 5 s in the future; check the client's clock");
  }

  @Test
  void checkWhenExpPastThenRefusedNamingExp() {
    String proof = proof(claims(NOW).expirationTime(Date.from(NOW.plusSeconds(10))).build());

    assertThat(refusal(check(proof, NOW.plusSeconds(30))))
        .isEqualTo("the DPoP proof expired at 2026-03-01T10:00:10Z (exp)");
  }

  @Test
  void checkWhenRequiredClaimMissingThenRefusedNamingItAndWhy() {
    String proof = proof(claims(NOW).claim("htu", null).build());

    assertThat(refusal(check(proof, NOW)))
        .isEqualTo("the DPoP proof has no htu claim (RFC 9449 section 4.2 requires it)");
  }

  @Test
  void checkWhenTypOtherThenRefusedNamingIt() {
    String proof = proof(claims(NOW).build(), h -> h.type(JOSEObjectType.JWT));

    assertThat(refusal(check(proof, NOW)))
        .isEqualTo("the DPoP proof's typ must be dpop+jwt; was 'JWT'");
  }

  @Test
  void checkWhenNoJwkThenRefused() {
    String proof = proof(claims(NOW).build(), h -> h.jwk(null));

    assertThat(refusal(check(proof, NOW)))
        .isEqualTo("the DPoP proof's header has no jwk: the public key must be in the header");
  }

  @Test
  void checkWhenJwkWithPrivatePartsThenRefusedAsDisclosed() {
    String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + key.toJSONString() + "}";

    assertThat(refusal(check(signed(header, claims(NOW).build(), key), NOW)))
        .startsWith("the DPoP proof's jwk contains private key parts");
  }

  @Test
  void checkWhenJwkDoesNotFitAlgThenRefusedNamingBoth() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    String proof = proof(claims(NOW).build(), h -> h.jwk(rsa.toPublicJWK()));

    assertThat(refusal(check(proof, NOW)))
        .isEqualTo("the DPoP proof's jwk (kty RSA) cannot verify alg ES256");
  }

  @Test
  void checkWhenSignedByAnotherKeyThanItsJwkThenRefused() {
    String header =
        "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + key.toPublicJWK().toJSONString() + "}";

    assertThat(refusal(check(signed(header, claims(NOW).build(), generate()), NOW)))
        .isEqualTo("the DPoP proof's signature does not verify with its jwk");
  }

  @Test
  void checkWhenAlgNoneOrHmacThenRefusedAsNotAsymmetric() {
    String none =
        Base64URL.encode("{\"typ\":\"dpop+jwt\",\"alg\":\"none\"}")
            + "."
            + Base64URL.encode(claims(NOW).build().toString())
            + ".";
    String hmac =
        proof(claims(NOW).build(), h -> h)
            .replaceFirst(
                "^[^.]+",
                Base64URL.encode(
                        "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":"
                            + key.toPublicJWK().toJSONString()
                            + "}")
                    .toString());

    assertThat(refusal(check(none, NOW)))
        .startsWith("the DPoP proof's alg must be an asymmetric algorithm (one of [");
    assertThat(refusal(check(hmac, NOW)))
        .startsWith("the DPoP proof's alg must be an asymmetric algorithm (one of [")
        .endsWith("algorithm HS256 is never accepted: a shared secret cannot prove who signed");
  }

  @Test
  void checkWhenNotAJwtOrTooLongThenRefused() {
    assertThat(refusal(check("not-a-jwt", NOW)))
        .startsWith("the DPoP header is not a signed JWT (header.payload.signature): ");
    assertThat(refusal(check("a".repeat(DpopProofs.MAX_LENGTH + 1), NOW)))
        .isEqualTo("the DPoP proof is over 8192 characters");
  }

  @Test
  void checkWhenHtmNotAStringThenRefused() {
    String proof = proof(claims(NOW).claim("htm", 7).build());

    assertThat(refusal(check(proof, NOW)))
        .isEqualTo("the DPoP proof's jti, htm, htu, ath and nonce must be strings");
  }
}
