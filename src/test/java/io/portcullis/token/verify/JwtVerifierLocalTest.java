package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tokens of the internal issuer, verified with the keys {@link LocalKeys} supplies. */
class JwtVerifierLocalTest {
  private static Vertx vertx;

  private final AtomicReference<JWKSet> keys =
      new AtomicReference<>(new JWKSet(TestKeys.RSA.toPublicJWK()));
  private MutableClock clock;
  private TokenFactory tokens;
  private SnapshotHolder snapshots;
  private JwtVerifier verifier;

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
    snapshots = Issuers.holder(Issuers.local("portcullis", 3600));
    verifier = new JwtVerifier(vertx, snapshots, keys::get, clock, VerifierSettings.DEFAULTS);
  }

  @AfterEach
  void tearDown() {
    verifier.close();
  }

  private JWTClaimsSet.Builder localClaims() {
    return tokens.claims().issuer(Issuers.LOCAL_ISSUER).audience("portcullis");
  }

  private Verification verify(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    return Await.result(verifier.verify(tokens.sign(key, algorithm, claims)));
  }

  private static Reason reason(Verification verification) {
    return ((Invalid) verification).reason();
  }

  @Test
  void verifyWhenSignedWithLocalKeyThenVerifiedAsLocal() {
    Verification answer = verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().build());

    assertThat(answer).isInstanceOf(Verified.class);
    assertThat(((Verified) answer).issuer().alias()).isEqualTo("local");
  }

  @Test
  void verifyWhenLocalKeysRotatedThenPreviousStillAcceptedUntilDropped() {
    keys.set(new JWKSet(List.of(TestKeys.EC.toPublicJWK(), TestKeys.RSA.toPublicJWK())));
    assertThat(verify(TestKeys.EC, JWSAlgorithm.ES256, localClaims().build()))
        .isInstanceOf(Verified.class);
    assertThat(verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().build()))
        .isInstanceOf(Verified.class);

    keys.set(new JWKSet(TestKeys.EC.toPublicJWK()));

    assertThat(reason(verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().build())))
        .isEqualTo(Reason.NO_MATCHING_KEY);
  }

  @Test
  void verifyWhenEd25519LocalKeyThenVerified() {
    keys.set(new JWKSet(TestKeys.ED25519.toPublicJWK()));

    assertThat(verify(TestKeys.ED25519, JWSAlgorithm.EdDSA, localClaims().build()))
        .isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenLocalAudienceMissingOrWrongThenAudienceRejected() {
    assertThat(
            reason(verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().audience("x").build())))
        .isEqualTo(Reason.AUDIENCE_REJECTED);
    assertThat(
            reason(
                verify(
                    TestKeys.RSA,
                    JWSAlgorithm.RS256,
                    localClaims().audience((String) null).build())))
        .isEqualTo(Reason.AUDIENCE_REJECTED);
  }

  @Test
  void verifyWhenLocalHasNoAudienceThenAudNotChecked() {
    Issuers.publish(snapshots, Issuers.local(null, 3600));

    assertThat(
            verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().audience((String) null).build()))
        .isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenLocalLifetimeLongerThanDefaultMaximumThenItsOwnLifetimeAllowed() {
    Issuers.publish(snapshots, Issuers.local("portcullis", Duration.ofHours(48).toSeconds()));
    Date exp48 = Date.from(clock.instant().plus(Duration.ofHours(48)));
    Date exp49 = Date.from(clock.instant().plus(Duration.ofHours(49)));

    assertThat(
            verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().expirationTime(exp48).build()))
        .isInstanceOf(Verified.class);
    assertThat(
            reason(
                verify(
                    TestKeys.RSA, JWSAlgorithm.RS256, localClaims().expirationTime(exp49).build())))
        .isEqualTo(Reason.LIFETIME_EXCEEDED);
  }

  @Test
  void verifyWhenNoLocalKeysThenKeysUnavailable() {
    keys.set(new JWKSet());

    assertThat(reason(verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().build())))
        .isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void verifyWhenLocalKeysIncludePrivatePartsThenOnlyPublicPartsUsed() {
    keys.set(new JWKSet(TestKeys.RSA));

    assertThat(verify(TestKeys.RSA, JWSAlgorithm.RS256, localClaims().build()))
        .isInstanceOf(Verified.class);
  }

  @Test
  void verifyWhenLocalAlgorithmNotInInternalDefaultsThenAlgorithmRejected() {
    assertThat(reason(verify(TestKeys.RSA, JWSAlgorithm.PS256, localClaims().build())))
        .isEqualTo(Reason.ALGORITHM_REJECTED);
  }

  @Test
  void verifyWhenKidUnknownThenKeysReadAgainFromTheStoreOffTheEventLoopAndTokenVerified() {
    AtomicReference<JWKSet> store = new AtomicReference<>(keys.get());
    AtomicInteger rereads = new AtomicInteger();
    AtomicBoolean onEventLoop = new AtomicBoolean();
    restartVerifierRereading(
        () -> {
          if (Context.isOnEventLoopThread()) onEventLoop.set(true);
          keys.set(store.get());
          rereads.incrementAndGet();
        });
    clock.advance(LocalIssuerKeys.REREAD_INTERVAL);
    // Another node rotated: the store has the new key, this node's memory not yet.
    store.set(new JWKSet(List.of(TestKeys.RSA.toPublicJWK(), TestKeys.RSA_NEXT.toPublicJWK())));

    Verification answer = verify(TestKeys.RSA_NEXT, JWSAlgorithm.RS256, localClaims().build());

    assertThat(answer).isInstanceOf(Verified.class);
    assertThat(rereads).hasValue(1);
    assertThat(onEventLoop).isFalse();
  }

  @Test
  void verifyWhenManyTokensNameUnknownKidsThenOneStoreReadPerInterval() {
    AtomicInteger rereads = new AtomicInteger();
    restartVerifierRereading(rereads::incrementAndGet);
    clock.advance(LocalIssuerKeys.REREAD_INTERVAL);

    for (int i = 0; i < 20; i++) {
      assertThat(reason(verify(TestKeys.RSA_NEXT, JWSAlgorithm.RS256, localClaims().build())))
          .isEqualTo(Reason.NO_MATCHING_KEY);
    }
    assertThat(rereads).hasValue(1);

    clock.advance(LocalIssuerKeys.REREAD_INTERVAL);
    verify(TestKeys.RSA_NEXT, JWSAlgorithm.RS256, localClaims().build());
    assertThat(rereads).hasValue(2);
  }

  /**
   * A new verifier whose local keys are {@link #keys}, re-read from "the store" by {@code reread}.
   */
  private void restartVerifierRereading(Runnable reread) {
    LocalKeys fromStore =
        new LocalKeys() {
          @Override
          public JWKSet publicKeys() {
            return keys.get();
          }

          @Override
          public void reread() {
            reread.run();
          }
        };
    verifier.close();
    verifier = new JwtVerifier(vertx, snapshots, fromStore, clock, VerifierSettings.DEFAULTS);
  }
}
