package io.portcullis.oauth;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.token.dpop.DpopNonces;
import io.portcullis.token.dpop.DpopProofs;
import io.portcullis.token.dpop.DpopReplay;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The DPoP proof of a request to a token-issuing endpoint (RFC 9449 §5): none (a bearer token is
 * issued), a valid proof whose key the token is bound to, or a refusal ({@code 400
 * invalid_dpop_proof} or {@code use_dpop_nonce}). Blocking (the replay cache is shared through the
 * store): call it on a worker.
 */
final class DpopCheck {
  private final DpopReplay replay;
  private final DpopNonces nonces;
  private final Clock clock;

  DpopCheck(DpopReplay replay, DpopNonces nonces, Clock clock) {
    this.replay = Objects.requireNonNull(replay, "replay");
    this.nonces = Objects.requireNonNull(nonces, "nonces");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What the request's proof decided. */
  sealed interface Outcome {}

  /** The request carries no {@code DPoP} header. */
  record Unbound() implements Outcome {}

  /** The token is to be bound to the key of this RFC 7638 thumbprint. */
  record Bound(String jkt) implements Outcome {}

  /** The proof is refused. */
  record Refused(OAuthFailure failure) implements Outcome {}

  /** The proof's headers, read on the event loop; an empty list for none. */
  static List<String> headers(HttpServerRequest request) {
    return request.headers().getAll(DpopProofs.HEADER);
  }

  /**
   * Checks the proof for a request.
   *
   * @param headers every {@code DPoP} header of the request
   * @param method the request's method
   * @param uri the endpoint's public URL (the {@code htu} the client must have signed)
   * @param server the {@code local} server, whose {@code dpop} settings apply
   */
  Outcome check(List<String> headers, String method, String uri, AuthorizationServer server) {
    if (headers.isEmpty()) return new Unbound();
    AuthorizationServer.DpopSettings settings = server.dpop();
    DpopProofs.Request request =
        new DpopProofs.Request(method, uri, null, settings.nonce() ? nonces : null);
    DpopProofs.Result result = DpopProofs.check(headers, request, settings, clock.instant());
    if (result instanceof DpopProofs.Invalid invalid) {
      return new Refused(new OAuthFailure(400, invalid.error(), invalid.description()));
    }
    DpopProofs.Valid valid = (DpopProofs.Valid) result;
    if (!replay.firstUseBlocking(valid)) {
      return new Refused(
          new OAuthFailure(
              400,
              DpopProofs.INVALID_DPOP_PROOF,
              "the DPoP proof was used before (same jti); make a new proof for each request"));
    }
    return new Bound(valid.jkt());
  }

  /** The nonce to hand out with every answer when the server asks for nonces; null when not. */
  String nonce(AuthorizationServer server) {
    return server.dpop().nonce() ? nonces.current(clock.instant()) : null;
  }
}
