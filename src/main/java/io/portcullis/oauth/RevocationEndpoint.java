package io.portcullis.oauth;

import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/revoke} (RFC 7009; the Axway path {@code /api/oauth/revoke}). The client must
 * authenticate, and only the client a token was issued to may revoke it: another client's token is
 * left untouched and, as RFC 7009 §2.2 asks, the answer is 200 all the same, as it is for an
 * unknown token, so that the endpoint tells nobody which tokens exist.
 *
 * <p>Revoking a refresh token revokes every token of its family (the access tokens issued with it
 * and from it, RFC 7009 §2.1). A JWT the gateway signed is revoked by its {@code jti} in the {@link
 * RevokedJwtStore}, durably and on every node. {@code token_type_hint} is not needed and ignored.
 */
final class RevocationEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationEndpoint.class);

  private final Vertx vertx;
  private final Supplier<Snapshot> snapshots;
  private final ClientAuthenticator clients;
  private final TokenLookup lookup;
  private final TokenStore store;
  private final RevokedJwtStore revokedJwts;

  RevocationEndpoint(
      Vertx vertx,
      Supplier<Snapshot> snapshots,
      ClientAuthenticator clients,
      TokenLookup lookup,
      TokenStore store,
      RevokedJwtStore revokedJwts) {
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.clients = clients;
    this.lookup = lookup;
    this.store = store;
    this.revokedJwts = revokedJwts;
  }

  void revoke(RoutingContext ctx) {
    ClientForm.accept(
            ctx,
            vertx,
            snapshots.get(),
            clients,
            "revocation",
            (token, local, client) ->
                lookup
                    .find(token)
                    .compose(found -> revoke(found, client, local))
                    .compose(v -> OAuthResponses.json(ctx, 200, new JsonObject())))
        .onFailure(
            e -> {
              OAuthResponses.logFailure(LOG, e).log("revocation failed");
              OAuthResponses.oauthError(
                  ctx,
                  OAuthFailure.unavailable(
                      "the token store is not available right now; try again"));
            });
  }

  private Future<Void> revoke(
      TokenLookup.Found found, Application client, AuthorizationServer server) {
    Instant now = lookup.clock().instant();
    if (found instanceof TokenLookup.Opaque opaque) {
      TokenRecord r = opaque.record();
      if (!client.clientId().equals(r.clientId())) {
        notTheirs(client, "opaque");
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(
          () -> {
            int revoked =
                r.kind() == TokenRecord.Kind.REFRESH
                    ? store.revokeFamilyFully(r.familyId(), now)
                    : (store.revoke(r.tokenHash(), now) ? 1 : 0);
            LOG.atInfo()
                .addKeyValue("client_id", client.clientId())
                .addKeyValue("kind", r.kind())
                .addKeyValue("family", r.familyId())
                .addKeyValue("revoked", revoked)
                .log("token revoked");
            return null;
          },
          false);
    }
    if (found instanceof TokenLookup.Jwt jwt) {
      Object owner = jwt.verified().claims().getClaim("client_id");
      String jti = jwt.verified().jti();
      if (!client.clientId().equals(owner) || jti == null) {
        notTheirs(client, "jwt");
        return Future.succeededFuture();
      }
      Instant until = jwt.verified().expiresAt().plusSeconds(server.clockSkew());
      return vertx.executeBlocking(
          () -> {
            revokedJwts.revoke(jti, until);
            LOG.atInfo()
                .addKeyValue("client_id", client.clientId())
                .addKeyValue("jti", jti)
                .log("JWT revoked");
            return null;
          },
          false);
    }
    return Future.succeededFuture();
  }

  private static void notTheirs(Application client, String kind) {
    LOG.atInfo()
        .addKeyValue("client_id", client.clientId())
        .addKeyValue("kind", kind)
        .log("revocation of another client's token ignored");
  }
}
