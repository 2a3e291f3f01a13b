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

  /** A builder with no component set yet. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link TokenServices} component by component; each setter names the component it sets
   * (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private TokenStore store;
    private JtiReplayCache replayCache;
    private RevokedJwtStore revokedJwts;
    private TokenVerifier verifier;
    private ApplicationKeys applicationKeys;
    private Clock clock;
    private SecureRandom random;
    private String clientCa;
    private DpopReplay dpopReplay;
    private DpopNonces dpopNonces;

    private Builder() {}

    public Builder store(TokenStore store) {
      this.store = store;
      return this;
    }

    public Builder replayCache(JtiReplayCache replayCache) {
      this.replayCache = replayCache;
      return this;
    }

    public Builder revokedJwts(RevokedJwtStore revokedJwts) {
      this.revokedJwts = revokedJwts;
      return this;
    }

    public Builder verifier(TokenVerifier verifier) {
      this.verifier = verifier;
      return this;
    }

    public Builder applicationKeys(ApplicationKeys applicationKeys) {
      this.applicationKeys = applicationKeys;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder random(SecureRandom random) {
      this.random = random;
      return this;
    }

    public Builder clientCa(String clientCa) {
      this.clientCa = clientCa;
      return this;
    }

    public Builder dpopReplay(DpopReplay dpopReplay) {
      this.dpopReplay = dpopReplay;
      return this;
    }

    public Builder dpopNonces(DpopNonces dpopNonces) {
      this.dpopNonces = dpopNonces;
      return this;
    }

    /**
     * The services. Without {@code clientCa}, {@code tls_client_auth} refuses every certificate.
     * Without {@code dpopReplay} and {@code dpopNonces}, those of one node on its own: DPoP proofs
     * remembered in this process only, nonces made with a random key of this process.
     *
     * @throws NullPointerException when any other component is missing
     */
    public TokenServices build() {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(random, "random");
      return new TokenServices(
          store,
          replayCache,
          revokedJwts,
          verifier,
          applicationKeys,
          clock,
          random,
          clientCa,
          dpopReplay == null
              ? new DpopReplay(new InMemoryJtiReplayCache(clock), clock)
              : dpopReplay,
          dpopNonces == null ? new DpopNonces(randomKey(random)) : dpopNonces);
    }
  }

  private static byte[] randomKey(SecureRandom random) {
    byte[] key = new byte[DpopNonces.MIN_KEY_BYTES];
    random.nextBytes(key);
    return key;
  }
}
