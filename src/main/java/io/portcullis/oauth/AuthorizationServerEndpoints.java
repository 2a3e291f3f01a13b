package io.portcullis.oauth;

import io.portcullis.credential.Authenticator;
import io.portcullis.http.HttpError;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.SigningKeys;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * The authorization server's endpoints on the gateway port: retrieving a JWT, the JWKS, the RFC
 * 8414 metadata, and the compatibility paths of webMethods API Gateway. The gateway hands every
 * request under {@link #PATH_PREFIXES} to {@link #handler()}.
 */
public final class AuthorizationServerEndpoints {
  /** The base paths these endpoints own on the gateway port. */
  public static final List<String> PATH_PREFIXES =
      List.of("/oauth2", "/.well-known/oauth-authorization-server", "/rest/pub/apigateway/jwt");

  static final String JWT = "/oauth2/jwt";
  static final String JWKS = "/oauth2/jwks";
  static final String METADATA = "/.well-known/oauth-authorization-server";
  static final String WM_JWT = "/rest/pub/apigateway/jwt/getJsonWebToken";
  static final String WM_CERTS = "/rest/pub/apigateway/jwt/certs";

  private final Router router;
  private final URI publicUrl;
  private final Supplier<Snapshot> snapshots;
  private final SigningKeys keys;

  /**
   * @param publicUrl the gateway's public base URL, for the URLs in the metadata
   */
  public AuthorizationServerEndpoints(
      Vertx vertx,
      URI publicUrl,
      Supplier<Snapshot> snapshots,
      Authenticator authenticator,
      SigningKeys keys,
      JwtIssuer issuer) {
    this.publicUrl = publicUrl;
    this.snapshots = snapshots;
    this.keys = keys;
    JwtEndpoint jwt = new JwtEndpoint(vertx, snapshots, authenticator, issuer);
    router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(JwtEndpoint.MAX_BODY);
    for (String path : List.of(JWT, WM_JWT)) {
      router.get(path).handler(jwt::handle);
      router.post(path).handler(body).handler(jwt::handle);
    }
    for (String path : List.of(JWKS, WM_CERTS)) {
      router.get(path).handler(this::jwks);
    }
    router.get(METADATA).handler(this::metadata);
    router.route().handler(this::notFound);
    router.errorHandler(
        405,
        ctx ->
            OAuthResponses.error(
                ctx,
                HttpError.of(
                    405,
                    "method "
                        + ctx.request().method()
                        + " is not allowed on "
                        + ctx.request().path())));
    router.errorHandler(
        413,
        ctx ->
            OAuthResponses.error(
                ctx,
                HttpError.of(413, "the request body is over " + JwtEndpoint.MAX_BODY + " bytes")));
  }

  /** Serves the requests under {@link #PATH_PREFIXES}; safe from any event loop; never blocks. */
  public Handler<HttpServerRequest> handler() {
    return router::handle;
  }

  private void jwks(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        // Short: verifiers should see a rotated key soon, and must refetch on an unknown kid
        // anyway.
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=60")
        .end(keys.publicKeys().toString(true));
  }

  private void metadata(RoutingContext ctx) {
    String issuer =
        snapshots
            .get()
            .authorizationServer("local")
            .map(s -> s.issuer())
            .orElse(publicUrl.toString());
    JsonObject body =
        new JsonObject()
            .put("issuer", issuer)
            .put("jwks_uri", url(JWKS))
            .put("response_types_supported", new JsonArray())
            .put(
                "scopes_supported",
                new JsonArray(
                    snapshots.get().scopes().stream().map(s -> s.name()).sorted().toList()))
            .put("portcullis_jwt_endpoint", url(JWT));
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=60")
        .end(body.encodePrettily());
  }

  private String url(String path) {
    String base = publicUrl.toString();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
  }

  private void notFound(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    OAuthResponses.error(
        ctx, HttpError.of(404, "no authorization-server endpoint at " + ctx.request().path()));
  }
}
