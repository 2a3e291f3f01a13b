package io.portcullis.gateway.identify;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.gateway.RequestContext;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Application;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.verify.TokenVerifier;
import io.portcullis.token.verify.Verification;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The {@code JWT} identification method: a bearer token that is a signed JWT of a trusted
 * authorization server identifies the application whose claim conditions it satisfies.
 *
 * <p>Application lookup, after the token verified:
 *
 * <ol>
 *   <li>a token of the gateway's own issuer ({@code local}) that carries {@code client_id} names
 *       its application directly: the gateway put that claim there itself;
 *   <li>otherwise the applications that trust the token's issuer are matched by their identifiers:
 *       an identifier matches when every one of its claims has that value in the token (for an
 *       array claim, when the array contains it). Overlapping identifiers are refused when
 *       applications are saved, so at most one application can match.
 * </ol>
 *
 * A valid token that identifies no application yields a caller without an application; the
 * authorizer then decides (it refuses unless the API allows anonymous calls).
 *
 * <p>A token bound to a client certificate ({@code cnf.x5t#S256}) is accepted only over a TLS
 * connection with that certificate, and an API with {@code senderConstraint: required} refuses an
 * unbound one ({@link SenderConstraints}).
 */
public final class JwtIdentifier implements Identifier {
  private final TokenVerifier verifier;
  private final Predicate<String> revokedJti;

  /**
   * @param verifier verifies the token (signature, issuer, times, audience, type)
   * @param revokedJti whether a {@code jti} was revoked; answers from memory, never blocks
   */
  public JwtIdentifier(TokenVerifier verifier, Predicate<String> revokedJti) {
    this.verifier = verifier;
    this.revokedJti = revokedJti;
  }

  @Override
  public IdentificationMethod method() {
    return IdentificationMethod.JWT;
  }

  @Override
  public Future<Identification> identify(RequestContext ctx) {
    // Bearer or DPoP: a DPoP-bound token is verified like any other, then checked with its proof.
    String token = Credentials.accessToken(ctx.credentials());
    if (token == null || !looksLikeJwt(token)) {
      return Future.succeededFuture(Identification.NOT_APPLICABLE);
    }
    return verifier.verify(token).map(v -> decide(v, ctx));
  }

  /**
   * A JWS in compact form has exactly two dots; opaque tokens of this gateway have none. {@link
   * OpaqueTokenIdentifier} takes exactly the tokens this refuses, so that every bearer token has
   * one identifier: change both together.
   */
  static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first;
  }

  private Identification decide(Verification verification, RequestContext ctx) {
    Snapshot snapshot = ctx.snapshot();
    if (verification instanceof Verification.Invalid invalid) {
      return new Identification.Rejected(401, "invalid_token", invalid.description());
    }
    Verification.Verified verified = (Verification.Verified) verification;
    if (verified.jti() != null && revokedJti.test(verified.jti())) {
      return new Identification.Rejected(401, "invalid_token", "the token was revoked");
    }
    Application application = application(verified, snapshot);
    if (application != null && !application.enabled()) {
      return new Identification.Rejected(
          401, "invalid_token", "the application " + application.name() + " is disabled");
    }
    Identification.Rejected unbound =
        SenderConstraints.check(
            ctx, verified.claims().getClaim("cnf") instanceof Map<?, ?> cnf ? cnf : null);
    if (unbound != null) return unbound;
    return new Identification.Identified(
        IdentificationMethod.JWT,
        application,
        verified.subject(),
        verified.scopes(),
        verified.issuer().issuer(),
        verified.claims().getClaims());
  }

  static Application application(Verification.Verified verified, Snapshot snapshot) {
    AuthorizationServer issuer = verified.issuer();
    JWTClaimsSet claims = verified.claims();
    Object clientId = claims.getClaim("client_id");
    if (AuthorizationServer.LOCAL.equals(issuer.alias()) && clientId instanceof String id) {
      Application named = snapshot.applicationByClientId(id).orElse(null);
      if (named != null && AuthorizationServer.LOCAL.equals(named.authorizationServer()))
        return named;
    }
    List<Application> matches = new ArrayList<>(1);
    for (Application app : snapshot.applications()) {
      if (!issuer.alias().equals(app.authorizationServer())) continue;
      for (ClaimSet set : app.identifiers()) {
        if (matches(set, claims.getClaims())) {
          matches.add(app);
          break;
        }
      }
    }
    // More than one cannot happen for a registry that passed validation; refuse to guess.
    return matches.size() == 1 ? matches.get(0) : null;
  }

  static boolean matches(ClaimSet set, Map<String, Object> claims) {
    if (set.claims().isEmpty()) return false;
    for (Map.Entry<String, String> condition : set.claims().entrySet()) {
      if (!holds(claims.get(condition.getKey()), condition.getValue())) return false;
    }
    return true;
  }

  private static boolean holds(Object actual, String expected) {
    if (actual == null) return false;
    if (actual instanceof Collection<?> values) {
      for (Object value : values) {
        if (value != null && Objects.equals(String.valueOf(value), expected)) return true;
      }
      return false;
    }
    return String.valueOf(actual).equals(expected);
  }
}
