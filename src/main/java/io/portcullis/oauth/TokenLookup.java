package io.portcullis.oauth;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import io.portcullis.token.verify.TokenVerifier;
import io.portcullis.token.verify.Verification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * Finds what a token presented to introspection, token info or revocation is: an opaque token of
 * the {@link TokenStore} (by its hash; looked up on a worker), a JWT that the gateway signed itself
 * (verified by the {@link TokenVerifier} against the local keys, without blocking), or nothing
 * known. The caller's {@code token_type_hint} is not needed: the two kinds are told apart by their
 * shape (a JWT has two dots; an opaque token has none).
 */
final class TokenLookup {
  private final Vertx vertx;
  private final TokenStore store;
  private final TokenVerifier verifier;
  private final RevokedJwtStore revokedJwts;
  private final Clock clock;

  TokenLookup(
      Vertx vertx,
      TokenStore store,
      TokenVerifier verifier,
      RevokedJwtStore revokedJwts,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.verifier = verifier;
    this.revokedJwts = revokedJwts;
    this.clock = clock;
  }

  /** What was found. */
  sealed interface Found {}

  /**
   * @param record the stored token, in whatever state (see {@link TokenRecord#isActive})
   */
  record Opaque(TokenRecord record) implements Found {}

  /**
   * @param verified a JWT of the local issuer that verified now
   * @param revoked whether its {@code jti} was revoked
   */
  record Jwt(Verification.Verified verified, boolean revoked) implements Found {}

  /** Not a token of this server, or no longer valid (a JWT that fails verification). */
  record Unknown() implements Found {}

  /** Looks the token up; the future fails only when the store fails. */
  Future<Found> find(String token) {
    if (token.chars().filter(c -> c == '.').count() == 2) {
      return verifier
          .verify(token)
          .map(
              verification -> {
                if (verification instanceof Verification.Verified v
                    && AuthorizationServer.LOCAL.equals(v.issuer().alias())) {
                  return new Jwt(v, revokedJwts.isRevoked(v.jti()));
                }
                return new Unknown();
              });
    }
    if (!OpaqueTokenGenerator.isWellFormed(token)) return Future.succeededFuture(new Unknown());
    String hash = TokenHasher.hash(token);
    return vertx.executeBlocking(
        () -> store.find(hash).<Found>map(Opaque::new).orElse(new Unknown()), false);
  }

  Clock clock() {
    return clock;
  }
}
