package io.portcullis.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.verify.ApplicationKeys;
import io.portcullis.token.verify.CompactJws;
import io.portcullis.token.verify.JwtCheck;
import io.portcullis.token.verify.JwtChecker;
import io.portcullis.token.verify.JwtRejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a JWT that an application signed with its own private key, per RFC 7523 §3, in one of
 * two roles: as an authorization grant (§2.1, {@code grant_type=...:jwt-bearer}) or as client
 * authentication (§2.2, {@code private_key_jwt}). The checks every JWT has are {@link
 * JwtChecker}'s, configured by {@link JwtCheck#assertion} (parsing, required claims, times), the
 * keys and signature {@link ApplicationKeys}'s; this class adds the rules only assertions have (a
 * single {@code aud}, who may sign, the {@code jti} replay cache) and the order. Every JOSE step is
 * nimbus-jose-jwt's.
 *
 * <h2>Order of checks</h2>
 *
 * The first that fails decides; its description names it.
 *
 * <ol>
 *   <li>At most {@value #MAX_LENGTH} characters; a compact JWS (three segments) parsed as {@link
 *       CompactJws#parse} does: header {@code alg} not {@code none} in any spelling, not HMAC, and
 *       one of {@link ApplicationKeys#ALGORITHMS}; no {@code crit}; no repeated member names.
 *   <li>Claims present: {@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code jti}.
 *   <li>{@code aud} is exactly one value, and one of the accepted audiences: the server's issuer
 *       identifier (as draft-ietf-oauth-rfc7523bis asks) or, for existing clients, its {@code
 *       assertionAudience} (for client authentication also the token endpoint URL). An {@code aud}
 *       array that names anyone else beside them is refused.
 *   <li>Who signed: for client authentication {@code iss} = {@code sub} = a registered, enabled
 *       client id. For a grant, {@code iss} is the client id of the authenticated client (or of a
 *       registered application when the client did not authenticate), or the issuer of the external
 *       authorization server that the application trusts (then {@code sub} names the client when
 *       none authenticated).
 *   <li>Signature with one of that application's registered public keys.
 *   <li>Time ({@link JwtChecker#checkTimes}), with the server's {@code clockSkew}: {@code exp} not
 *       past; {@code nbf} and {@code iat} not in the future; {@code exp} at most {@code
 *       assertionMaxLifetime} ahead; when {@code iat} is present (it is optional), from it to
 *       {@code exp} no longer than {@code assertionMaxLifetime}.
 *   <li>{@code jti} never seen before from this {@code iss} while an assertion carrying it could
 *       still be valid ({@link JtiReplayCache}, shared by every node of a shared store). Recorded
 *       only now, so that a rejected assertion does not use up its jti.
 * </ol>
 *
 * <p>Blocking (keys may be fetched, the replay cache may be a database): call on a worker.
 */
final class JwtAssertions {
  /** The longest assertion read. */
  static final int MAX_LENGTH = 16 * 1024;

  /** Whether the assertion is a grant or proves the client's identity. */
  enum Role {
    GRANT,
    CLIENT_AUTHENTICATION
  }

  /** The outcome of {@link #validate}. */
  sealed interface Result {}

  /**
   * @param application the application that signed it
   * @param claims its claims
   */
  record Valid(Application application, JWTClaimsSet claims) implements Result {}

  /**
   * @param description which check failed
   */
  record Invalid(String description) implements Result {}

  private final ApplicationKeys keys;
  private final JtiReplayCache replay;
  private final JwtChecker checker;

  JwtAssertions(ApplicationKeys keys, JtiReplayCache replay, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.replay = Objects.requireNonNull(replay, "replay");
    this.checker = new JwtChecker(Objects.requireNonNull(clock, "clock"), keys.signatures());
  }

  /**
   * Validates an assertion. Blocking.
   *
   * @param assertion the compact JWT as sent
   * @param role grant or client authentication
   * @param snapshot the registry
   * @param server the internal authorization server (clock skew, maximum lifetime)
   * @param audiences the accepted {@code aud} values
   * @param client the client that authenticated by other means, or null (grant only)
   */
  Result validate(
      String assertion,
      Role role,
      Snapshot snapshot,
      AuthorizationServer server,
      Set<String> audiences,
      Application client) {
    String what = role == Role.GRANT ? "assertion" : "client assertion";
    JwtCheck check =
        JwtCheck.assertion(
            what,
            MAX_LENGTH,
            Duration.ofSeconds(Math.max(0, server.clockSkew())),
            server.assertionMaxLifetime());
    CompactJws jws;
    try {
      jws = checker.parse(assertion, check);
      checker.requireClaims(jws, check);
    } catch (JwtRejection rejected) {
      return invalid(rejected.invalid().description());
    }
    JWTClaimsSet claims = jws.claims();
    String iss = claims.getIssuer();
    String sub = claims.getSubject();
    List<String> aud = claims.getAudience();
    if (aud.size() != 1) {
      return invalid(
          what
              + " aud must be exactly one value, "
              + String.join(" or ", audiences)
              + "; it has "
              + aud.size());
    }
    if (!audiences.contains(aud.get(0))) {
      return invalid(
          what
              + " aud must be "
              + String.join(" or ", audiences)
              + "; was "
              + FormRequest.printable(aud.get(0)));
    }

    Application application;
    if (role == Role.CLIENT_AUTHENTICATION) {
      if (!iss.equals(sub)) {
        return invalid(
            "client assertion iss and sub must both be the client_id (RFC 7523 section 2.2)");
      }
      application = snapshot.applicationByClientId(iss).filter(Application::enabled).orElse(null);
      if (application == null) return invalid(CLIENT_UNKNOWN);
    } else {
      Optional<Application> signer = grantSigner(snapshot, iss, sub, client);
      if (signer.isEmpty()) {
        return invalid(
            client != null
                ? "assertion iss "
                    + FormRequest.printable(iss)
                    + " is neither the authenticated client nor an issuer it trusts"
                : "assertion iss "
                    + FormRequest.printable(iss)
                    + " is not the client_id of a registered application");
      }
      application = signer.get();
      if (!application.enabled()) {
        return invalid("application " + application.name() + " is disabled");
      }
    }

    ApplicationKeys.Outcome signature = keys.verify(application, jws);
    if (signature != ApplicationKeys.Outcome.VERIFIED) {
      if (role == Role.CLIENT_AUTHENTICATION) return invalid(CLIENT_UNKNOWN);
      return invalid(
          switch (signature) {
            case NO_KEYS ->
                "application "
                    + application.name()
                    + " has no usable registered public keys (jwks, jwksUri or certificates)";
            case NO_MATCHING_KEY ->
                "no registered key of application "
                    + application.name()
                    + " matches the assertion's kid and alg";
            default ->
                "assertion signature does not verify with the keys registered for application "
                    + application.name();
          });
    }

    try {
      checker.checkTimes(claims, check);
    } catch (JwtRejection rejected) {
      return invalid(rejected.invalid().description());
    }

    String jti = claims.getJWTID();
    if (jti.isEmpty() || jti.length() > JtiReplayCache.MAX_JTI_LENGTH) {
      return invalid(what + " jti must have 1 to " + JtiReplayCache.MAX_JTI_LENGTH + " characters");
    }
    if (iss.length() > JtiReplayCache.MAX_ISSUER_LENGTH) {
      return invalid(
          what + " iss must have at most " + JtiReplayCache.MAX_ISSUER_LENGTH + " characters");
    }
    Instant exp = claims.getExpirationTime().toInstant();
    if (!replay.firstUse(iss, jti, exp.plus(check.times().clockSkew()))) {
      return invalid(
          what + " jti " + FormRequest.printable(jti) + " was used before; each is accepted once");
    }
    return new Valid(application, claims);
  }

  /** Same answer for an unknown client, a disabled one and a wrong key: they are not told apart. */
  /**
   * The accepted {@code aud} values among these, in order, without nulls, blanks or repeats: the
   * order is the one the refusal names them in.
   */
  static Set<String> audiences(String... values) {
    Set<String> audiences = new LinkedHashSet<>();
    for (String value : values) {
      if (value != null && !value.isBlank()) audiences.add(value);
    }
    return Collections.unmodifiableSet(audiences);
  }

  static final String CLIENT_UNKNOWN =
      "client authentication failed: the client assertion is not signed by a registered key of an"
          + " enabled client";

  private static Optional<Application> grantSigner(
      Snapshot snapshot, String iss, String sub, Application client) {
    if (client != null) {
      return iss.equals(client.clientId()) || trusts(snapshot, client, iss)
          ? Optional.of(client)
          : Optional.empty();
    }
    Optional<Application> byIss = snapshot.applicationByClientId(iss);
    if (byIss.isPresent()) return byIss;
    return snapshot.applicationByClientId(sub).filter(app -> trusts(snapshot, app, iss));
  }

  /** Whether the application's authorization server is an external one with this issuer. */
  private static boolean trusts(Snapshot snapshot, Application application, String iss) {
    if (application.authorizationServer() == null) return false;
    return snapshot
        .authorizationServer(application.authorizationServer())
        .filter(s -> s.type() == AuthorizationServer.Type.EXTERNAL)
        .map(s -> iss.equals(s.issuer()))
        .orElse(false);
  }

  private static Invalid invalid(String description) {
    return new Invalid(description);
  }
}
