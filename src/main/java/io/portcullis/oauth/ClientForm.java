package io.portcullis.oauth;

import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What introspection and revocation share: a form POST that a client must authenticate (RFC 7662
 * §2.1, RFC 7009 §2.1). The form is read on the event loop; the client is authenticated on a worker
 * (slow hash, signature check). Every refusal is answered here (a missing {@code token} too); only
 * the token of an authenticated client reaches the handler.
 */
final class ClientForm {
  /**
   * Handles the {@code token} parameter of an authenticated client; the future completes when it
   * has answered.
   */
  @FunctionalInterface
  interface Handler {
    Future<Void> handle(String token, AuthorizationServer local, Application client);
  }

  private ClientForm() {}

  /**
   * @param what the endpoint, for the error that names the missing client authentication
   * @return a future that fails only when the handler or the client authentication failed
   *     unexpectedly (the caller answers those)
   */
  static Future<Void> accept(
      RoutingContext ctx,
      Vertx vertx,
      Snapshot snapshot,
      ClientAuthenticator clients,
      String what,
      Handler handler) {
    FormRequest.Parsed parsed = FormRequest.parse(ctx, false);
    if (parsed instanceof FormRequest.Refused refused) {
      return OAuthResponses.oauthError(ctx, refused.failure());
    }
    FormRequest form = ((FormRequest.Form) parsed).form();
    Optional<AuthorizationServer> local = snapshot.authorizationServer(AuthorizationServer.LOCAL);
    if (local.isEmpty()) {
      return OAuthResponses.oauthError(
          ctx, OAuthFailure.unavailable("the internal authorization server is not configured"));
    }
    return vertx
        .executeBlocking(() -> clients.authenticate(form, snapshot, local.get()), false)
        .compose(
            auth -> {
              if (auth instanceof ClientAuthenticator.Failed failed) {
                return OAuthResponses.oauthError(ctx, failed.failure());
              }
              if (!(auth instanceof ClientAuthenticator.Authenticated authenticated)) {
                return OAuthResponses.oauthError(
                    ctx,
                    OAuthFailure.invalidClient(
                        what
                            + " requires client authentication: client_secret_basic,"
                            + " client_secret_post or private_key_jwt"));
              }
              String token = form.get("token");
              if (token == null) {
                return OAuthResponses.oauthError(
                    ctx, OAuthFailure.invalidRequest("token is required"));
              }
              return handler.handle(token, local.get(), authenticated.application());
            });
  }
}
