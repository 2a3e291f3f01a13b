package io.portcullis.oauth;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the client of a token, introspection or revocation request with one of the methods
 * the metadata announces: {@code client_secret_basic}, {@code client_secret_post} (RFC 6749 §2.3.1)
 * or {@code private_key_jwt} (RFC 7523 §2.2). The request is parsed by the nimbus OAuth SDK's
 * {@link ClientAuthentication#parse}; a request that uses more than one method is refused first;
 * secrets are checked by the {@link Authenticator} (a slow hash; an unknown client costs the same
 * as a wrong secret, and both get the same answer); client assertions by {@link JwtAssertions}.
 *
 * <p>Blocking: call on a worker.
 */
final class ClientAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(ClientAuthenticator.class);

  /** The methods offered, in the metadata's order. */
  static final List<ClientAuthenticationMethod> METHODS =
      List.of(
          ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
          ClientAuthenticationMethod.CLIENT_SECRET_POST,
          ClientAuthenticationMethod.PRIVATE_KEY_JWT);

  static final String BAD_SECRET = "client authentication failed: unknown client or wrong secret";

  private final Authenticator authenticator;
  private final JwtAssertions assertions;
  private final URI tokenEndpoint;

  /**
   * @param tokenEndpoint the token endpoint's URL: the {@code aud} of client assertions
   */
  ClientAuthenticator(Authenticator authenticator, JwtAssertions assertions, URI tokenEndpoint) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.assertions = Objects.requireNonNull(assertions, "assertions");
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
  }

  /** The outcome of {@link #authenticate}. */
  sealed interface Outcome {}

  /** The request carries no client credentials. */
  record Anonymous() implements Outcome {}

  /**
   * @param application the enabled application that authenticated
   * @param method how
   */
  record Authenticated(Application application, ClientAuthenticationMethod method)
      implements Outcome {}

  /**
   * @param failure 401 {@code invalid_client} (or 400 {@code invalid_request} for a malformed
   *     request)
   */
  record Failed(OAuthFailure failure) implements Outcome {}

  /** Authenticates the client of the request. Blocking. */
  Outcome authenticate(FormRequest form, Snapshot snapshot, AuthorizationServer server) {
    if (form.authorization().size() > 1) {
      return new Failed(
          OAuthFailure.invalidRequest("send one Authorization header; the request has several"));
    }
    Credentials header = Credentials.parse(form.authorization());
    if (header instanceof Credentials.Invalid invalid) {
      return new Failed(OAuthFailure.invalidClient(invalid.description()));
    }
    if (header instanceof Credentials.Bearer || header instanceof Credentials.Unsupported) {
      return new Failed(
          OAuthFailure.invalidClient(
              "authenticate the client with HTTP Basic (client_secret_basic), client_secret_post"
                  + " or private_key_jwt; the Authorization header has another scheme"));
    }
    int methods =
        (header instanceof Credentials.Basic ? 1 : 0)
            + (form.get("client_secret") != null ? 1 : 0)
            + (form.get("client_assertion") != null ? 1 : 0);
    if (methods > 1) {
      return new Failed(
          OAuthFailure.invalidRequest(
              "the request uses more than one client authentication method; use one"
                  + " (RFC 6749 section 2.3)"));
    }
    ClientAuthentication parsed;
    try {
      HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST, tokenEndpoint);
      request.setEntityContentType(ContentType.APPLICATION_URLENCODED);
      if (!form.authorization().isEmpty()) request.setAuthorization(form.authorization().get(0));
      request.setBody(URLUtils.serializeParameters(form.raw()));
      parsed = ClientAuthentication.parse(request);
    } catch (ParseException e) {
      return new Failed(
          OAuthFailure.invalidClient("client authentication is malformed: " + e.getMessage()));
    }
    if (parsed == null) return new Anonymous();
    if (parsed instanceof ClientSecretBasic || parsed instanceof ClientSecretPost) {
      String clientId = parsed.getClientID().getValue();
      String secret =
          parsed instanceof ClientSecretBasic basic
              ? basic.getClientSecret().getValue()
              : ((ClientSecretPost) parsed).getClientSecret().getValue();
      FailureThrottle throttle = authenticator.throttle();
      Optional<Duration> locked = throttle.attempt(clientId, form.address());
      if (locked.isPresent()) {
        LOG.atInfo()
            .addKeyValue("client_id", clientId)
            .addKeyValue("address", form.address())
            .addKeyValue("retry_after_s", FailureThrottle.retryAfterSeconds(locked.get()))
            .log("client authentication refused: too many failures");
        return new Failed(OAuthFailure.locked(locked.get()));
      }
      Optional<Application> app = authenticator.authenticateClient(snapshot, clientId, secret);
      if (app.isEmpty()) {
        LOG.atInfo()
            .addKeyValue("client_id", clientId)
            .addKeyValue("method", parsed.getMethod().getValue())
            .addKeyValue("address", form.address())
            .log("client authentication failed");
        return new Failed(OAuthFailure.invalidClient(BAD_SECRET));
      }
      throttle.succeeded(clientId, form.address());
      return new Authenticated(app.get(), parsed.getMethod());
    }
    if (parsed instanceof PrivateKeyJWT jwt) {
      Set<String> audiences = audiences(server);
      JwtAssertions.Result result =
          assertions.validate(
              jwt.getClientAssertion().serialize(),
              JwtAssertions.Role.CLIENT_AUTHENTICATION,
              snapshot,
              server,
              audiences,
              null);
      if (result instanceof JwtAssertions.Invalid invalid) {
        LOG.atInfo()
            .addKeyValue("client_id", jwt.getClientID().getValue())
            .addKeyValue("method", "private_key_jwt")
            .addKeyValue("reason", invalid.description())
            .log("client authentication failed");
        return new Failed(OAuthFailure.invalidClient(invalid.description()));
      }
      return new Authenticated(
          ((JwtAssertions.Valid) result).application(), ClientAuthenticationMethod.PRIVATE_KEY_JWT);
    }
    return new Failed(
        OAuthFailure.invalidClient(
            "client authentication method "
                + parsed.getMethod().getValue()
                + " is not supported; use client_secret_basic, client_secret_post or"
                + " private_key_jwt"));
  }

  /**
   * The token endpoint URL, the configured assertion audience, and the issuer identifier (which
   * draft-ietf-oauth-rfc7523bis asks clients to send), in that order.
   */
  private Set<String> audiences(AuthorizationServer server) {
    return JwtAssertions.audiences(
        tokenEndpoint.toString(), server.assertionAudience(), server.issuer());
  }
}
