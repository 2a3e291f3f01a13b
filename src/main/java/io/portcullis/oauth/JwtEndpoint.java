package io.portcullis.oauth;

import io.portcullis.credential.Authenticator;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.http.ClientCertificates;
import io.portcullis.http.Credentials;
import io.portcullis.http.HttpError;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.ReservedClaims;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.User;
import io.portcullis.token.issue.IssuedJwt;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.OpaqueTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST /oauth2/jwt}: a gateway-signed JWT for the caller, who authenticates with HTTP
 * Basic either as a gateway user ({@code sub} = username; {@code ?app_id=} names an application the
 * user acts for) or as an application (client id and secret; {@code sub} = client id, plus the
 * claims that identify it). A POST body {@code {"claimsSet": {…}}} asks for extra claims, only
 * those the application may carry.
 *
 * <p>When an application is involved, the token carries {@code client_id} (RFC 9068) with its
 * client id and {@code scope} with its granted scopes, so that the gateway can identify the
 * application and authorize scopes from the token alone.
 *
 * <p>A caller that presents a TLS client certificate gets a token bound to it ({@code
 * cnf.x5t#S256}, RFC 8705 §3): the gateway then accepts the token only over a connection with that
 * certificate.
 *
 * <p>Credential checks and signing run on a worker thread. A name that is not a user is then tried
 * as a client id; both checks always run when the first fails, so an unknown name and a wrong
 * password cost the same and get the same answer.
 */
final class JwtEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(JwtEndpoint.class);
  static final int MAX_BODY = FormRequest.MAX_BODY;
  static final String BAD_CREDENTIALS = "the user name or password is not valid";

  private final Vertx vertx;
  private final Supplier<Snapshot> snapshots;
  private final Authenticator authenticator;
  private final JwtIssuer issuer;
  private final DpopCheck dpop;

  /**
   * @param dpop checks DPoP proofs, whose key the JWT is then bound to ({@code cnf.jkt}); null to
   *     issue bearer JWTs only (a {@code DPoP} header is then ignored, as RFC 9449 §5 allows)
   */
  JwtEndpoint(
      Vertx vertx,
      Supplier<Snapshot> snapshots,
      Authenticator authenticator,
      JwtIssuer issuer,
      DpopCheck dpop) {
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.authenticator = authenticator;
    this.issuer = issuer;
    this.dpop = dpop;
  }

  /** What the caller asked for, parsed on the event loop before any slow work. */
  private record Ask(
      Credentials.Basic credentials,
      String appId,
      Map<String, Object> claims,
      String address,
      String thumbprint,
      String method,
      String url,
      List<String> proofs) {}

  /** The outcome of the worker's part: a token, or the error to answer. */
  private sealed interface Outcome {
    record Issued(IssuedJwt jwt, boolean bound) implements Outcome {}

    record Refused(HttpError error, boolean challenge) implements Outcome {}

    record Locked(Duration retryAfter) implements Outcome {}

    record Proof(OAuthFailure failure) implements Outcome {}
  }

  /**
   * Answers one request.
   *
   * @param url this endpoint's public URL: the {@code htu} of a DPoP proof
   */
  void handle(RoutingContext ctx, String url) {
    Credentials credentials = Credentials.parse(ctx.request().headers().getAll("Authorization"));
    if (credentials instanceof Credentials.Invalid invalid) {
      OAuthResponses.error(ctx, HttpError.of(400, "invalid_request", invalid.description()));
      return;
    }
    if (!(credentials instanceof Credentials.Basic basic)) {
      OAuthResponses.basicRequired(
          ctx,
          "authenticate with HTTP Basic as a user or as an application (client id and secret)");
      return;
    }
    String appId = ctx.request().getParam("app_id");
    String address = FormRequest.address(ctx.request());
    X509Certificate certificate = ClientCertificates.leaf(ctx.request());
    String thumbprint = certificate == null ? null : ClientCertificates.thumbprint(certificate);
    String method = ctx.request().method().name();
    List<String> proofs = DpopCheck.headers(ctx.request());
    if (ctx.request().method() == HttpMethod.POST) {
      parseClaims(ctx, FormRequest.body(ctx))
          .ifPresent(
              claims ->
                  issue(
                      ctx,
                      new Ask(basic, appId, claims, address, thumbprint, method, url, proofs)));
    } else {
      issue(ctx, new Ask(basic, appId, Map.of(), address, thumbprint, method, url, proofs));
    }
  }

  /** The requested claims, or empty after answering 400/413. */
  private Optional<Map<String, Object>> parseClaims(RoutingContext ctx, Buffer body) {
    if (body.length() > MAX_BODY) {
      OAuthResponses.error(
          ctx, HttpError.of(413, "the request body is over " + MAX_BODY + " bytes"));
      return Optional.empty();
    }
    if (body.length() == 0) return Optional.of(Map.of());
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      OAuthResponses.error(
          ctx,
          HttpError.of(
              400,
              "invalid_request",
              "the body must be a JSON object such as {\"claimsSet\": {\"department\": \"eng\"}}"));
      return Optional.empty();
    }
    for (String field : json.fieldNames()) {
      if (!field.equals("claimsSet")) {
        OAuthResponses.error(
            ctx,
            HttpError.of(
                400,
                "invalid_request",
                "unknown field '" + field + "' in the body; expected claimsSet"));
        return Optional.empty();
      }
    }
    Object claims = json.getValue("claimsSet");
    if (claims == null) return Optional.of(Map.of());
    if (!(claims instanceof JsonObject object)) {
      OAuthResponses.error(
          ctx,
          HttpError.of(
              400, "invalid_request", "claimsSet must be a JSON object of claim names to values"));
      return Optional.empty();
    }
    return Optional.of(object.getMap());
  }

  private void issue(RoutingContext ctx, Ask ask) {
    Future<Outcome> work = vertx.executeBlocking(() -> decide(ask), false);
    work.onSuccess(
            outcome -> {
              if (outcome instanceof Outcome.Issued issued) {
                OAuthResponses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("jwt", issued.jwt().token())
                        .put("token_type", issued.bound() ? OpaqueTokenIssuer.DPOP : "Bearer")
                        .put("expires_in", issued.jwt().expiresIn()));
              } else if (outcome instanceof Outcome.Proof proof) {
                OAuthResponses.oauthError(ctx, proof.failure());
              } else if (outcome instanceof Outcome.Locked locked) {
                long seconds = FailureThrottle.retryAfterSeconds(locked.retryAfter());
                ctx.response().putHeader("Retry-After", Long.toString(seconds));
                OAuthResponses.error(
                    ctx,
                    HttpError.of(
                        429,
                        "too many failed authentications of this name or from this address; the"
                            + " password was not checked; try again in "
                            + seconds
                            + " s"));
              } else if (outcome instanceof Outcome.Refused refused) {
                if (refused.challenge()) {
                  OAuthResponses.basicRequired(ctx, refused.error().detail());
                } else {
                  OAuthResponses.error(ctx, refused.error());
                }
              }
            })
        .onFailure(
            e -> {
              LOG.atError().setCause(e).log("issuing a JWT failed");
              OAuthResponses.error(ctx, HttpError.of(500, "the token could not be issued"));
            });
  }

  private Outcome decide(Ask ask) {
    Snapshot snapshot = snapshots.get();
    Optional<AuthorizationServer> local = snapshot.authorizationServer(AuthorizationServer.LOCAL);
    if (local.isEmpty()) {
      return new Outcome.Refused(
          HttpError.of(503, "the internal authorization server 'local' is not configured"), false);
    }
    String jkt = null;
    if (dpop != null) {
      DpopCheck.Outcome checked = dpop.check(ask.proofs(), ask.method(), ask.url(), local.get());
      if (checked instanceof DpopCheck.Refused refused) {
        LOG.atInfo()
            .addKeyValue("address", ask.address())
            .addKeyValue("reason", refused.failure().description())
            .log("JWT refused: DPoP proof");
        return new Outcome.Proof(refused.failure());
      }
      if (checked instanceof DpopCheck.Bound bound) jkt = bound.jkt();
    }
    String name = ask.credentials().username();
    String secret = ask.credentials().password();
    FailureThrottle throttle = authenticator.throttle();
    Optional<Duration> locked = throttle.attempt(name, ask.address());
    if (locked.isPresent()) {
      LOG.atInfo()
          .addKeyValue("username", name)
          .addKeyValue("address", ask.address())
          .log("JWT refused: too many failures");
      return new Outcome.Locked(locked.get());
    }
    Optional<User> user = authenticator.authenticateUser(snapshot, name, secret);
    Optional<Application> client =
        user.isPresent()
            ? Optional.empty()
            : authenticator.authenticateClient(snapshot, name, secret);
    if (user.isEmpty() && client.isEmpty()) {
      LOG.atInfo()
          .addKeyValue("username", name)
          .addKeyValue("address", ask.address())
          .log("JWT refused: bad credentials");
      return new Outcome.Refused(HttpError.of(401, BAD_CREDENTIALS), true);
    }
    throttle.succeeded(name, ask.address());
    Application app;
    String subject;
    if (user.isPresent()) {
      subject = user.get().username();
      if (ask.appId() == null) {
        app = null;
      } else {
        Optional<Application> named =
            snapshot.application(ask.appId()).or(() -> snapshot.applicationByClientId(ask.appId()));
        // One answer for "no such application" and "not yours": a user must not learn which
        // applications exist by probing app_id.
        if (named.isEmpty() || !named.get().enabled() || !named.get().users().contains(subject)) {
          LOG.atInfo()
              .addKeyValue("username", subject)
              .addKeyValue("app_id", ask.appId())
              .log("JWT refused: user may not act for app_id");
          return new Outcome.Refused(
              HttpError.of(
                  403,
                  "access_denied",
                  "app_id '"
                      + ask.appId()
                      + "' does not name an enabled application that lists this user in its"
                      + " users"),
              false);
        }
        app = named.get();
      }
    } else {
      app = client.get();
      subject = app.clientId();
      if (ask.appId() != null
          && !ask.appId().equals(app.name())
          && !ask.appId().equals(app.clientId())) {
        return new Outcome.Refused(
            HttpError.of(
                400,
                "invalid_request",
                "an application can only ask for its own token; app_id names another"),
            false);
      }
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    if (app != null) {
      if (user.isEmpty() && !app.identifiers().isEmpty()) {
        app.identifiers()
            .get(0)
            .claims()
            .forEach(
                (k, v) -> {
                  if (!JwtIssuer.RESERVED.contains(k)) claims.put(k, v);
                });
      }
      claims.put("client_id", app.clientId());
      if (!app.scopes().isEmpty()) claims.put("scope", String.join(" ", app.scopes()));
    }
    List<String> allowed = app == null ? List.of() : app.claims();
    Set<String> identifierClaims =
        ask.claims().isEmpty()
            ? Set.of()
            : ReservedClaims.identifierClaims(snapshot.applications());
    for (Map.Entry<String, Object> e : ask.claims().entrySet()) {
      String claim = e.getKey();
      // Validation keeps these out of every application's claims; refusing them here as well
      // means a registry written before that rule (or by hand) still cannot mint an identity.
      if (JwtIssuer.RESERVED.contains(claim)
          || ReservedClaims.ALWAYS.contains(claim)
          || identifierClaims.contains(claim)) {
        return new Outcome.Refused(
            HttpError.of(
                400,
                "invalid_request",
                "claim '"
                    + claim
                    + "' is reserved: the gateway sets it or reads it to identify the caller"),
            false);
      }
      if (!allowed.contains(claim)) {
        String who = app == null ? "a user without app_id" : "application " + app.name();
        return new Outcome.Refused(
            HttpError.of(
                400,
                "invalid_request",
                "claim '" + claim + "' is not allowed for " + who + "; allowed: " + allowed),
            false);
      }
      claims.put(claim, e.getValue());
    }
    // RFC 8705 §3: a token retrieved over a connection with a client certificate is bound to it;
    // RFC 9449 §6.1: the JWT names the thumbprint of the key whose proofs must come with it.
    Map<String, Object> cnf = new LinkedHashMap<>();
    if (ask.thumbprint() != null) cnf.put(ClientCertificates.X5T_S256, ask.thumbprint());
    if (jkt != null) cnf.put("jkt", jkt);
    if (!cnf.isEmpty()) claims.put("cnf", cnf);
    IssuedJwt jwt = issuer.issue(local.get(), subject, claims);
    LOG.atInfo()
        .addKeyValue("sub", subject)
        .addKeyValue("application", app == null ? null : app.name())
        .addKeyValue("jti", jwt.jti())
        .addKeyValue("dpop", jkt != null)
        .log("JWT issued");
    return new Outcome.Issued(jwt, jkt != null);
  }
}
