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
import io.portcullis.http.ClientCertificates;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.TlsClientAuth;
import io.portcullis.token.verify.ApplicationKeys;
import java.io.IOException;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the client of a token, introspection or revocation request with one of the methods
 * the metadata announces: {@code client_secret_basic}, {@code client_secret_post} (RFC 6749
 * §2.3.1), {@code private_key_jwt} (RFC 7523 §2.2), {@code tls_client_auth} or {@code
 * self_signed_tls_client_auth} (RFC 8705 §2). The request is parsed by the nimbus OAuth SDK's
 * {@link ClientAuthentication#parse}; a request that uses more than one method is refused first;
 * secrets are checked by the {@link Authenticator} (a slow hash; an unknown client costs the same
 * as a wrong secret, and both get the same answer); client assertions by {@link JwtAssertions}; a
 * request with only a {@code client_id} that names an application with {@code tlsClientAuth}, by
 * the client certificate of its TLS connection ({@link #certificate}).
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
          ClientAuthenticationMethod.PRIVATE_KEY_JWT,
          ClientAuthenticationMethod.TLS_CLIENT_AUTH,
          ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH);

  static final String BAD_SECRET = "client authentication failed: unknown client or wrong secret";

  private final Authenticator authenticator;
  private final JwtAssertions assertions;
  private final URI tokenEndpoint;
  private final ApplicationKeys applicationKeys;
  private final String clientCa;

  /**
   * @param tokenEndpoint the token endpoint's URL: the {@code aud} of client assertions
   * @param applicationKeys the applications' registered keys, for {@code
   *     self_signed_tls_client_auth}
   * @param clientCa the PEM file of {@code gateway.tls.clientCa}, the anchors of {@code
   *     tls_client_auth} certificates; null when the gateway has none
   */
  ClientAuthenticator(
      Authenticator authenticator,
      JwtAssertions assertions,
      URI tokenEndpoint,
      ApplicationKeys applicationKeys,
      String clientCa) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.assertions = Objects.requireNonNull(assertions, "assertions");
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.applicationKeys = Objects.requireNonNull(applicationKeys, "applicationKeys");
    this.clientCa = clientCa;
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
    if (methods == 0 && form.get("client_id") != null) {
      Optional<Application> app = snapshot.applicationByClientId(form.get("client_id"));
      if (app.isPresent() && app.get().tlsClientAuth() != null) {
        return certificate(form, app.get());
      }
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
                + " is not supported; use client_secret_basic, client_secret_post,"
                + " private_key_jwt, or tls_client_auth / self_signed_tls_client_auth for an"
                + " application registered with tlsClientAuth"));
  }

  /**
   * RFC 8705 §2: the application's {@code tlsClientAuth} decides. {@code tls_client_auth}: the
   * presented chain leads to {@code gateway.tls.clientCa} (PKIX, whatever the listener accepted)
   * and the certificate has the registered subject DN or subject alternative name. {@code
   * self_signed_tls_client_auth}: the certificate is self-signed, currently valid, and its public
   * key is one of the application's registered keys. The certificate's key was proven in the TLS
   * handshake. Blocking (reads {@code clientCa}, may fetch a {@code jwksUri}).
   */
  private Outcome certificate(FormRequest form, Application app) {
    TlsClientAuth tls = app.tlsClientAuth();
    X509Certificate certificate = form.certificate();
    String refusal;
    if (!app.enabled()) {
      refusal = "client " + app.clientId() + " is disabled";
    } else if (certificate == null) {
      refusal =
          "client "
              + app.clientId()
              + " authenticates with "
              + tls.method()
              + ": present its client certificate over TLS; this request has none";
    } else if (tls.match() == TlsClientAuth.Match.SELF_SIGNED) {
      refusal = selfSigned(certificate, app);
    } else {
      refusal = chained(form.certificates(), tls, app);
    }
    if (refusal != null) {
      LOG.atInfo()
          .addKeyValue("client_id", app.clientId())
          .addKeyValue("method", tls.method())
          .addKeyValue("address", form.address())
          .addKeyValue("reason", refusal)
          .log("client authentication failed");
      return new Failed(OAuthFailure.invalidClient(refusal));
    }
    return new Authenticated(
        app,
        tls.match() == TlsClientAuth.Match.SELF_SIGNED
            ? ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH
            : ClientAuthenticationMethod.TLS_CLIENT_AUTH);
  }

  private String selfSigned(X509Certificate certificate, Application app) {
    if (!ClientCertificates.isSelfSigned(certificate)) {
      return "self_signed_tls_client_auth needs a self-signed client certificate; the one"
          + " presented is issued by another party";
    }
    try {
      certificate.checkValidity();
    } catch (CertificateException e) {
      return "the client certificate is outside its validity period";
    }
    if (!applicationKeys.holds(app, certificate.getPublicKey())) {
      return "the client certificate's public key is not one of the keys registered for client "
          + app.clientId()
          + " (jwks, jwksUri or certificates)";
    }
    return null;
  }

  private String chained(List<X509Certificate> chain, TlsClientAuth tls, Application app) {
    if (clientCa == null) {
      return "tls_client_auth needs gateway.tls.clientCa, the CAs of client certificates; the"
          + " gateway has none";
    }
    X509TrustManager anchors;
    try {
      anchors = ClientCertificates.trustManager(clientCa);
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("clientCa", clientCa)
          .addKeyValue("error", e.getMessage())
          .log("gateway.tls.clientCa cannot be read for tls_client_auth");
      return "the gateway cannot read its client CAs (gateway.tls.clientCa) right now";
    }
    if (!ClientCertificates.chainsTo(chain, anchors)) {
      return "the client certificate does not chain to a CA of gateway.tls.clientCa (or is"
          + " expired)";
    }
    if (!CertificateNames.matches(chain.get(0), tls)) {
      return "the client certificate does not match tlsClientAuth."
          + tls.match().field()
          + " of client "
          + app.clientId();
    }
    return null;
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
