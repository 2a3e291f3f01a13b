package io.portcullis.gateway.identify;

import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.http.Credentials;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.AuthorizationServer.DpopSettings;
import io.portcullis.registry.SenderConstraint;
import io.portcullis.token.dpop.DpopNonces;
import io.portcullis.token.dpop.DpopProofs;
import io.portcullis.token.dpop.DpopReplay;
import io.portcullis.token.store.TokenLookupException;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DPoP on the data plane (RFC 9449 §7): a token bound to a key ({@code cnf.jkt}, in a JWT or kept
 * with an opaque token) is accepted only as {@code Authorization: DPoP <token>} with a {@code DPoP}
 * proof of this request, signed by that key, carrying the token's hash ({@code ath}) and used once;
 * and an API whose {@code senderConstraint} is {@code required} refuses unbound tokens.
 *
 * <p>Checks, in order; each refusal is 401 with a {@code WWW-Authenticate: DPoP} challenge:
 *
 * <ol>
 *   <li>a bound token sent as {@code Bearer}: {@code invalid_token};
 *   <li>an unbound token where the API requires a bound one: {@code invalid_token};
 *   <li>a {@code DPoP} token that is not bound to a key: {@code invalid_token};
 *   <li>the proof ({@link DpopProofs}, with {@code htm} this request's method and {@code htu} the
 *       gateway's public URL with this request's path): {@code invalid_dpop_proof}, or {@code
 *       use_dpop_nonce} with a {@code DPoP-Nonce} when the {@code local} server asks for nonces;
 *   <li>the proof's key is the token's ({@code jkt}): {@code invalid_dpop_proof};
 *   <li>the proof was not used before, on any node ({@link DpopReplay}: memory, then the store on
 *       threads of its own; 503 when the store cannot answer).
 * </ol>
 *
 * A token bound to a client certificate ({@code cnf.x5t#S256}) counts as bound for the API's
 * constraint; its certificate is checked elsewhere.
 */
public final class DpopBinding implements SenderBinding {
  private static final Logger log = LoggerFactory.getLogger(DpopBinding.class);
  static final String CERTIFICATE_THUMBPRINT = "x5t#S256";

  private final String publicBase;
  private final DpopReplay replay;
  private final DpopNonces nonces;
  private final Clock clock;

  /**
   * @param publicUrl the gateway's public URL: the scheme, host and port clients address, whose
   *     path prefixes the request's in {@code htu}
   * @param replay the proofs used before, shared by the nodes
   * @param nonces the server's nonces (the same as the token endpoint's)
   */
  public DpopBinding(URI publicUrl, DpopReplay replay, DpopNonces nonces, Clock clock) {
    String base = Objects.requireNonNull(publicUrl, "publicUrl").toString();
    this.publicBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.replay = Objects.requireNonNull(replay, "replay");
    this.nonces = Objects.requireNonNull(nonces, "nonces");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Identification> check(RequestContext ctx, Identified identified) {
    Map<?, ?> cnf =
        identified.claims().get("cnf") instanceof Map<?, ?> confirmation ? confirmation : Map.of();
    String jkt = cnf.get("jkt") instanceof String thumbprint ? thumbprint : null;
    Credentials credentials = ctx.credentials();
    DpopSettings settings =
        ctx.snapshot()
            .authorizationServer(AuthorizationServer.LOCAL)
            .map(AuthorizationServer::dpop)
            .orElse(DpopSettings.DEFAULT);
    if (!(credentials instanceof Credentials.Dpop dpop)) {
      if (jkt != null) {
        return refuse(
            "invalid_token",
            "the access token is DPoP-bound: send it as 'Authorization: DPoP <token>' with a DPoP"
                + " proof",
            null);
      }
      boolean bound = cnf.get(CERTIFICATE_THUMBPRINT) != null;
      if (!bound
          && ctx.api().identifyAndAuthorize().senderConstraint() == SenderConstraint.REQUIRED) {
        return Future.succeededFuture(SenderConstraints.required(ctx));
      }
      return Future.succeededFuture(identified);
    }
    if (jkt == null) {
      return refuse(
          "invalid_token",
          "the access token is not DPoP-bound (it has no cnf.jkt); send it as 'Authorization:"
              + " Bearer <token>'",
          null);
    }
    DpopProofs.Request request =
        new DpopProofs.Request(
            ctx.request().method().name(),
            publicBase + ctx.request().path(),
            dpop.token(),
            settings.nonce() ? nonces : null);
    DpopProofs.Result result =
        DpopProofs.check(
            ctx.request().headers().getAll(DpopProofs.HEADER), request, settings, clock.instant());
    if (result instanceof DpopProofs.Invalid invalid) {
      return refuse(
          invalid.error(),
          invalid.description(),
          invalid.asksForNonce() ? nonces.current(clock.instant()) : null);
    }
    DpopProofs.Valid valid = (DpopProofs.Valid) result;
    if (!valid.jkt().equals(jkt)) {
      return refuse(
          DpopProofs.INVALID_DPOP_PROOF,
          "the DPoP proof is signed with another key than the one the access token is bound to"
              + " (cnf.jkt)",
          null);
    }
    return replay
        .firstUse(valid)
        .map(
            first ->
                first
                    ? (Identification) identified
                    : Rejected.dpop(
                        DpopProofs.INVALID_DPOP_PROOF,
                        "the DPoP proof was used before (same jti); make a new proof for each"
                            + " request",
                        null))
        .recover(
            failure -> {
              if (!(failure instanceof TokenLookupException)) return Future.failedFuture(failure);
              log.atWarn()
                  .addKeyValue("api", ctx.api().key())
                  .addKeyValue("error", failure.getMessage())
                  .log("DPoP replay check failed; answering 503");
              return Future.succeededFuture(
                  new Rejected(
                      503,
                      null,
                      "the DPoP replay cache is not available right now; try again later"));
            });
  }

  private static Future<Identification> refuse(String error, String description, String nonce) {
    return Future.succeededFuture(Rejected.dpop(error, description, nonce));
  }
}
