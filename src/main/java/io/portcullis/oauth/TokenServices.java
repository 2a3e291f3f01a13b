package io.portcullis.oauth;

import io.portcullis.token.dpop.DpopNonces;
import io.portcullis.token.dpop.DpopReplay;
import io.portcullis.token.store.InMemoryJtiReplayCache;
import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenStore;
import io.portcullis.token.verify.ApplicationKeys;
import io.portcullis.token.verify.TokenVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/**
 * What the token, introspection and revocation endpoints need beyond the JWT endpoint's
 * collaborators.
 *
 * @param store where opaque tokens of the {@code local} server live
 * @param replayCache the used {@code jti}s of JWT assertions (shared by nodes sharing the store)
 * @param revokedJwts revoked gateway JWTs, by {@code jti}
 * @param verifier verifies the gateway's own JWTs at introspection and revocation
 * @param applicationKeys the applications' registered public keys, for their assertions
 * @param clock every time check and expiry
 * @param random the source of opaque tokens
 * @param clientCa the PEM file of {@code gateway.tls.clientCa}, whose CAs {@code tls_client_auth}
 *     certificates must chain to; null when the gateway has none
 * @param dpopReplay the used {@code jti}s of DPoP proofs (shared by nodes sharing the store)
 * @param dpopNonces the server's DPoP nonces (their key shared by nodes sharing the store)
 */
public record TokenServices(
    TokenStore store,
    JtiReplayCache replayCache,
    RevokedJwtStore revokedJwts,
    TokenVerifier verifier,
    ApplicationKeys applicationKeys,
    Clock clock,
    SecureRandom random,
    String clientCa,
    DpopReplay dpopReplay,
    DpopNonces dpopNonces) {

  /** Services without client CAs: {@code tls_client_auth} then refuses every certificate. */
  public TokenServices(
      TokenStore store,
      JtiReplayCache replayCache,
      RevokedJwtStore revokedJwts,
      TokenVerifier verifier,
      ApplicationKeys applicationKeys,
      Clock clock,
      SecureRandom random,
      DpopReplay dpopReplay,
      DpopNonces dpopNonces) {
    this(
        store,
        replayCache,
        revokedJwts,
        verifier,
        applicationKeys,
        clock,
        random,
        null,
        dpopReplay,
        dpopNonces);
  }

  /**
   * Services of one node on its own: DPoP proofs remembered in this process only, nonces made with
   * a random key of this process.
   */
  public TokenServices(
      TokenStore store,
      JtiReplayCache replayCache,
      RevokedJwtStore revokedJwts,
      TokenVerifier verifier,
      ApplicationKeys applicationKeys,
      Clock clock,
      SecureRandom random,
      String clientCa) {
    this(
        store,
        replayCache,
        revokedJwts,
        verifier,
        applicationKeys,
        clock,
        random,
        clientCa,
        new DpopReplay(new InMemoryJtiReplayCache(clock), clock),
        new DpopNonces(randomKey(random)));
  }

  public TokenServices {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(replayCache, "replayCache");
    Objects.requireNonNull(revokedJwts, "revokedJwts");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(applicationKeys, "applicationKeys");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(dpopReplay, "dpopReplay");
    Objects.requireNonNull(dpopNonces, "dpopNonces");
  }

  /**
   * Services of one node on its own: DPoP proofs remembered in this process only, nonces made with
   * a random key of this process.
   */
  public TokenServices(
      TokenStore store,
      JtiReplayCache replayCache,
      RevokedJwtStore revokedJwts,
      TokenVerifier verifier,
      ApplicationKeys applicationKeys,
      Clock clock,
      SecureRandom random) {
    this(store, replayCache, revokedJwts, verifier, applicationKeys, clock, random, (String) null);
  }

  private static byte[] randomKey(SecureRandom random) {
    byte[] key = new byte[DpopNonces.MIN_KEY_BYTES];
    random.nextBytes(key);
    return key;
  }
}
