package io.portcullis.admin;

import io.portcullis.control.NotFoundException;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.verify.KeySetCache;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Key management of the authorization servers: {@code POST
 * /authorization-servers/local/keys/rotate} makes a new signing key active (the previous one stays
 * published until its tokens have expired); {@code GET /authorization-servers/local/keys} shows the
 * published keys; {@code POST /authorization-servers/{alias}/jwks/flush} drops the cached key set
 * of an issuer so that the next token fetches it again.
 */
public final class KeyRoutes implements AdminServer.Extension {
  private final Vertx vertx;
  private final Supplier<Snapshot> snapshots;
  private final SigningKeys signingKeys;
  private final KeySetCache keySets;

  public KeyRoutes(
      Vertx vertx, Supplier<Snapshot> snapshots, SigningKeys signingKeys, KeySetCache keySets) {
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.signingKeys = signingKeys;
    this.keySets = keySets;
  }

  @Override
  public void mount(Router router) {
    router
        .post("/authorization-servers/:alias/keys/rotate")
        .handler(ctx -> blocking(ctx, () -> rotate(ctx.pathParam("alias"))));
    router
        .get("/authorization-servers/:alias/keys")
        .handler(ctx -> blocking(ctx, () -> keys(ctx.pathParam("alias"))));
    router
        .post("/authorization-servers/:alias/jwks/flush")
        .handler(ctx -> blocking(ctx, () -> flush(ctx.pathParam("alias"))));
  }

  private JsonObject rotate(String alias) {
    AuthorizationServer local = local(alias);
    String kid =
        signingKeys.rotate(
            local.jwt().algorithm(),
            Duration.ofSeconds(local.jwt().expiresIn() + local.clockSkew()));
    return new JsonObject()
        .put("activeKid", kid)
        .put("jwks", new JsonObject(signingKeys.publicKeys().toString(true)));
  }

  private JsonObject keys(String alias) {
    local(alias);
    return new JsonObject()
        .put("activeKid", signingKeys.active().kid())
        .put("jwks", new JsonObject(signingKeys.publicKeys().toString(true)));
  }

  private JsonObject flush(String alias) {
    snapshots
        .get()
        .authorizationServer(alias)
        .orElseThrow(() -> new NotFoundException("authorization server", alias));
    return new JsonObject().put("alias", alias).put("flushed", keySets.flush(alias));
  }

  private AuthorizationServer local(String alias) {
    AuthorizationServer server =
        snapshots
            .get()
            .authorizationServer(alias)
            .orElseThrow(() -> new NotFoundException("authorization server", alias));
    if (server.type() != AuthorizationServer.Type.INTERNAL) {
      throw new NotFoundException(
          "signing keys of authorization server",
          alias + " (only the internal server 'local' signs)");
    }
    return server;
  }

  private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
    vertx
        .executeBlocking(work, false)
        .onSuccess(
            body ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(body.encodePrettily()))
        .onFailure(ctx::fail);
  }
}
