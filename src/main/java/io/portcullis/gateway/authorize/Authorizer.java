package io.portcullis.gateway.authorize;

import io.portcullis.gateway.RequestContext;

/** Decides whether an identified caller may call the API a request was routed to. */
public interface Authorizer {

  /**
   * Decides for a request whose API ({@link RequestContext#api()}) and identity ({@link
   * RequestContext#identity()}) are set. Runs on the event loop: it reads only the context and its
   * snapshot, never blocks and never throws.
   *
   * @return {@link Authorization#ALLOWED}, or a {@link Authorization.Denied} that says why
   */
  Authorization authorize(RequestContext ctx);
}
