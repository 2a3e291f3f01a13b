package io.portcullis.gateway.identify;

import io.portcullis.gateway.RequestContext;
import io.vertx.core.Future;

/**
 * Checks that an identified caller holds what its token is bound to (RFC 9449 DPoP, RFC 8705
 * certificates), and applies the API's {@code identifyAndAuthorize.senderConstraint}. Runs after
 * the identifier accepted the token, on the event loop: it must not block.
 */
public interface SenderBinding {
  /** Checks nothing: every token is taken as a bearer token. */
  SenderBinding NONE = (ctx, identified) -> Future.succeededFuture(identified);

  /**
   * @param identified the caller, as its token identified it (never anonymous)
   * @return a future of {@code identified} when the request satisfies the token's binding and the
   *     API's constraint, else of a {@link Identification.Rejected}; failed only for an unexpected
   *     error
   */
  Future<Identification> check(RequestContext ctx, Identification.Identified identified);
}
