package io.portcullis.gateway.identify;

import io.portcullis.gateway.RequestContext;
import io.portcullis.registry.IdentificationMethod;
import io.vertx.core.Future;

/**
 * Identifies the caller of a request by one {@link IdentificationMethod}. Implementations are named
 * after their method ({@code JwtIdentifier}, {@code OpaqueTokenIdentifier}) and registered in
 * {@link Identifiers}.
 */
public interface Identifier {

  /** The method this identifier implements; at most one identifier per method is registered. */
  IdentificationMethod method();

  /**
   * Identifies the caller from the request's credentials ({@link RequestContext#credentials()}) and
   * the context's snapshot. Called on the event loop: it must not block; slow work (JWKS fetches,
   * token store lookups) runs elsewhere and completes the future later.
   *
   * @return a future of {@link Identification.NotApplicable} when the request carries no
   *     credentials of this method, {@link Identification.Identified} when they are valid, {@link
   *     Identification.Rejected} when they are not; a failed future only for an unexpected error,
   *     which the gateway answers with 500
   */
  Future<Identification> identify(RequestContext ctx);
}
