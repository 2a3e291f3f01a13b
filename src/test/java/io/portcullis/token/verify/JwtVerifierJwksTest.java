package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JWKS caching, refresh, rate limit and failure handling, against a real JWKS server. */
class JwtVerifierJwksTest {
  private static final Duration PAST_RATE_WINDOW =
      VerifierSettings.DEFAULTS.minRefreshInterval().plusSeconds(1);

  private static Vertx vertx;

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private MutableClock clock;
  private TokenFactory tokens;
  private JwksServer server;
  private SnapshotHolder snapshots;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    tokens = new TokenFactory(clock);
    server = started(new JwksServer(vertx).serve(TestKeys.jwks(TestKeys.RSA)));
    snapshots = Issuers.holder(Issuers.external(server.url()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
  }

  private <T extends AutoCloseable> T started(T closeable) {
    closeAfter.add(0, closeable);
    return closeable;
  }

  private JwtVerifier verifier(VerifierSettings settings) {
    return started(
        new JwtVerifier(vertx, snapshots, JwtVerifierTest.JWKSetLocalKeys.NONE, clock, settings));
  }

  private JwtVerifier verifier() {
    return verifier(VerifierSettings.DEFAULTS);
  }

  private static Verification verify(TokenVerifier verifier, String token) {
    return Await.result(verifier.verify(token));
  }

  private static Reason reason(Verification verification) {
    return verification instanceof Invalid invalid ? invalid.reason() : null;
  }

  private String signedWith(JWK key) {
    return tokens.sign(key, JWSAlgorithm.RS256, tokens.claims().build());
  }

  private String withUnknownKid() {
    return tokens.sign(
        TestKeys.ATTACKER,
        JWSAlgorithm.RS256,
        tokens.claims().build(),
        h -> h.keyID(UUID.randomUUID().toString()));
  }

  @Test
  void verifyWhenManyTokensArriveBeforeFirstFetchThenOneFetchServesAll() {
    server.delay(200);
    JwtVerifier verifier = verifier();

    List<Future<Verification>> answers =
        IntStream.range(0, 50).mapToObj(i -> verifier.verify(tokens.valid())).toList();

    assertThat(answers).allSatisfy(a -> assertThat(Await.result(a)).isInstanceOf(Verified.class));
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void verifyWhenServerRotatesKeysThenNewKidVerifiedAfterOneRefreshWithoutRestart() {
    JwtVerifier verifier = verifier();
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    server.serve(TestKeys.jwks(TestKeys.RSA_NEXT));
    String rotated = signedWith(TestKeys.RSA_NEXT);

    // Within the rate window an unknown kid costs no fetch.
    assertThat(reason(verify(verifier, rotated))).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(server.requests()).isEqualTo(1);

    clock.advance(PAST_RATE_WINDOW);
    assertThat(verify(verifier, rotated)).isInstanceOf(Verified.class);
    assertThat(server.requests()).isEqualTo(2);
    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.NO_MATCHING_KEY);
  }

  @Test
  void verifyWhenFloodOfUnknownKidsThenAtMostOneFetchPerRateWindow() {
    server.delay(100);
    JwtVerifier verifier = verifier();
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    clock.advance(PAST_RATE_WINDOW);
    List<String> flood = IntStream.range(0, 200).mapToObj(i -> withUnknownKid()).toList();

    List<Future<Verification>> answers = flood.parallelStream().map(verifier::verify).toList();

    assertThat(answers)
        .allSatisfy(a -> assertThat(reason(Await.result(a))).isEqualTo(Reason.NO_MATCHING_KEY));
    assertThat(server.requests()).isEqualTo(2);

    List<Future<Verification>> again = flood.parallelStream().map(verifier::verify).toList();
    again.forEach(Await::result);
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void verifyWhenServerGoesDownThenKnownKidsKeepVerifyingUntilStaleBound() {
    VerifierSettings settings = VerifierSettings.DEFAULTS;
    JwtVerifier verifier = verifier(settings);
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    server.close();
    closeAfter.remove(server);

    clock.advance(settings.jwksTtl().plusSeconds(1));
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    // An unknown kid waits for a fetch, which fails: the last good keys stay.
    clock.advance(PAST_RATE_WINDOW);
    assertThat(reason(verify(verifier, withUnknownKid()))).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);

    clock.advance(settings.staleIfError());
    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  static Stream<Arguments> badKeySets() throws Exception {
    RSAKey encryption =
        new RSAKey.Builder(TestKeys.RSA_NEXT.toRSAPublicKey())
            .keyID("enc-1")
            .keyUse(KeyUse.ENCRYPTION)
            .build();
    return Stream.of(
        Arguments.of(
            "duplicate kid",
            TestKeys.jwks(TestKeys.RSA, TestKeys.RSA_NEXT).replace("\"rsa-2\"", "\"rsa-1\"")),
        Arguments.of("private key", TestKeys.jwksAsIs(List.of(TestKeys.RSA))),
        Arguments.of(
            "symmetric key",
            TestKeys.jwksAsIs(
                List.of(new OctetSequenceKeyGenerator(256).keyID("hmac").generate()))),
        Arguments.of("1024-bit RSA", TestKeys.jwks(TestKeys.WEAK_RSA)),
        Arguments.of("use=enc", TestKeys.jwksAsIs(List.of(encryption))),
        Arguments.of("no keys", "{\"keys\":[]}"),
        Arguments.of("keys not an array", "{\"keys\":\"rsa-1\"}"),
        Arguments.of("not JSON", "<html>maintenance</html>"),
        Arguments.of("truncated JSON", TestKeys.jwks(TestKeys.RSA).substring(0, 40)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badKeySets")
  void verifyWhenServerReturnsBadKeySetThenLastGoodSetKept(String name, String bad) {
    JwtVerifier verifier = verifier();
    Verified before = (Verified) verify(verifier, tokens.valid());
    server.serve(bad);
    clock.advance(PAST_RATE_WINDOW);

    assertThat(reason(verify(verifier, withUnknownKid()))).isEqualTo(Reason.NO_MATCHING_KEY);

    assertThat(server.requests()).isEqualTo(2);
    Verification after = verify(verifier, tokens.valid());
    assertThat(after).isInstanceOf(Verified.class);
    assertThat(((Verified) after).keyGeneration()).isEqualTo(before.keyGeneration());
  }

  @Test
  void verifyWhenServerAnswersHttpErrorThenLastGoodSetKept() {
    JwtVerifier verifier = verifier();
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    server.fail(500);
    clock.advance(PAST_RATE_WINDOW);

    assertThat(reason(verify(verifier, withUnknownKid()))).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenFirstFetchFailsThenKeysUnavailableAndLaterRecovers() {
    server.fail(503);
    JwtVerifier verifier = verifier();

    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.KEYS_UNAVAILABLE);

    server.serve(TestKeys.jwks(TestKeys.RSA));
    clock.advance(PAST_RATE_WINDOW);
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenKeySetHasEncryptionKeyBesideSigningKeyThenSigningKeyUsed() throws Exception {
    RSAKey encryption =
        new RSAKey.Builder(TestKeys.RSA_NEXT.toRSAPublicKey())
            .keyID("enc-1")
            .keyUse(KeyUse.ENCRYPTION)
            .build();
    server.serve(TestKeys.jwks(TestKeys.RSA, TestKeys.WEAK_RSA, encryption));
    JwtVerifier verifier = verifier();

    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    assertThat(
            reason(
                verify(
                    verifier,
                    tokens.sign(
                        TestKeys.RSA_NEXT,
                        JWSAlgorithm.RS256,
                        tokens.claims().build(),
                        h -> h.keyID("enc-1")))))
        .isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(reason(verify(verifier, signedWith(TestKeys.WEAK_RSA))))
        .isEqualTo(Reason.NO_MATCHING_KEY);
  }

  @Test
  void flushWhenCalledThenKeysDroppedAndFetchedAgain() {
    JwtVerifier verifier = verifier();
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    server.serve(TestKeys.jwks(TestKeys.RSA_NEXT));

    assertThat(verifier.flush(Issuers.ALIAS)).isTrue();

    assertThat(verify(verifier, signedWith(TestKeys.RSA_NEXT))).isInstanceOf(Verified.class);
    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void flushWhenAliasUnknownThenFalse() {
    assertThat(verifier().flush("nobody")).isFalse();
  }

  @Test
  void verifyWhenKeySetLargerThanCapThenKeysUnavailable() {
    String padded =
        TestKeys.jwks(TestKeys.RSA)
            .replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(8192) + "\",");
    server.serve(padded);
    VerifierSettings d = VerifierSettings.DEFAULTS;
    JwtVerifier verifier =
        verifier(
            new VerifierSettings(
                d.maxTokenLength(),
                d.maxLifetime(),
                d.jwksTtl(),
                d.refreshAhead(),
                d.minRefreshInterval(),
                d.staleIfError(),
                d.connectTimeout(),
                d.readTimeout(),
                4096));

    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void verifyWhenKeySetServerTooSlowThenFetchTimesOutAndKeysUnavailable() {
    server.delay(3000);
    JwtVerifier verifier =
        verifier(
            VerifierSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200)));

    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void verifyOnEventLoopThenFetchRunsOnWorkerAndAnswerOnCallersContext() {
    server.delay(300);
    List<Boolean> loadedOnEventLoop = new CopyOnWriteArrayList<>();
    JwtVerifier verifier =
        started(
            new JwtVerifier(
                vertx,
                snapshots,
                JwtVerifierTest.JWKSetLocalKeys.NONE,
                clock,
                VerifierSettings.DEFAULTS,
                server -> {
                  RemoteJwks remote = new RemoteJwks(server.jwksUri(), VerifierSettings.DEFAULTS);
                  return () -> {
                    loadedOnEventLoop.add(Context.isOnEventLoopThread());
                    return remote.load();
                  };
                }));
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> answeredOnSameContext = Promise.promise();
    Promise<Verification> answer = Promise.promise();

    context.runOnContext(
        ignored ->
            verifier
                .verify(tokens.valid())
                .onComplete(
                    result -> {
                      answeredOnSameContext.complete(
                          Vertx.currentContext() == context && Context.isOnEventLoopThread());
                      answer.handle(result);
                    }));

    assertThat(Await.result(answer.future())).isInstanceOf(Verified.class);
    assertThat(Await.result(answeredOnSameContext.future())).isTrue();
    assertThat(loadedOnEventLoop).isNotEmpty().containsOnly(false);
  }

  @Test
  void keysWhenTtlNearsItsEndThenRefetchedInBackground() {
    VerifierSettings d = VerifierSettings.DEFAULTS;
    JwtVerifier verifier =
        verifier(
            new VerifierSettings(
                d.maxTokenLength(),
                d.maxLifetime(),
                Duration.ofSeconds(2),
                Duration.ofMillis(1800),
                d.minRefreshInterval(),
                d.staleIfError(),
                d.connectTimeout(),
                d.readTimeout(),
                d.maxJwksBytes()));
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);

    await().atMost(Duration.ofSeconds(30)).until(() -> server.requests() >= 3);
  }

  @Test
  void verifyWhenIssuerAddedAtRunTimeThenItsTokensVerified() {
    JwtVerifier verifier = verifier();
    JwksServer second = started(new JwksServer(vertx).serve(TestKeys.jwks(TestKeys.RSA_NEXT)));
    String token =
        tokens.sign(
            TestKeys.RSA_NEXT,
            JWSAlgorithm.RS256,
            tokens.claims().issuer("https://second.example.test").build());
    assertThat(reason(verify(verifier, token))).isEqualTo(Reason.ISSUER_UNTRUSTED);

    Issuers.publish(
        snapshots,
        Issuers.external(server.url()),
        Issuers.external(
            "second", "https://second.example.test", second.url(), List.of(), List.of("RS256")));

    assertThat(verify(verifier, token)).isInstanceOf(Verified.class);
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenIssuerRemovedAtRunTimeThenIssuerUntrusted() {
    JwtVerifier verifier = verifier();
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);

    Issuers.publish(snapshots);

    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.ISSUER_UNTRUSTED);
  }

  @Test
  void verifyWhenJwksUriChangedAtRunTimeThenKeysComeFromTheNewUri() {
    JwtVerifier verifier = verifier();
    assertThat(verify(verifier, tokens.valid())).isInstanceOf(Verified.class);
    JwksServer second = started(new JwksServer(vertx).serve(TestKeys.jwks(TestKeys.RSA_NEXT)));

    Issuers.publish(snapshots, Issuers.external(second.url()));

    assertThat(verify(verifier, signedWith(TestKeys.RSA_NEXT))).isInstanceOf(Verified.class);
    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(second.requests()).isEqualTo(1);
  }

  @Test
  void verifyWhenJwksUriIsNotHttpThenKeysUnavailable() {
    Issuers.publish(snapshots, Issuers.external("file:///etc/passwd"));
    JwtVerifier verifier = verifier();

    assertThat(reason(verify(verifier, tokens.valid()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }
}
