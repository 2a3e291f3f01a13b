package io.portcullis.oauth;

import io.portcullis.credential.Authenticator;
import io.portcullis.http.HttpError;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.dpop.DpopProofs;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.OpaqueTokenIssuer;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.verify.ApplicationKeys;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * The authorization server's endpoints on the gateway port: retrieving a JWT, the JWKS, the RFC
 * 8414 metadata, the OAuth token, introspection and revocation endpoints (when built with {@link
 * TokenServices}), and the compatibility paths of webMethods and Axway API Gateway. The gateway
 * hands every request under {@link #PATH_PREFIXES} to {@link #handler()}.
 */
public final class AuthorizationServerEndpoints {
  /** The base paths these endpoints own on the gateway port. */
  public static final List<String> PATH_PREFIXES =
      List.of(
          "/oauth2",
          "/.well-known/oauth-authorization-server",
          "/rest/pub/apigateway/jwt",
          "/api/oauth");

  static final String JWT = "/oauth2/jwt";
  static final String JWKS = "/oauth2/jwks";
  static final String METADATA = "/.well-known/oauth-authorization-server";
  static final String WM_JWT = "/rest/pub/apigateway/jwt/getJsonWebToken";
  static final String WM_CERTS = "/rest/pub/apigateway/jwt/certs";
  static final String TOKEN = "/oauth2/token";
  static final String INTROSPECT = "/oauth2/introspect";
  static final String REVOKE = "/oauth2/revoke";
  static final String AXWAY_TOKEN = "/api/oauth/token";
  static final String AXWAY_TOKENINFO = "/api/oauth/tokeninfo";
  static final String AXWAY_REVOKE = "/api/oauth/revoke";

  private final Router router;
  private final URI publicUrl;
  private final Supplier<Snapshot> snapshots;
  private final SigningKeys keys;
  private final boolean oauth;
  private final boolean clientCertificates;

  /**
   * The JWT, JWKS and metadata endpoints only, without the OAuth token endpoints.
   *
   * @param publicUrl the gateway's public base URL, for the URLs in the metadata
   */
  public AuthorizationServerEndpoints(
      Vertx vertx,
      URI publicUrl,
      Supplier<Snapshot> snapshots,
      Authenticator authenticator,
      SigningKeys keys,
      JwtIssuer issuer) {
    this(vertx, publicUrl, snapshots, authenticator, keys, issuer, null);
  }

  /**
   * Every endpoint.
   *
   * @param publicUrl the gateway's public base URL, for the URLs in the metadata and the {@code
   *     aud} of client assertions (its {@code /oauth2/token})
   * @param tokens the token store and friends; null for no token, introspection and revocation
   *     endpoints
   */
  public AuthorizationServerEndpoints(
      Vertx vertx,
      URI publicUrl,
      Supplier<Snapshot> snapshots,
      Authenticator authenticator,
      SigningKeys keys,
      JwtIssuer issuer,
      TokenServices tokens) {
    this.publicUrl = publicUrl;
    this.oauth = tokens != null;
    this.clientCertificates = tokens != null && tokens.clientCa() != null;
    this.snapshots = snapshots;
    this.keys = keys;
    DpopCheck dpop =
        tokens == null
            ? null
            : new DpopCheck(tokens.dpopReplay(), tokens.dpopNonces(), tokens.clock());
    JwtEndpoint jwt = new JwtEndpoint(vertx, snapshots, authenticator, issuer, dpop);
    router = Router.router(vertx);
    // Not Vert.x's BodyHandler: it decodes a form body into attributes on the event loop,
    // whatever the endpoint expects. The JWT endpoint reads JSON from the raw bytes.
    Handler<RoutingContext> body = FormRequest.reader(JwtEndpoint.MAX_BODY);
    for (String path : List.of(JWT, WM_JWT, TOKEN, AXWAY_TOKEN)) {
      router.route(path).handler(this::requireHttps);
    }
    for (String path : List.of(JWT, WM_JWT)) {
      String url = url(path);
      router.get(path).handler(ctx -> jwt.handle(ctx, url));
      router.post(path).handler(body).handler(ctx -> jwt.handle(ctx, url));
    }
    for (String path : List.of(JWKS, WM_CERTS)) {
      router.get(path).handler(this::jwks);
    }
    router.get(METADATA).handler(this::metadata);
    if (tokens != null) routeTokenEndpoints(vertx, snapshots, authenticator, tokens, dpop);
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

  private void routeTokenEndpoints(
      Vertx vertx,
      Supplier<Snapshot> snapshots,
      Authenticator authenticator,
      TokenServices t,
      DpopCheck dpop) {
    JwtAssertions assertions = new JwtAssertions(t.applicationKeys(), t.replayCache(), t.clock());
    ClientAuthenticator clients =
        new ClientAuthenticator(
            authenticator, assertions, URI.create(url(TOKEN)), t.applicationKeys(), t.clientCa());
    OpaqueTokenIssuer issuer =
        new OpaqueTokenIssuer(t.store(), new OpaqueTokenGenerator(t.random()), t.clock());
    TokenEndpoint token =
        new TokenEndpoint(
            vertx, snapshots, clients, assertions, issuer, t.store(), dpop, t.clock());
    TokenLookup lookup =
        new TokenLookup(vertx, t.store(), t.verifier(), t.revokedJwts(), t.clock());
    IntrospectionEndpoint introspection =
        new IntrospectionEndpoint(vertx, snapshots, clients, lookup);
    RevocationEndpoint revocation =
        new RevocationEndpoint(vertx, snapshots, clients, lookup, t.store(), t.revokedJwts());
    Handler<RoutingContext> form = FormRequest.reader(FormRequest.MAX_BODY);
    for (String path : List.of(TOKEN, AXWAY_TOKEN)) {
      String url = url(path);
      router.post(path).handler(form).handler(ctx -> token.handle(ctx, url));
      router.route(path).handler(ctx -> methodNotAllowed(ctx, "POST"));
    }
    router.post(INTROSPECT).handler(form).handler(introspection::introspect);
    router.route(INTROSPECT).handler(ctx -> methodNotAllowed(ctx, "POST"));
    router.get(AXWAY_TOKENINFO).handler(introspection::tokenInfo);
    router.post(AXWAY_TOKENINFO).handler(form).handler(introspection::tokenInfo);
    router.route(AXWAY_TOKENINFO).handler(ctx -> methodNotAllowed(ctx, "GET, POST"));
    for (String path : List.of(REVOKE, AXWAY_REVOKE)) {
      router.post(path).handler(form).handler(revocation::revoke);
      router.route(path).handler(ctx -> methodNotAllowed(ctx, "POST"));
    }
  }

  /**
   * With {@code authorizationServers.local.httpsOnly}, a token-issuing endpoint refuses a request
   * that did not arrive over TLS on this listener, before reading its body: a token or client
   * secret sent in clear is exposed whatever the answer.
   */
  private void requireHttps(RoutingContext ctx) {
    boolean httpsOnly =
        snapshots
            .get()
            .authorizationServer(AuthorizationServer.LOCAL)
            .map(AuthorizationServer::httpsOnly)
            .orElse(false);
    if (httpsOnly && !ctx.request().isSSL()) {
      OAuthResponses.oauthError(
          ctx,
          OAuthFailure.invalidRequest(
              "HTTPS is required for "
                  + ctx.request().path()
                  + " (authorizationServers.local.httpsOnly); send the request to the gateway's"
                  + " https URL"));
      return;
    }
    ctx.next();
  }

  private static void methodNotAllowed(RoutingContext ctx, String allow) {
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().putHeader(HttpHeaders.ALLOW, allow).setStatusCode(204).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW, allow);
    OAuthResponses.error(
        ctx,
        HttpError.of(
            405,
            "method "
                + ctx.request().method()
                + " is not allowed on "
                + ctx.request().path()
                + "; use "
                + allow));
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
    if (oauth) {
      // The RFC 8705 methods only where the gateway asks clients for certificates.
      JsonArray methods =
          new JsonArray(
              ClientAuthenticator.METHODS.stream()
                  .map(m -> m.getValue())
                  .filter(m -> clientCertificates || !m.contains("tls_client_auth"))
                  .toList());
      JsonArray algorithms =
          new JsonArray(
              ApplicationKeys.ALGORITHMS.stream().map(a -> a.getName()).sorted().toList());
      body.put("token_endpoint", url(TOKEN))
          .put("grant_types_supported", new JsonArray(TokenEndpoint.GRANTS))
          .put("token_endpoint_auth_methods_supported", methods)
          .put("token_endpoint_auth_signing_alg_values_supported", algorithms)
          .put("introspection_endpoint", url(INTROSPECT))
          .put("introspection_endpoint_auth_methods_supported", methods.copy())
          .put("introspection_endpoint_auth_signing_alg_values_supported", algorithms.copy())
          .put("revocation_endpoint", url(REVOKE))
          .put("revocation_endpoint_auth_methods_supported", methods.copy())
          .put("revocation_endpoint_auth_signing_alg_values_supported", algorithms.copy())
          .put("tls_client_certificate_bound_access_tokens", clientCertificates)
          .put(
              "dpop_signing_alg_values_supported",
              new JsonArray(
                  DpopProofs.ALGORITHMS.stream().map(a -> a.getName()).sorted().toList()));
    }
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
