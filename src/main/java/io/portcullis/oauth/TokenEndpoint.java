package io.portcullis.oauth;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.Scope;
import io.portcullis.http.ClientCertificates;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.dpop.DpopProofs;
import io.portcullis.token.issue.OpaqueTokenIssuer;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token} (and the Axway path {@code /api/oauth/token}): the RFC 6749 token
 * endpoint with the grants {@code urn:ietf:params:oauth:grant-type:jwt-bearer} (RFC 7523 §2.1),
 * {@code client_credentials} and {@code refresh_token}; it issues opaque tokens.
 *
 * <p>The form is parsed on the event loop; client authentication (a slow hash or a signature and a
 * replay-cache write), the grant's checks and the token store run on a worker.
 *
 * <h2>Order of checks</h2>
 *
 * <ol>
 *   <li>Form: {@code application/x-www-form-urlencoded}, no parameter repeated, at most {@link
 *       FormRequest#MAX_PARAMETERS} parameters, valid percent-encoding ({@code invalid_request};
 *       {@link UrlEncodedForm}).
 *   <li>{@code grant_type} present ({@code invalid_request}) and one of the three ({@code
 *       unsupported_grant_type}; the password grant is not offered).
 *   <li>The DPoP proof, when the request carries one ({@link DpopCheck}: {@code 400
 *       invalid_dpop_proof} or {@code use_dpop_nonce}); the access token is then bound to its key
 *       ({@code token_type} {@code DPoP}).
 *   <li>Client authentication when the request carries client credentials ({@code invalid_client},
 *       401); required for {@code client_credentials} and {@code refresh_token}.
 *   <li>The grant: the assertion ({@link JwtAssertions}) or the refresh token ({@code
 *       invalid_grant}).
 *   <li>Scopes ({@code invalid_scope}).
 * </ol>
 */
final class TokenEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
  static final String JWT_BEARER = GrantType.JWT_BEARER.getValue();
  static final List<String> GRANTS =
      List.of(
          JWT_BEARER, GrantType.CLIENT_CREDENTIALS.getValue(), GrantType.REFRESH_TOKEN.getValue());

  private final Vertx vertx;
  private final Supplier<Snapshot> snapshots;
  private final ClientAuthenticator clients;
  private final JwtAssertions assertions;
  private final OpaqueTokenIssuer issuer;
  private final TokenStore store;
  private final DpopCheck dpop;
  private final Clock clock;

  TokenEndpoint(
      Vertx vertx,
      Supplier<Snapshot> snapshots,
      ClientAuthenticator clients,
      JwtAssertions assertions,
      OpaqueTokenIssuer issuer,
      TokenStore store,
      DpopCheck dpop,
      Clock clock) {
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.clients = clients;
    this.assertions = assertions;
    this.issuer = issuer;
    this.store = store;
    this.dpop = dpop;
    this.clock = clock;
  }

  /** What the worker decided: the tokens, or the error to answer. */
  private sealed interface Outcome {
    /** A fresh DPoP nonce to send along, or null. */
    String nonce();

    record Issued(OpaqueTokenIssuer.Issued tokens, String nonce) implements Outcome {}

    record Refused(OAuthFailure failure, String nonce) implements Outcome {
      Refused(OAuthFailure failure) {
        this(failure, null);
      }
    }
  }

  /** The request's DPoP headers and the URL they must name, read on the event loop. */
  private record Proof(List<String> headers, String url) {}

  /**
   * Answers one token request.
   *
   * @param url this endpoint's public URL: the {@code htu} of a DPoP proof
   */
  void handle(RoutingContext ctx, String url) {
    FormRequest.Parsed parsed = FormRequest.parse(ctx, false);
    if (parsed instanceof FormRequest.Refused refused) {
      OAuthResponses.oauthError(ctx, refused.failure());
      return;
    }
    FormRequest form = ((FormRequest.Form) parsed).form();
    String grantType = form.get("grant_type");
    if (grantType == null) {
      OAuthResponses.oauthError(
          ctx, OAuthFailure.invalidRequest("grant_type is required; offered: " + GRANTS));
      return;
    }
    if (!GRANTS.contains(grantType)) {
      OAuthResponses.oauthError(
          ctx,
          OAuthFailure.unsupportedGrantType(
              "grant_type "
                  + FormRequest.printable(grantType)
                  + " is not offered; offered: "
                  + GRANTS));
      return;
    }
    Proof proof = new Proof(DpopCheck.headers(ctx.request()), url);
    vertx
        .executeBlocking(() -> decide(form, grantType, proof), false)
        .onSuccess(
            outcome -> {
              if (outcome.nonce() != null) {
                ctx.response().putHeader(DpopProofs.NONCE_HEADER, outcome.nonce());
              }
              if (outcome instanceof Outcome.Issued issued) {
                OAuthResponses.json(ctx, 200, body(issued.tokens()));
              } else {
                OAuthResponses.oauthError(ctx, ((Outcome.Refused) outcome).failure());
              }
            })
        .onFailure(
            e -> {
              OAuthResponses.logFailure(LOG, e)
                  .addKeyValue("grant_type", grantType)
                  .log("token request failed");
              OAuthResponses.oauthError(
                  ctx, OAuthFailure.unavailable("the token could not be issued; try again"));
            });
  }

  private static JsonObject body(OpaqueTokenIssuer.Issued tokens) {
    JsonObject body =
        new JsonObject()
            .put("access_token", tokens.accessToken())
            .put("token_type", tokens.tokenType())
            .put("expires_in", tokens.expiresIn());
    if (!tokens.access().scopes().isEmpty()) {
      body.put("scope", String.join(" ", tokens.access().scopes()));
    }
    if (tokens.refreshToken() != null) body.put("refresh_token", tokens.refreshToken());
    return body;
  }

  private Outcome decide(FormRequest form, String grantType, Proof proof) {
    Snapshot snapshot = snapshots.get();
    Optional<AuthorizationServer> local = snapshot.authorizationServer(AuthorizationServer.LOCAL);
    if (local.isEmpty()) {
      return refused(
          OAuthFailure.unavailable("the internal authorization server is not configured"));
    }
    AuthorizationServer server = local.get();
    DpopCheck.Outcome checked = dpop.check(proof.headers(), "POST", proof.url(), server);
    String nonce = dpop.nonce(server);
    if (checked instanceof DpopCheck.Refused refused) {
      LOG.atInfo()
          .addKeyValue("grant_type", grantType)
          .addKeyValue("reason", refused.failure().description())
          .log("DPoP proof refused");
      return new Outcome.Refused(refused.failure(), nonce);
    }
    String jkt = checked instanceof DpopCheck.Bound bound ? bound.jkt() : null;
    Outcome outcome = decide(form, grantType, snapshot, server, jkt);
    return nonce == null
        ? outcome
        : outcome instanceof Outcome.Issued issued
            ? new Outcome.Issued(issued.tokens(), nonce)
            : new Outcome.Refused(((Outcome.Refused) outcome).failure(), nonce);
  }

  private Outcome decide(
      FormRequest form,
      String grantType,
      Snapshot snapshot,
      AuthorizationServer server,
      String jkt) {
    ClientAuthenticator.Outcome auth = clients.authenticate(form, snapshot, server);
    if (auth instanceof ClientAuthenticator.Failed failed) return refused(failed.failure());
    Application client =
        auth instanceof ClientAuthenticator.Authenticated a ? a.application() : null;
    if (JWT_BEARER.equals(grantType)) return jwtBearer(form, snapshot, server, client, jkt);
    if (client == null) {
      return refused(
          OAuthFailure.invalidClient(
              "grant_type "
                  + grantType
                  + " requires client authentication: client_secret_basic, client_secret_post,"
                  + " private_key_jwt, tls_client_auth or self_signed_tls_client_auth"));
    }
    if (GrantType.CLIENT_CREDENTIALS.getValue().equals(grantType)) {
      return clientCredentials(form, snapshot, server, client, jkt);
    }
    return refresh(form, server, client, jkt);
  }

  private Outcome jwtBearer(
      FormRequest form,
      Snapshot snapshot,
      AuthorizationServer server,
      Application client,
      String jkt) {
    String assertion = form.get("assertion");
    if (assertion == null) {
      return refused(OAuthFailure.invalidRequest("assertion is required for the jwt-bearer grant"));
    }
    // The configured audience (the token endpoint URL by default) or the issuer identifier.
    Set<String> audiences = JwtAssertions.audiences(server.assertionAudience(), server.issuer());
    if (audiences.isEmpty()) {
      return refused(
          OAuthFailure.unavailable(
              "assertionAudience of the local authorization server is not set"));
    }
    JwtAssertions.Result result =
        assertions.validate(
            assertion, JwtAssertions.Role.GRANT, snapshot, server, audiences, client);
    if (result instanceof JwtAssertions.Invalid invalid) {
      var log = LOG.atInfo().addKeyValue("grant_type", "jwt-bearer");
      if (client != null) log = log.addKeyValue("client_id", client.clientId());
      log.addKeyValue("reason", invalid.description()).log("token refused");
      return refused(OAuthFailure.invalidGrant(invalid.description()));
    }
    JwtAssertions.Valid valid = (JwtAssertions.Valid) result;
    Application app = valid.application();
    String clientId = form.get("client_id");
    if (client == null && clientId != null && !clientId.equals(app.clientId())) {
      return refused(
          OAuthFailure.invalidGrant(
              "client_id does not name the application that signed the assertion"));
    }
    Scopes scopes = grantedScopes(form, snapshot, server, app);
    if (scopes.failure() != null) return refused(scopes.failure());
    return issue(
        form,
        server,
        new OpaqueTokenIssuer.Grant(
            app.name(),
            app.clientId(),
            valid.claims().getSubject(),
            scopes.granted(),
            app.tokenParameters(),
            null,
            null),
        server.refreshToken().enabled(),
        "jwt-bearer",
        jkt);
  }

  private Outcome clientCredentials(
      FormRequest form,
      Snapshot snapshot,
      AuthorizationServer server,
      Application client,
      String jkt) {
    Scopes scopes = grantedScopes(form, snapshot, server, client);
    if (scopes.failure() != null) return refused(scopes.failure());
    // RFC 6749 §4.4.3: no refresh token; the client can always authenticate again.
    return issue(
        form,
        server,
        new OpaqueTokenIssuer.Grant(
            client.name(),
            client.clientId(),
            null,
            scopes.granted(),
            client.tokenParameters(),
            null,
            null),
        false,
        "client_credentials",
        jkt);
  }

  private Outcome refresh(
      FormRequest form, AuthorizationServer server, Application client, String jkt) {
    String token = form.get("refresh_token");
    if (token == null) {
      return refused(OAuthFailure.invalidRequest("refresh_token is required for this grant"));
    }
    if (!OpaqueTokenGenerator.isWellFormed(token)) {
      return refused(OAuthFailure.invalidGrant("refresh_token is not a token this server issued"));
    }
    String hash = TokenHasher.hash(token);
    Instant now = clock.instant();
    Optional<TokenRecord> found = store.find(hash);
    if (found.isEmpty() || found.get().kind() != TokenRecord.Kind.REFRESH) {
      return refused(OAuthFailure.invalidGrant("refresh_token is unknown"));
    }
    TokenRecord record = found.get();
    if (!client.clientId().equals(record.clientId())) {
      LOG.atWarn()
          .addKeyValue("client_id", client.clientId())
          .addKeyValue("family", record.familyId())
          .log("refresh token presented by another client");
      return refused(OAuthFailure.invalidGrant("refresh_token was not issued to this client"));
    }
    if (record.revokedAt() != null) {
      return refused(OAuthFailure.invalidGrant("refresh_token has been revoked"));
    }
    if (record.isExpired(now)) {
      return refused(OAuthFailure.invalidGrant("refresh_token expired at " + record.expiresAt()));
    }
    if (record.rotatedAt() != null) return reused(client, record, now);
    // Scopes before rotation: a request refused for its scope must not use the token up.
    List<String> scopes = record.scopes();
    String requested = form.get("scope");
    if (requested != null) {
      List<String> asked = new ArrayList<>(Scope.parse(requested).toStringList());
      List<String> beyond = asked.stream().filter(s -> !record.scopes().contains(s)).toList();
      if (!beyond.isEmpty()) {
        return refused(
            OAuthFailure.invalidScope(
                "scope "
                    + beyond.stream().map(FormRequest::printable).toList()
                    + " was not granted with the refresh token; granted: "
                    + scopes));
      }
      scopes = asked;
    }
    if (!store.markRotated(hash, now)) return reused(client, record, now);
    Outcome issued =
        issue(
            form,
            server,
            new OpaqueTokenIssuer.Grant(
                client.name(),
                client.clientId(),
                record.subject(),
                scopes,
                record.parameters(),
                record.familyId(),
                hash),
            true,
            "refresh_token",
            jkt);
    // A concurrent reuse of this refresh token may have revoked the family before the new tokens
    // were saved, leaving them out. The exchanged token is part of the family, so its being
    // revoked now tells: then the new tokens are revoked too, whichever came first.
    if (store.find(hash).map(r -> r.revokedAt() != null).orElse(true)) {
      return reused(client, record, clock.instant());
    }
    return issued;
  }

  /** A refresh token used a second time: treated as stolen, its whole family is revoked. */
  private Outcome reused(Application client, TokenRecord record, Instant now) {
    int revoked = store.revokeFamilyFully(record.familyId(), now);
    LOG.atWarn()
        .addKeyValue("client_id", client.clientId())
        .addKeyValue("family", record.familyId())
        .addKeyValue("revoked", revoked)
        .log("rotated refresh token used again: token family revoked");
    return refused(
        OAuthFailure.invalidGrant(
            "refresh_token was already used; every token of its grant is now revoked"));
  }

  /**
   * Issues the tokens; the access token is bound to the client certificate of the request's TLS
   * connection when there is one (RFC 8705 §3: {@code cnf.x5t#S256}), whatever the client
   * authentication.
   */
  private Outcome issue(
      FormRequest form,
      AuthorizationServer server,
      OpaqueTokenIssuer.Grant grant,
      boolean refresh,
      String kind,
      String jkt) {
    X509Certificate certificate = form.certificate();
    Map<String, String> confirmation =
        certificate == null
            ? Map.of()
            : Map.of(ClientCertificates.X5T_S256, ClientCertificates.thumbprint(certificate));
    OpaqueTokenIssuer.Issued issued = issuer.issue(server, grant, refresh, confirmation, jkt);
    var log = LOG.atInfo().addKeyValue("grant_type", kind);
    log = log.addKeyValue("certificate_bound", certificate != null);
    log = log.addKeyValue("application", grant.applicationName());
    if (grant.subject() != null) log = log.addKeyValue("sub", grant.subject());
    log.addKeyValue("scope", String.join(" ", grant.scopes()))
        .addKeyValue("family", issued.access().familyId())
        .addKeyValue("refresh", issued.refreshToken() != null)
        .addKeyValue("token_type", issued.tokenType())
        .log("token issued");
    return new Outcome.Issued(issued, null);
  }

  /** The scopes to grant, or the failure. */
  private record Scopes(List<String> granted, OAuthFailure failure) {}

  /**
   * Requested scopes against those registered and granted to the application, matched by the
   * server's {@code scopeMatching}: {@code ALL} refuses the request when any one is not both
   * registered and granted; {@code ANY} grants those that are and refuses only when none is. No
   * {@code scope} parameter: every scope granted to the application.
   */
  private static Scopes grantedScopes(
      FormRequest form, Snapshot snapshot, AuthorizationServer server, Application app) {
    String requested = form.get("scope");
    if (requested == null) return new Scopes(app.scopes(), null);
    Set<String> asked = new LinkedHashSet<>(Scope.parse(requested).toStringList());
    List<String> granted = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String scope : asked) {
      if (snapshot.hasScope(scope) && app.scopes().contains(scope)) {
        granted.add(scope);
      } else {
        refused.add(scope);
      }
    }
    boolean ok =
        server.scopeMatching() == AuthorizationServer.ScopeMatching.ALL
            ? refused.isEmpty()
            : !granted.isEmpty();
    if (!ok) {
      return new Scopes(
          null,
          OAuthFailure.invalidScope(
              "scope "
                  + refused.stream().map(FormRequest::printable).toList()
                  + " is not registered or not granted to application "
                  + app.name()
                  + " (scopeMatching "
                  + server.scopeMatching()
                  + ")"));
    }
    return new Scopes(List.copyOf(granted), null);
  }

  private static Outcome refused(OAuthFailure failure) {
    return new Outcome.Refused(failure);
  }
}
