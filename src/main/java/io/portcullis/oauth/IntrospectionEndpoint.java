package io.portcullis.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.issue.OpaqueTokenIssuer;
import io.portcullis.token.store.TokenRecord;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/introspect} (RFC 7662) for authenticated clients, and the Axway token-info
 * view {@code GET|POST /api/oauth/tokeninfo}.
 *
 * <p>Introspection answers for opaque tokens of the store and for JWTs the gateway signed itself.
 * An inactive token (unknown, expired, revoked, a refresh token already exchanged, one whose
 * application is gone or disabled) is answered {@code {"active":false}} and nothing else. An active
 * token is described with {@code scope}, {@code client_id}, {@code token_type} ({@code Bearer} or
 * the configured access token type; {@code refresh_token} for a refresh token, whatever {@code
 * token_type_hint} said), {@code exp}, {@code iat}, {@code sub}, {@code iss}, {@code aud} and
 * {@code jti} where known, {@code cnf} for a bound token (RFC 8705 {@code x5t#S256}), and the
 * application's additional token parameters (which never replace a standard member). Any
 * authenticated client may introspect any token: resource servers are clients too.
 */
final class IntrospectionEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(IntrospectionEndpoint.class);
  static final String REFRESH_TOKEN_TYPE = "refresh_token";

  private final Vertx vertx;
  private final Supplier<Snapshot> snapshots;
  private final ClientAuthenticator clients;
  private final TokenLookup lookup;

  IntrospectionEndpoint(
      Vertx vertx, Supplier<Snapshot> snapshots, ClientAuthenticator clients, TokenLookup lookup) {
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.clients = clients;
    this.lookup = lookup;
  }

  void introspect(RoutingContext ctx) {
    ClientForm.accept(
            ctx,
            vertx,
            snapshots.get(),
            clients,
            "introspection",
            (token, local, client) ->
                lookup
                    .find(token)
                    .compose(
                        found ->
                            OAuthResponses.json(ctx, 200, describe(found, snapshots.get(), local))))
        .onFailure(e -> failed(ctx, e));
  }

  void tokenInfo(RoutingContext ctx) {
    FormRequest.Parsed parsed = FormRequest.parse(ctx, true);
    if (parsed instanceof FormRequest.Refused refused) {
      OAuthResponses.oauthError(ctx, refused.failure());
      return;
    }
    String token = ((FormRequest.Form) parsed).form().get("access_token");
    if (token == null) {
      OAuthResponses.oauthError(ctx, OAuthFailure.invalidRequest("access_token is required"));
      return;
    }
    Snapshot snapshot = snapshots.get();
    Optional<AuthorizationServer> local = snapshot.authorizationServer(AuthorizationServer.LOCAL);
    if (local.isEmpty()) {
      OAuthResponses.oauthError(
          ctx, OAuthFailure.unavailable("the internal authorization server is not configured"));
      return;
    }
    lookup
        .find(token)
        .compose(
            found -> {
              JsonObject active = describe(found, snapshots.get(), local.get());
              if (!active.getBoolean("active")
                  || REFRESH_TOKEN_TYPE.equals(active.getString("token_type"))) {
                return OAuthResponses.oauthError(
                    ctx,
                    new OAuthFailure(
                        400, "invalid_token", "the access token is unknown, expired or revoked"));
              }
              Object aud = active.getValue("aud");
              JsonObject info =
                  new JsonObject()
                      .put(
                          "audience",
                          active.getString("client_id") != null
                              ? active.getString("client_id")
                              : aud)
                      .put("user_id", active.getString("sub"))
                      .put("scope", active.getString("scope", ""))
                      .put(
                          "expires_in",
                          Math.max(
                              0,
                              active.getLong("exp") - lookup.clock().instant().getEpochSecond()));
              return OAuthResponses.json(ctx, 200, info);
            })
        .onFailure(e -> failed(ctx, e));
  }

  private void failed(RoutingContext ctx, Throwable e) {
    OAuthResponses.logFailure(LOG, e).log("token lookup failed");
    OAuthResponses.oauthError(
        ctx, OAuthFailure.unavailable("the token store is not available right now; try again"));
  }

  private JsonObject describe(
      TokenLookup.Found found, Snapshot snapshot, AuthorizationServer server) {
    Instant now = lookup.clock().instant();
    if (found instanceof TokenLookup.Opaque opaque) {
      TokenRecord r = opaque.record();
      Optional<Application> app =
          snapshot.application(r.applicationName()).filter(Application::enabled);
      if (!r.isActive(now) || app.isEmpty()) return inactive();
      JsonObject body = new JsonObject().put("active", true);
      if (!r.scopes().isEmpty()) body.put("scope", String.join(" ", r.scopes()));
      if (r.clientId() != null) body.put("client_id", r.clientId());
      body.put(
          "token_type",
          r.kind() == TokenRecord.Kind.REFRESH
              ? REFRESH_TOKEN_TYPE
              : r.jkt() != null ? OpaqueTokenIssuer.DPOP : server.accessToken().type());
      body.put("exp", r.expiresAt().getEpochSecond());
      body.put("iat", r.issuedAt().getEpochSecond());
      if (r.subject() != null) body.put("sub", r.subject());
      if (server.issuer() != null) body.put("iss", server.issuer());
      // RFC 8705 §3.2 and RFC 9449 §6.2: what the token is bound to (certificate, DPoP key).
      if (!r.confirmation().isEmpty() || r.jkt() != null) {
        JsonObject cnf = new JsonObject(new LinkedHashMap<>(r.confirmation()));
        if (r.jkt() != null) cnf.put("jkt", r.jkt());
        body.put("cnf", cnf);
      }
      for (Map.Entry<String, String> p : r.parameters().entrySet()) {
        if (!body.containsKey(p.getKey())) body.put(p.getKey(), p.getValue());
      }
      return body;
    }
    if (found instanceof TokenLookup.Jwt jwt && !jwt.revoked()) {
      JWTClaimsSet claims = jwt.verified().claims();
      JsonObject body = new JsonObject().put("active", true);
      if (!jwt.verified().scopes().isEmpty()) {
        body.put("scope", String.join(" ", jwt.verified().scopes()));
      }
      Object clientId = claims.getClaim("client_id");
      if (clientId instanceof String s) body.put("client_id", s);
      Object cnf = claims.getClaim("cnf");
      boolean bound = cnf instanceof Map<?, ?> confirmation && confirmation.get("jkt") != null;
      body.put("token_type", bound ? OpaqueTokenIssuer.DPOP : "Bearer");
      if (cnf instanceof Map<?, ?> confirmation) {
        JsonObject copy = new JsonObject();
        confirmation.forEach((k, v) -> copy.put(String.valueOf(k), v));
        body.put("cnf", copy);
      }
      body.put("exp", jwt.verified().expiresAt().getEpochSecond());
      if (claims.getIssueTime() != null) {
        body.put("iat", claims.getIssueTime().toInstant().getEpochSecond());
      }
      if (claims.getSubject() != null) body.put("sub", claims.getSubject());
      body.put("iss", claims.getIssuer());
      if (!claims.getAudience().isEmpty()) {
        body.put(
            "aud",
            claims.getAudience().size() == 1
                ? claims.getAudience().get(0)
                : new JsonArray(claims.getAudience()));
      }
      if (claims.getJWTID() != null) body.put("jti", claims.getJWTID());
      return body;
    }
    return inactive();
  }

  private static JsonObject inactive() {
    return new JsonObject().put("active", false);
  }
}
