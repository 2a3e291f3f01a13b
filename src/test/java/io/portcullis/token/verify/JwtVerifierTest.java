package io.portcullis.token.verify;

import static io.portcullis.token.verify.TokenFactory.b64;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every check of {@link JwtVerifier}, each rejection path with the real bad input. */
class JwtVerifierTest {
  private static Vertx vertx;
  private static JwksServer jwks;
  private static JwksServer attacker;

  private MutableClock clock;
  private TokenFactory tokens;
  private SnapshotHolder snapshots;
  private JwtVerifier verifier;

  @BeforeAll
  static void startServers() {
    vertx = Vertx.vertx();
    jwks =
        new JwksServer(vertx)
            .serve(TestKeys.jwks(TestKeys.RSA, TestKeys.EC, TestKeys.ED25519, TestKeys.EC_P384));
    attacker = new JwksServer(vertx).serve(TestKeys.jwks(TestKeys.ATTACKER));
  }

  @AfterAll
  static void stopServers() {
    jwks.close();
    attacker.close();
    Await.result(vertx.close());
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    tokens = new TokenFactory(clock);
    snapshots = Issuers.holder(Issuers.external(jwks.url()));
    verifier = newVerifier(VerifierSettings.DEFAULTS);
  }

  @AfterEach
  void tearDown() {
    verifier.close();
  }

  private JwtVerifier newVerifier(VerifierSettings settings) {
    return new JwtVerifier(vertx, snapshots, JWKSetLocalKeys.NONE, clock, settings);
  }

  private Verification verify(String token) {
    return Await.result(verifier.verify(token));
  }

  private void assertInvalid(String token, Reason reason) {
    Verification answer = verify(token);
    assertThat(answer).isInstanceOf(Invalid.class);
    assertThat(((Invalid) answer).reason()).as(((Invalid) answer).description()).isEqualTo(reason);
  }

  // ---- accepted ----

  static Stream<Arguments> signatureAlgorithms() {
    return Stream.of(
        Arguments.of(JWSAlgorithm.RS256, TestKeys.RSA),
        Arguments.of(JWSAlgorithm.RS384, TestKeys.RSA),
        Arguments.of(JWSAlgorithm.RS512, TestKeys.RSA),
        Arguments.of(JWSAlgorithm.PS256, TestKeys.RSA),
        Arguments.of(JWSAlgorithm.ES256, TestKeys.EC),
        Arguments.of(JWSAlgorithm.EdDSA, TestKeys.ED25519));
  }

  @ParameterizedTest
  @MethodSource("signatureAlgorithms")
  void verifyWhenSignedWithAllowedAlgorithmThenVerified(JWSAlgorithm algorithm, JWK key) {
    Verification answer = verify(tokens.sign(key, algorithm, tokens.claims().build()));

    assertThat(answer).isInstanceOf(Verified.class);
    Verified verified = (Verified) answer;
    assertThat(verified.issuer().alias()).isEqualTo(Issuers.ALIAS);
    assertThat(verified.subject()).isEqualTo("photo-app");
    assertThat(verified.scopes()).containsExactly("read", "write");
    assertThat(verified.jti()).isEqualTo("jti-1");
    assertThat(verified.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
  }

  @Test
  void verifyWhenScpIsArrayAndScopeIsStringThenScopesMergedInOrder() {
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().claim("scope", "a  b").claim("scp", List.of("b", "c")).build());

    assertThat(((Verified) verify(token)).scopes()).containsExactly("a", "b", "c");
  }

  @Test
  void verifyWhenScpIsStringThenSplitOnSpaces() {
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().claim("scope", null).claim("scp", "x y").build());

    assertThat(((Verified) verify(token)).scopes()).containsExactly("x", "y");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "JWT", "jwt", "at+jwt", "application/at+jwt", "AT+JWT"})
  void verifyWhenTypIsAcceptedThenVerified(String typ) {
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            header -> header.type(typ.isEmpty() ? null : new JOSEObjectType(typ)));

    assertThat(verify(token)).isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenAudHasSeveralValuesAndOneIsExpectedThenVerified() {
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().audience(List.of("other", TokenFactory.AUDIENCE, "third")).build());

    assertThat(verify(token)).isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenExpiredWithinClockSkewThenVerified() {
    String token = tokens.valid();
    clock.advance(Duration.ofMinutes(10).plusSeconds(59));

    assertThat(verify(token)).isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenIssuerExpectsNoAudienceThenTokenWithoutAudVerified() {
    Issuers.publish(
        snapshots,
        Issuers.external(
            Issuers.ALIAS,
            TokenFactory.ISSUER,
            jwks.url(),
            List.of(),
            List.of("RS256"),
            List.of()));

    assertThat(
            verify(
                tokens.sign(
                    TestKeys.RSA,
                    JWSAlgorithm.RS256,
                    tokens.claims().audience((String) null).build())))
        .isInstanceOf(Verified.class);
  }

  // ---- size and shape ----

  @Test
  void verifyWhenTokenLongerThanLimitThenTooLarge() {
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().claim("pad", "x".repeat(20_000)).build());

    assertInvalid(token, Reason.TOO_LARGE);
  }

  @Test
  void verifyWhenTokenNullOrEmptyThenMalformed() {
    assertInvalid(null, Reason.MALFORMED);
    assertInvalid("", Reason.MALFORMED);
  }

  @Test
  void verifyWhenTwoSegmentsThenMalformed() {
    List<String> parts = TokenFactory.segments(tokens.valid());

    assertInvalid(parts.get(0) + "." + parts.get(1), Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 6})
  void verifyWhenMoreThanThreeSegmentsThenMalformed(int segments) {
    StringBuilder token = new StringBuilder(tokens.valid());
    for (int i = 3; i < segments; i++) {
      token.append('.').append(b64("{}"));
    }

    assertInvalid(token.toString(), Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"+", "/", "=", " ", "%", "\n"})
  void verifyWhenSignatureHasNonBase64UrlCharacterThenMalformed(String bad) {
    String token = tokens.valid();

    assertInvalid(token.substring(0, token.length() - 2) + bad + "A", Reason.MALFORMED);
  }

  @Test
  void verifyWhenSegmentLengthIsImpossibleForBase64ThenMalformed() {
    List<String> parts = TokenFactory.segments(tokens.valid());

    assertInvalid(parts.get(0) + "." + parts.get(1) + "A" + "." + parts.get(2), Reason.MALFORMED);
  }

  @Test
  void verifyWhenHeaderIsNotJsonThenMalformed() {
    List<String> parts = TokenFactory.segments(tokens.valid());

    assertInvalid(b64("not json") + "." + parts.get(1) + "." + parts.get(2), Reason.MALFORMED);
  }

  @Test
  void verifyWhenPayloadIsNotJsonThenMalformed() {
    String token =
        TokenFactory.signPayload(
            TestKeys.RSA,
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
            "hello");

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenPayloadIsJsonArrayThenMalformed() {
    String token =
        TokenFactory.signPayload(
            TestKeys.RSA,
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
            "[1,2]");

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenRegisteredClaimHasWrongTypeThenMalformed() {
    String payload = tokens.claims().build().toString().replace("\"iss\":\"", "\"iss\":[\"");
    String token =
        TokenFactory.signPayload(
            TestKeys.RSA,
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
            payload.replace(TokenFactory.ISSUER + "\"", TokenFactory.ISSUER + "\"]"));

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenHeaderRepeatsAMemberThenMalformed() {
    String token =
        TokenFactory.signRaw(
            TestKeys.RSA,
            "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"kid\":\"other\"}",
            tokens.claims().build().toString());

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenPayloadRepeatsATopLevelClaimThenMalformed() {
    String claims = tokens.claims().build().toString();
    String token =
        TokenFactory.signRaw(
            TestKeys.RSA,
            "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
            claims.substring(0, claims.length() - 1) + ",\"sub\":\"admin\"}");

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenPayloadRepeatsANestedMemberThenMalformed() {
    String claims = tokens.claims().build().toString();
    String token =
        TokenFactory.signRaw(
            TestKeys.RSA,
            "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
            claims.substring(0, claims.length() - 1)
                + ",\"realm_access\":{\"roles\":[\"user\"],\"roles\":[\"admin\"]}}");

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenPayloadNestedTenThousandLevelsThenMalformedWithoutStackOverflow() {
    verifier.close();
    verifier = newVerifier(settingsWithMaxTokenLength(200_000));
    String claims = tokens.claims().build().toString();
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String token =
        TokenFactory.signRaw(
            TestKeys.RSA,
            "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
            claims.substring(0, claims.length() - 1) + ",\"deep\":" + deep + "}");

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenHeaderNestedTenThousandLevelsThenMalformedWithoutStackOverflow() {
    verifier.close();
    verifier = newVerifier(settingsWithMaxTokenLength(200_000));
    String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    String token =
        TokenFactory.signRaw(
            TestKeys.RSA,
            "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":" + deep + "}",
            tokens.claims().build().toString());

    assertInvalid(token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenDeeplyNestedWithDefaultLimitThenTooLarge() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String token =
        TokenFactory.signRaw(
            TestKeys.RSA, "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", "{\"deep\":" + deep + "}");

    assertInvalid(token, Reason.TOO_LARGE);
  }

  private static VerifierSettings settingsWithMaxTokenLength(int length) {
    VerifierSettings d = VerifierSettings.DEFAULTS;
    return new VerifierSettings(
        length,
        d.maxLifetime(),
        d.jwksTtl(),
        d.refreshAhead(),
        d.minRefreshInterval(),
        d.staleIfError(),
        d.connectTimeout(),
        d.readTimeout(),
        d.maxJwksBytes());
  }

  // ---- algorithm ----

  @ParameterizedTest
  @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
  void verifyWhenAlgIsNoneInAnyCaseThenAlgorithmRejected(String none) {
    String header = b64("{\"alg\":\"" + none + "\",\"kid\":\"rsa-1\"}");
    String payload = b64(tokens.claims().build().toString());

    assertInvalid(header + "." + payload + ".", Reason.ALGORITHM_REJECTED);
    // also with a signature that someone kept
    assertInvalid(
        header + "." + payload + "." + TokenFactory.segments(tokens.valid()).get(2),
        Reason.ALGORITHM_REJECTED);
  }

  @Test
  void verifyWhenSignatureSegmentEmptyWithRs256ThenMalformed() {
    List<String> parts = TokenFactory.segments(tokens.valid());

    assertInvalid(parts.get(0) + "." + parts.get(1) + ".", Reason.MALFORMED);
  }

  @Test
  void verifyWhenHs256SignedWithTheRsaPublicKeyThenAlgorithmRejected() throws Exception {
    // The classic key-confusion attack: the verifier's own public key used as an HMAC secret.
    Issuers.publish(
        snapshots,
        Issuers.external(
            Issuers.ALIAS, TokenFactory.ISSUER, jwks.url(), List.of(), List.of("RS256", "HS256")));
    com.nimbusds.jose.JWSObject jws =
        new com.nimbusds.jose.JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
            new com.nimbusds.jose.Payload(tokens.claims().build().toJSONObject()));
    jws.sign(new MACSigner(TestKeys.RSA.toRSAPublicKey().getEncoded()));

    Verification answer = verify(jws.serialize());

    assertThat(answer).isInstanceOf(Invalid.class);
    assertThat(((Invalid) answer).reason()).isEqualTo(Reason.ALGORITHM_REJECTED);
    assertThat(((Invalid) answer).description()).contains("HS256");
  }

  @Test
  void verifyWhenAlgorithmNotAllowedForIssuerThenAlgorithmRejectedNamingBoth() {
    Issuers.publish(
        snapshots,
        Issuers.external(
            Issuers.ALIAS, TokenFactory.ISSUER, jwks.url(), List.of(), List.of("RS256")));

    Verification answer =
        verify(tokens.sign(TestKeys.EC, JWSAlgorithm.ES256, tokens.claims().build()));

    assertThat(answer)
        .isEqualTo(
            new Invalid(
                Reason.ALGORITHM_REJECTED, "algorithm ES256 is not allowed for issuer corp-idp"));
  }

  @Test
  void verifyWhenIssuerListsNoAlgorithmsThenOnlyRs256Accepted() {
    Issuers.publish(
        snapshots,
        Issuers.external(Issuers.ALIAS, TokenFactory.ISSUER, jwks.url(), List.of(), List.of()));

    assertThat(verify(tokens.valid())).isInstanceOf(Verified.class);
    assertInvalid(
        tokens.sign(TestKeys.RSA, JWSAlgorithm.PS256, tokens.claims().build()),
        Reason.ALGORITHM_REJECTED);
  }

  @Test
  void verifyWhenUnknownAlgorithmNameThenAlgorithmRejected() {
    String token =
        b64("{\"alg\":\"XYZ512\",\"kid\":\"rsa-1\"}")
            + "."
            + b64(tokens.claims().build().toString())
            + "."
            + b64("sig");

    assertInvalid(token, Reason.ALGORITHM_REJECTED);
  }

  @Test
  void verifyWhenRs256TokenNamesAnEcKeyThenNoMatchingKey() {
    String token =
        tokens.sign(
            TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().build(), h -> h.keyID("ec-1"));

    assertInvalid(token, Reason.NO_MATCHING_KEY);
  }

  @Test
  void verifyWhenEs256TokenNamesAP384KeyThenNoMatchingKey() {
    // A P-384 key can never verify ES256: the key set policy leaves it out.
    String token =
        tokens.sign(
            TestKeys.EC, JWSAlgorithm.ES256, tokens.claims().build(), h -> h.keyID("ec-384"));

    assertInvalid(token, Reason.NO_MATCHING_KEY);
  }

  @Test
  void verifyWhenCritHeaderThenCriticalHeaderUnsupported() {
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h -> h.criticalParams(Set.of("exp")).customParam("exp", 1));

    assertInvalid(token, Reason.CRITICAL_HEADER_UNSUPPORTED);
  }

  // ---- keys and signature ----

  @Test
  void verifyWhenEmbeddedJwkHeaderCarriesAttackerKeyThenSignatureInvalid() {
    String token =
        tokens.sign(
            TestKeys.ATTACKER,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h -> h.jwk(TestKeys.ATTACKER.toPublicJWK()));

    assertInvalid(token, Reason.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenEmbeddedJwkHeaderHasNewKidThenNoMatchingKey() {
    String token =
        tokens.sign(
            TestKeys.ATTACKER,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h -> h.keyID("attacker").jwk(TestKeys.ATTACKER.toPublicJWK()));

    assertInvalid(token, Reason.NO_MATCHING_KEY);
  }

  @Test
  void verifyWhenJkuAndX5uPointAtAnotherServerThenNoRequestReachesIt() throws Exception {
    int before = attacker.requests();
    String forged =
        tokens.sign(
            TestKeys.ATTACKER,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h ->
                h.keyID("attacker")
                    .jwkURL(URI.create(attacker.url()))
                    .x509CertURL(URI.create(attacker.url())));
    String genuine =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h -> h.jwkURL(URI.create(attacker.url())).x509CertURL(URI.create(attacker.url())));

    assertInvalid(forged, Reason.NO_MATCHING_KEY);
    // A genuine token is verified against the configured keys; the header is simply not used.
    assertThat(verify(genuine)).isInstanceOf(Verified.class);
    assertThat(attacker.requests()).isEqualTo(before);
  }

  @Test
  void verifyWhenX5cHeaderCarriesAnotherKeyThenIgnored() {
    String forged =
        tokens.sign(
            TestKeys.ATTACKER,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h -> h.x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode("not a cert"))));

    assertInvalid(forged, Reason.SIGNATURE_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/passwd", "' OR 1=1 --", "\"; DROP TABLE keys; --", "%00"})
  void verifyWhenKidIsAnInjectionStringThenNoMatchingKeyWithoutEchoingIt(String kid) {
    String token =
        tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().build(), h -> h.keyID(kid));

    Verification answer = verify(token);

    assertThat(answer).isInstanceOf(Invalid.class);
    assertThat(((Invalid) answer).reason()).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(((Invalid) answer).description()).doesNotContain(kid);
  }

  @Test
  void verifyWhenEs256SignatureIsAllZeroThenSignatureInvalid() {
    String header = b64("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}");
    String payload = b64(tokens.claims().build().toString());

    assertInvalid(header + "." + payload + "." + b64(new byte[64]), Reason.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenPayloadTamperedThenSignatureInvalid() {
    List<String> parts = TokenFactory.segments(tokens.valid());
    String tampered = b64(tokens.claims().subject("admin").build().toString());

    assertInvalid(parts.get(0) + "." + tampered + "." + parts.get(2), Reason.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenSignedWithWrongKeyThenSignatureInvalid() {
    assertInvalid(
        tokens.sign(TestKeys.ATTACKER, JWSAlgorithm.RS256, tokens.claims().build()),
        Reason.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenSignatureTruncatedThenSignatureInvalid() {
    String token = tokens.valid();
    String truncated = token.substring(0, token.length() - 8);

    assertInvalid(truncated, Reason.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenOneSignatureCharacterChangedThenSignatureInvalid() {
    String token = tokens.valid();
    int at = token.lastIndexOf('.') + 10;
    char flipped = token.charAt(at) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, at) + flipped + token.substring(at + 1);

    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertInvalid(tampered, Reason.SIGNATURE_INVALID);
  }

  // ---- issuer ----

  @Test
  void verifyWhenIssMissingThenIssuerMissing() {
    assertInvalid(
        tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().issuer(null).build()),
        Reason.ISSUER_MISSING);
  }

  @Test
  void verifyWhenIssUnknownThenIssuerUntrustedAndNoFetch() {
    assertThat(verify(tokens.valid())).isInstanceOf(Verified.class);
    int before = jwks.requests();
    String token =
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().issuer("https://x").build(),
            h -> h.keyID("unknown-kid"));

    assertThat(verify(token))
        .isEqualTo(new Invalid(Reason.ISSUER_UNTRUSTED, "issuer https://x is not trusted"));
    assertThat(jwks.requests()).isEqualTo(before);
  }

  @Test
  void verifyWhenIssDiffersOnlyByTrailingSlashThenIssuerUntrusted() {
    assertInvalid(
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().issuer(TokenFactory.ISSUER + "/").build()),
        Reason.ISSUER_UNTRUSTED);
  }

  @Test
  void verifyWhenIssHasControlCharactersThenDescriptionDoesNotEchoIt() {
    Verification answer =
        verify(
            tokens.sign(
                TestKeys.RSA,
                JWSAlgorithm.RS256,
                tokens.claims().issuer("https://x\r\nSet-Cookie: a=b").build()));

    assertThat(((Invalid) answer).description()).doesNotContain("Set-Cookie").doesNotContain("\n");
  }

  // ---- time ----

  @Test
  void verifyWhenExpMissingThenExpirationMissing() {
    assertInvalid(
        tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().expirationTime(null).build()),
        Reason.EXPIRATION_MISSING);
  }

  @Test
  void verifyWhenExpiredBeyondSkewThenExpired() {
    String token = tokens.valid();
    clock.advance(Duration.ofMinutes(11).plusSeconds(1));

    assertThat(verify(token)).isEqualTo(new Invalid(Reason.EXPIRED, "token expired"));
  }

  @Test
  void verifyWhenNbfInFutureBeyondSkewThenNotYetValid() {
    Date nbf = Date.from(clock.instant().plusSeconds(120));

    assertInvalid(
        tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().notBeforeTime(nbf).build()),
        Reason.NOT_YET_VALID);
  }

  @Test
  void verifyWhenNbfInFutureWithinSkewThenVerified() {
    Date nbf = Date.from(clock.instant().plusSeconds(30));

    assertThat(
            verify(
                tokens.sign(
                    TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().notBeforeTime(nbf).build())))
        .isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenIatInFutureBeyondSkewThenIssuedInFuture() {
    Date iat = Date.from(clock.instant().plusSeconds(120));

    assertInvalid(
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().issueTime(iat).notBeforeTime(null).build()),
        Reason.ISSUED_IN_FUTURE);
  }

  @Test
  void verifyWhenLifetimeFromIatExceedsMaximumThenLifetimeExceeded() {
    Instant iat = clock.instant().minus(Duration.ofHours(2));
    JWTClaimsSet claims =
        tokens
            .claims()
            .issueTime(Date.from(iat))
            .expirationTime(Date.from(iat.plus(Duration.ofHours(24)).plusSeconds(1)))
            .build();

    assertInvalid(tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, claims), Reason.LIFETIME_EXCEEDED);
  }

  @Test
  void verifyWhenNoIatAndExpTooFarAheadThenLifetimeExceeded() {
    JWTClaimsSet claims =
        tokens
            .claims()
            .issueTime(null)
            .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(25))))
            .build();

    assertInvalid(tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, claims), Reason.LIFETIME_EXCEEDED);
  }

  @Test
  void verifyWhenLifetimeExactlyMaximumThenVerified() {
    JWTClaimsSet claims =
        tokens
            .claims()
            .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(24))))
            .build();

    assertThat(verify(tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, claims)))
        .isInstanceOf(Verified.class);
  }

  // ---- audience, type, scopes ----

  @Test
  void verifyWhenAudWrongThenAudienceRejected() {
    Verification answer =
        verify(
            tokens.sign(
                TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().audience("api://other").build()));

    assertThat(answer)
        .isEqualTo(
            new Invalid(
                Reason.AUDIENCE_REJECTED,
                "claim aud names none of the audiences that issuer corp-idp expects: [api://gateway]"));
  }

  @Test
  void verifyWhenAudMissingThenAudienceRejected() {
    assertInvalid(
        tokens.sign(
            TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().audience((String) null).build()),
        Reason.AUDIENCE_REJECTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"JOSE", "dpop+jwt", "secevent+jwt", "id_token+jwt", "logout+jwt"})
  void verifyWhenTypIsNotAnAccessTokenTypeThenTypeRejected(String typ) {
    assertInvalid(
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().build(),
            h -> h.type(new JOSEObjectType(typ))),
        Reason.TYPE_REJECTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nonce", "at_hash", "c_hash"})
  void verifyWhenTokenCarriesIdTokenClaimThenTypeRejected(String claim) {
    Verification answer =
        verify(
            tokens.sign(
                TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().claim(claim, "abc").build()));

    assertThat(((Invalid) answer).reason()).isEqualTo(Reason.TYPE_REJECTED);
    assertThat(((Invalid) answer).description()).contains(claim);
  }

  @Test
  void verifyWhenScopeIsANumberThenMalformed() {
    assertInvalid(
        tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().claim("scope", 42).build()),
        Reason.MALFORMED);
  }

  @Test
  void verifyWhenScpArrayHoldsANonStringThenMalformed() {
    assertInvalid(
        tokens.sign(
            TestKeys.RSA,
            JWSAlgorithm.RS256,
            tokens.claims().claim("scp", List.of("a", 1)).build()),
        Reason.MALFORMED);
  }

  // ---- description hygiene ----

  @Test
  void verifyWhenRejectedThenDescriptionNeverContainsTokenParts() {
    String token = tokens.sign(TestKeys.ATTACKER, JWSAlgorithm.RS256, tokens.claims().build());
    Invalid answer = (Invalid) verify(token);

    for (String part : TokenFactory.segments(token)) {
      assertThat(answer.description()).doesNotContain(part);
    }
    assertThat(answer.description()).doesNotContain(TestKeys.RSA.getModulus().toString());
  }

  /** For tests that need no internal issuer. */
  enum JWKSetLocalKeys implements LocalKeys {
    NONE;

    @Override
    public com.nimbusds.jose.jwk.JWKSet publicKeys() {
      return new com.nimbusds.jose.jwk.JWKSet();
    }
  }
}
