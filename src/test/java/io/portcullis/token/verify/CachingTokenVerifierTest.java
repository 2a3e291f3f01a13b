package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.verify.CachingTokenVerifier.TokenDigest;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache changes the speed of verification, never its answer. */
class CachingTokenVerifierTest {
  private static Vertx vertx;

  private MutableClock clock;
  private TokenFactory tokens;
  private JwksServer server;
  private SnapshotHolder snapshots;
  private final AtomicReference<JWKSet> localKeys = new AtomicReference<>(new JWKSet());
  private JwtVerifier jwtVerifier;
  private CountingVerifier counting;
  private CachingTokenVerifier cache;

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
    server = new JwksServer(vertx).serve(TestKeys.jwks(TestKeys.RSA));
    snapshots = Issuers.holder(Issuers.external(server.url()), Issuers.local("portcullis", 3600));
    jwtVerifier =
        new JwtVerifier(vertx, snapshots, localKeys::get, clock, VerifierSettings.DEFAULTS);
    counting = new CountingVerifier(jwtVerifier);
    cache = new CachingTokenVerifier(counting, clock, 1000);
  }

  @AfterEach
  void tearDown() {
    jwtVerifier.close();
    server.close();
  }

  private Verification verify(String token) {
    return Await.result(cache.verify(token));
  }

  private Verification uncached(String token) {
    return Await.result(jwtVerifier.verify(token));
  }

  @Test
  void verifyWhenSameTokenTwiceThenDelegateAskedOnceAndSameAnswer() {
    String token = tokens.valid();

    Verification first = verify(token);
    Verification second = verify(token);

    assertThat(first).isInstanceOf(Verified.class);
    assertThat(second).isEqualTo(first);
    assertThat(counting.calls.get()).isEqualTo(1);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void verifyWhenCachedTokenExpiresThenExpiredLikeUncached() {
    String token = tokens.valid();
    assertThat(verify(token)).isInstanceOf(Verified.class);

    clock.advance(Duration.ofMinutes(11).plusSeconds(1));

    assertThat(verify(token)).isEqualTo(new Invalid(Reason.EXPIRED, "token expired"));
    assertThat(verify(token)).isEqualTo(uncached(token));
  }

  @Test
  void verifyWhenCachedTokenStillWithinSkewThenVerifiedFromCache() {
    String token = tokens.valid();
    verify(token);

    clock.advance(Duration.ofMinutes(10).plusSeconds(30));

    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertThat(counting.calls.get()).isEqualTo(1);
  }

  @Test
  void verifyWhenClockMovesBeforeNbfThenNotYetValidLikeUncached() {
    String token = tokens.valid();
    verify(token);

    clock.advance(Duration.ofMinutes(-2));

    assertThat(verify(token)).isEqualTo(uncached(token));
    assertThat(((Invalid) verify(token)).reason()).isEqualTo(Reason.NOT_YET_VALID);
  }

  @Test
  void verifyWhenIssuerKeySetChangedAndTokenKeyGoneThenRefused() {
    String token = tokens.valid();
    assertThat(verify(token)).isInstanceOf(Verified.class);
    server.serve(TestKeys.jwks(TestKeys.RSA_NEXT));
    clock.advance(Duration.ofSeconds(31));

    // A token of the new key makes the verifier fetch the new set.
    assertThat(verify(tokens.sign(TestKeys.RSA_NEXT, JWSAlgorithm.RS256, tokens.claims().build())))
        .isInstanceOf(Verified.class);

    assertThat(((Invalid) verify(token)).reason()).isEqualTo(Reason.NO_MATCHING_KEY);
    assertThat(verify(token)).isEqualTo(uncached(token));
  }

  @Test
  void verifyWhenIssuerKeySetChangedButTokenKeyKeptThenVerifiedAgainByDelegate() {
    String token = tokens.valid();
    verify(token);
    server.serve(TestKeys.jwks(TestKeys.RSA, TestKeys.RSA_NEXT));
    clock.advance(Duration.ofSeconds(31));
    verify(tokens.sign(TestKeys.RSA_NEXT, JWSAlgorithm.RS256, tokens.claims().build()));
    int before = counting.calls.get();

    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertThat(counting.calls.get()).isEqualTo(before + 1);
  }

  @Test
  void verifyWhenIssuerKeysFlushedThenVerifiedAgainByDelegate() {
    String token = tokens.valid();
    verify(token);

    jwtVerifier.flush(Issuers.ALIAS);

    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertThat(counting.calls.get()).isEqualTo(2);
  }

  @Test
  void verifyWhenIssuerAudienceChangedThenCachedTokenRefused() {
    String token = tokens.valid();
    verify(token);

    Issuers.publish(
        snapshots,
        Issuers.external(
            Issuers.ALIAS,
            TokenFactory.ISSUER,
            server.url(),
            List.of(),
            Issuers.ALL_ALGORITHMS,
            List.of("api://other")));

    assertThat(((Invalid) verify(token)).reason()).isEqualTo(Reason.AUDIENCE_REJECTED);
  }

  @Test
  void verifyWhenIssuerRemovedThenCachedTokenRefused() {
    String token = tokens.valid();
    verify(token);

    Issuers.publish(snapshots);

    assertThat(((Invalid) verify(token)).reason()).isEqualTo(Reason.ISSUER_UNTRUSTED);
  }

  @Test
  void verifyWhenInvalidThenNotCached() {
    String token = tokens.sign(TestKeys.ATTACKER, JWSAlgorithm.RS256, tokens.claims().build());

    verify(token);
    verify(token);

    assertThat(counting.calls.get()).isEqualTo(2);
    assertThat(cache.size()).isZero();
  }

  @Test
  void verifyWhenMoreTokensThanMaximumSizeThenCacheBounded() {
    CachingTokenVerifier small = new CachingTokenVerifier(counting, clock, 3);

    for (int i = 0; i < 20; i++) {
      String token =
          tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().jwtID("jti-" + i).build());
      assertThat(Await.result(small.verify(token))).isInstanceOf(Verified.class);
    }

    assertThat(small.size()).isLessThanOrEqualTo(3);
  }

  @Test
  void verifyWhenLocalKeysRotatedAndOldKeyDroppedThenCachedLocalTokenRefused() {
    localKeys.set(new JWKSet(TestKeys.EC.toPublicJWK()));
    String token =
        tokens.sign(
            TestKeys.EC,
            JWSAlgorithm.ES256,
            tokens
                .claims()
                .issuer(Issuers.LOCAL_ISSUER)
                .audience("portcullis")
                .expirationTime(Date.from(clock.instant().plusSeconds(600)))
                .build());
    assertThat(verify(token)).isInstanceOf(Verified.class);

    localKeys.set(new JWKSet(TestKeys.ED25519.toPublicJWK()));

    assertThat(((Invalid) verify(token)).reason()).isEqualTo(Reason.NO_MATCHING_KEY);
  }

  @Test
  void tokenDigestIsTheSha256OfTheWholeToken() throws Exception {
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
    byte[] expected =
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    ByteBuffer bytes = ByteBuffer.wrap(expected);

    TokenDigest digest = TokenDigest.of(token);

    assertThat(digest)
        .isEqualTo(
            new TokenDigest(
                bytes.getLong(0), bytes.getLong(8), bytes.getLong(16), bytes.getLong(24)))
        .isEqualTo(TokenDigest.of(new String(token.toCharArray())));
    assertThat(TokenDigest.of(token.substring(0, token.length() - 1) + "m")).isNotEqualTo(digest);
    assertThat(TokenDigest.of(token + ".")).isNotEqualTo(digest);
  }

  /** The real verifier, counting how often it is asked. */
  private static final class CountingVerifier implements TokenVerifier, VerificationRecheck {
    private final JwtVerifier delegate;
    private final AtomicInteger calls = new AtomicInteger();

    CountingVerifier(JwtVerifier delegate) {
      this.delegate = delegate;
    }

    @Override
    public Future<Verification> verify(String compactJwt) {
      calls.incrementAndGet();
      return delegate.verify(compactJwt);
    }

    @Override
    public Optional<Verification> recheck(Verified earlier) {
      return delegate.recheck(earlier);
    }
  }
}
