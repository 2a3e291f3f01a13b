package io.portcullis.token.verify;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.token.verify.TrustedIssuers.Issuer;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Verifies bearer JWTs against the authorization servers of the current registry snapshot: the
 * internal one ({@code local}, with the gateway's own public keys from {@link LocalKeys}) and every
 * external one (JWKS URI or PEM certificates). Every JOSE operation is nimbus-jose-jwt's.
 *
 * <h2>Order of checks</h2>
 *
 * The first check that fails decides, and the answer is an {@link Invalid} naming it (its {@link
 * Reason} in parentheses). Nothing of the token is trusted before its signature is verified, and no
 * key is fetched for a token whose issuer is unknown.
 *
 * <ol>
 *   <li><b>Size and shape</b>: at most {@link VerifierSettings#maxTokenLength()} characters ({@code
 *       TOO_LARGE}); exactly three non-empty segments of base64url characters, without padding or
 *       whitespace ({@code MALFORMED}). JWE (five segments) is not accepted.
 *   <li><b>Header</b>: a JSON object with an {@code alg} ({@code MALFORMED}); {@code alg} {@code
 *       none} in any spelling, or one that is neither an RSA, ECDSA, EdDSA nor HMAC algorithm
 *       ({@code ALGORITHM_REJECTED}); a JWE header or an empty signature ({@code MALFORMED}); an
 *       HMAC algorithm ({@code HS256}...) is refused here when no issuer of the registry has {@code
 *       secrets} ({@code ALGORITHM_REJECTED}), and after step 4 for any issuer without them, since
 *       a shared secret cannot prove who signed and the "secret" could be a public key; an issuer
 *       with secrets accepts only HMAC algorithms and verifies with nimbus's {@link MACVerifier}
 *       (constant-time comparison); a {@code crit} parameter ({@code CRITICAL_HEADER_UNSUPPORTED}).
 *   <li><b>Claims, parsed but not trusted</b>: the payload is a JSON object whose registered claims
 *       have their RFC 7519 types ({@code MALFORMED}). Header and payload must not repeat a member
 *       name at any depth (nimbus refuses duplicates at the top level, a strict second parse
 *       everywhere) and nimbus bounds nesting without a stack overflow ({@code MALFORMED}).
 *   <li><b>Issuer</b>: {@code iss} present ({@code ISSUER_MISSING}) and exactly the issuer of an
 *       authorization server of the snapshot ({@code ISSUER_UNTRUSTED}). Only now is any key looked
 *       at.
 *   <li><b>Algorithm for the issuer</b>: {@code alg} is in the issuer's {@code algorithms} ({@code
 *       ALGORITHM_REJECTED}); when that list is empty: {@code RS256} for an external issuer, {@code
 *       RS256 RS384 RS512 ES256 EdDSA} for the internal one.
 *   <li><b>Key selection</b> with nimbus's {@link JWKMatcher#forJWSHeader}: a key of the issuer
 *       with the token's {@code kid}, a key type and curve that fit {@code alg}, and no other
 *       {@code use} or {@code alg}; a key without {@code kid} (PEM) matches any {@code kid}. When
 *       none matches and the {@code kid} is not in the set (or the token has none), the issuer's
 *       keys are refreshed first, within the rate limit of {@link IssuerKeys#refresh()} ({@code
 *       NO_MATCHING_KEY}; {@code KEYS_UNAVAILABLE} when the issuer has no usable keys). The header
 *       parameters {@code jku}, {@code x5u}, {@code jwk} and {@code x5c} are never followed nor
 *       used: such a token is verified against the configured keys like any other, so a key it
 *       carries or points to proves nothing.
 *   <li><b>Signature</b> with nimbus's {@link DefaultJWSVerifierFactory} and {@link
 *       Ed25519Verifier} ({@code SIGNATURE_INVALID}); an ECDSA signature of zeros is refused there.
 *   <li><b>Time</b>, against the injected {@link Clock}, with the issuer's {@code clockSkew}:
 *       {@code exp} is required ({@code EXPIRATION_MISSING}) and not past ({@code EXPIRED}); {@code
 *       nbf}, when present, is not in the future ({@code NOT_YET_VALID}); {@code iat}, when
 *       present, is not in the future ({@code ISSUED_IN_FUTURE}); the lifetime, {@code exp - iat}
 *       (or {@code exp - now} without {@code iat}), is at most {@link
 *       VerifierSettings#maxLifetime()}, or the internal issuer's own {@code jwt.expiresIn} when
 *       that is longer ({@code LIFETIME_EXCEEDED}).
 *   <li><b>Audience</b>: when the issuer expects audiences (external: {@code audience}; internal:
 *       {@code jwt.audience}), {@code aud} names at least one of them ({@code AUDIENCE_REJECTED}).
 *   <li><b>Token type</b> ({@code TYPE_REJECTED}): header {@code typ} absent, {@code JWT} or {@code
 *       at+jwt} (RFC 9068; also with the {@code application/} prefix, in any case). An OpenID
 *       Connect ID token is meant for the client, not as a bearer token: one that carries {@code
 *       nonce}, {@code at_hash} or {@code c_hash} (claims only ID tokens have) is refused. An ID
 *       token without them is indistinguishable from an access token and is accepted if its {@code
 *       aud} passes, which it does not when the issuer's audience is the API rather than the
 *       client.
 *   <li><b>Scopes</b>: {@code scope} and {@code scp}, when present, are a space-separated string or
 *       an array of strings ({@code MALFORMED}).
 * </ol>
 *
 * <h2>Composition</h2>
 *
 * This class is the bearer-token role (Envoy's {@code authenticator}): it composes {@link
 * JwtChecker} configured by {@link JwtCheck#accessToken} (steps 1 to 3, 7, 8 and 10), {@link
 * TrustedIssuers} (step 4 and the keys of step 6, Envoy's {@code jwks_cache}) and {@link
 * JwsSignatures} (the selection of step 6 and the verifiers of step 7), and adds what only bearer
 * tokens have: the issuer's algorithms, its audience and the scopes.
 *
 * <h2>Threads</h2>
 *
 * {@link #verify} never blocks: the keys of each issuer are held in memory ({@link IssuerKeys}) and
 * loaded on a small worker pool of its own. The issuers follow the registry: on every {@link
 * SnapshotHolder#publish} the key holders of added issuers are created (and their keys fetched at
 * once), those of removed ones dropped, and those whose key source changed ({@code jwksUri}, {@code
 * certificates}, {@code algorithms}) replaced.
 */
public final class JwtVerifier
    implements TokenVerifier, VerificationRecheck, KeySetCache, AutoCloseable {
  private final SnapshotHolder snapshots;
  private final TrustedIssuers issuers;
  private final JwtChecker checker;

  /**
   * @param vertx runs the key loads (on a worker pool) and their timers
   * @param snapshots the registry; its authorization servers are the trusted issuers, followed as
   *     they change
   * @param localKeys the internal issuer's public keys
   * @param clock every time check and every cache age
   * @param settings limits and JWKS cache policy
   */
  public JwtVerifier(
      Vertx vertx,
      SnapshotHolder snapshots,
      LocalKeys localKeys,
      Clock clock,
      VerifierSettings settings) {
    this(vertx, snapshots, localKeys, clock, settings, OutboundPolicy.DEFAULT);
  }

  /**
   * As {@link #JwtVerifier(Vertx, SnapshotHolder, LocalKeys, Clock, VerifierSettings)}, fetching
   * JWKS and reading certificate files only where {@code outbound} allows (checked right before
   * each load, on the key-loading worker).
   */
  public JwtVerifier(
      Vertx vertx,
      SnapshotHolder snapshots,
      LocalKeys localKeys,
      Clock clock,
      VerifierSettings settings,
      OutboundPolicy outbound) {
    this(
        snapshots,
        clock,
        new TrustedIssuers(vertx, snapshots, localKeys, clock, settings, outbound, null));
  }

  /**
   * @param loaders how an external issuer's keys are loaded; null for JWKS URI or PEM
   */
  JwtVerifier(
      Vertx vertx,
      SnapshotHolder snapshots,
      LocalKeys localKeys,
      Clock clock,
      VerifierSettings settings,
      Function<AuthorizationServer, KeySetLoader> loaders) {
    this(
        snapshots,
        clock,
        new TrustedIssuers(
            vertx, snapshots, localKeys, clock, settings, OutboundPolicy.DEFAULT, loaders));
  }

  private JwtVerifier(SnapshotHolder snapshots, Clock clock, TrustedIssuers issuers) {
    this.snapshots = snapshots;
    this.checker = new JwtChecker(clock, new JwsSignatures());
    this.issuers = issuers;
  }

  @Override
  public Future<Verification> verify(String compactJwt) {
    try {
      CompactJws token = checker.parse(compactJwt, issuers.parseCheck());
      Issuer issuer = issuers.trusted(token.claims().getIssuer(), snapshots.get());
      JWSAlgorithm algorithm = token.header().getAlgorithm();
      if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) && !issuer.server().hasSecrets()) {
        // An HMAC token for an issuer without secrets: its "secret" could be a public key.
        throw new JwtRejection(
            Reason.ALGORITHM_REJECTED,
            "algorithm "
                + JwtChecker.printable(algorithm.getName())
                + " is never accepted: a shared secret cannot prove who signed");
      }
      if (!issuer.algorithms().contains(algorithm)) {
        throw new JwtRejection(
            Reason.ALGORITHM_REJECTED,
            "algorithm "
                + JwtChecker.printable(algorithm.getName())
                + " is not allowed for issuer "
                + issuer.alias());
      }
      Optional<LoadedKeys> keys = issuer.keys().current();
      if (keys.isPresent()) {
        List<JWK> candidates =
            JwsSignatures.select(token.header(), keys.get().jwkSet(), issuer.algorithms());
        if (!candidates.isEmpty() || !mayHaveRotated(token, keys.get().jwkSet())) {
          return Future.succeededFuture(check(token, issuer, keys.get(), candidates));
        }
      }
      return issuer.keys().refresh().map(fresh -> checkAfterRefresh(token, issuer, fresh));
    } catch (JwtRejection rejected) {
      return Future.succeededFuture(rejected.invalid());
    }
  }

  @Override
  public Optional<Verification> recheck(Verified earlier) {
    String alias = earlier.issuer().alias();
    AuthorizationServer server = snapshots.get().authorizationServer(alias).orElse(null);
    Issuer issuer = issuers.get(alias);
    if (!earlier.issuer().equals(server) || issuer == null || !issuer.server().equals(server)) {
      return Optional.empty();
    }
    Optional<LoadedKeys> keys = issuer.keys().current();
    if (keys.isEmpty() || keys.get().generation() != earlier.keyGeneration()) {
      return Optional.empty();
    }
    try {
      checker.checkTimes(earlier.claims(), issuer.check());
      return Optional.of(earlier);
    } catch (JwtRejection rejected) {
      return Optional.of(rejected.invalid());
    }
  }

  @Override
  public boolean flush(String alias) {
    Issuer issuer = issuers.get(alias);
    if (issuer == null) {
      return false;
    }
    issuer.keys().flush();
    return true;
  }

  /** Stops following the registry and every background key refresh. */
  @Override
  public void close() {
    issuers.close();
  }

  /** Whether a refresh could bring the key this token needs: its kid is not known. */
  private static boolean mayHaveRotated(CompactJws token, JWKSet keys) {
    String kid = token.header().getKeyID();
    return kid == null || keys.getKeyByKeyId(kid) == null;
  }

  private Verification checkAfterRefresh(
      CompactJws token, Issuer issuer, Optional<LoadedKeys> refreshed) {
    if (refreshed.isEmpty()) {
      return new Invalid(
          Reason.KEYS_UNAVAILABLE, "keys of issuer " + issuer.alias() + " are unavailable");
    }
    LoadedKeys keys = refreshed.get();
    return check(
        token,
        issuer,
        keys,
        JwsSignatures.select(token.header(), keys.jwkSet(), issuer.algorithms()));
  }

  private Verification check(
      CompactJws token, Issuer issuer, LoadedKeys keys, List<JWK> candidates) {
    try {
      if (candidates.isEmpty()) {
        throw new JwtRejection(
            Reason.NO_MATCHING_KEY,
            "no key of issuer "
                + issuer.alias()
                + " matches the token's kid and algorithm "
                + token.header().getAlgorithm().getName());
      }
      checker.requireSignature(token, candidates);
      JWTClaimsSet claims = token.claims();
      checker.checkTimes(claims, issuer.check());
      checkAudience(claims, issuer.server());
      checker.checkType(token, issuer.check());
      return new Verified(
          issuer.server(),
          claims,
          claims.getSubject(),
          scopes(claims),
          claims.getExpirationTime().toInstant(),
          claims.getJWTID(),
          keys.generation());
    } catch (JwtRejection rejected) {
      return rejected.invalid();
    }
  }

  private static void checkAudience(JWTClaimsSet claims, AuthorizationServer server)
      throws JwtRejection {
    Set<String> expected = expectedAudiences(server);
    if (expected.isEmpty()) {
      return;
    }
    // nimbus's DefaultJWTClaimsVerifier rule: aud present and naming at least one accepted value.
    List<String> audience = claims.getAudience();
    if (audience.isEmpty() || audience.stream().noneMatch(expected::contains)) {
      throw new JwtRejection(
          Reason.AUDIENCE_REJECTED,
          (claims.getAudience().isEmpty()
                  ? "claim aud is missing; issuer "
                  : "claim aud names none of the audiences that issuer ")
              + server.alias()
              + " expects: "
              + new TreeSet<>(expected));
    }
  }

  private static Set<String> expectedAudiences(AuthorizationServer server) {
    if (server.type() == AuthorizationServer.Type.INTERNAL) {
      String audience = server.jwt().audience();
      return audience == null || audience.isBlank() ? Set.of() : Set.of(audience);
    }
    return Set.copyOf(server.audience());
  }

  private static List<String> scopes(JWTClaimsSet claims) throws JwtRejection {
    Set<String> scopes = new LinkedHashSet<>();
    addScopes("scope", claims.getClaim("scope"), scopes);
    addScopes("scp", claims.getClaim("scp"), scopes);
    return List.copyOf(scopes);
  }

  private static void addScopes(String claim, Object value, Set<String> scopes)
      throws JwtRejection {
    if (value == null) {
      return;
    }
    if (value instanceof String string) {
      for (String scope : string.split(" ")) {
        if (!scope.isEmpty()) {
          scopes.add(scope);
        }
      }
      return;
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      list.forEach(scope -> scopes.add((String) scope));
      return;
    }
    throw new JwtRejection(
        Reason.MALFORMED, "claim " + claim + " must be a string or an array of strings");
  }
}
