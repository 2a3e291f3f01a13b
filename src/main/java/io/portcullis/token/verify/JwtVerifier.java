package io.portcullis.token.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.util.DateUtils;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *       none} in any spelling ({@code ALGORITHM_REJECTED}); a JWE header or an empty signature
 *       ({@code MALFORMED}); an HMAC algorithm ({@code HS256}...) is refused here when no issuer of
 *       the registry has {@code secrets} ({@code ALGORITHM_REJECTED}), and after step 4 for any
 *       issuer without them, since a shared secret cannot prove who signed and the "secret" could
 *       be a public key; an issuer with secrets accepts only HMAC algorithms and verifies with
 *       nimbus's {@link MACVerifier} (constant-time comparison); a {@code crit} parameter ({@code
 *       CRITICAL_HEADER_UNSUPPORTED}).
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
  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);

  private static final List<String> EXTERNAL_DEFAULT_ALGORITHMS = List.of("RS256");
  private static final List<String> HMAC_DEFAULT_ALGORITHMS = List.of("HS256");
  private static final List<String> INTERNAL_DEFAULT_ALGORITHMS =
      List.of("RS256", "RS384", "RS512", "ES256", "EdDSA");
  private static final Set<JWSAlgorithm> SIGNATURE_ALGORITHMS = signatureAlgorithms();
  private static final Set<String> ID_TOKEN_CLAIMS = Set.of("nonce", "at_hash", "c_hash");
  private static final DefaultJOSEObjectTypeVerifier<SecurityContext> ACCEPTED_TYPES =
      new DefaultJOSEObjectTypeVerifier<>(
          JOSEObjectType.JWT,
          new JOSEObjectType("at+jwt"),
          new JOSEObjectType("application/jwt"),
          new JOSEObjectType("application/at+jwt"),
          null);
  private static final JsonFactory STRICT_JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final DefaultJWSVerifierFactory SIGNATURE_VERIFIERS =
      new DefaultJWSVerifierFactory();

  private final Vertx vertx;
  private final SnapshotHolder snapshots;
  private final LocalKeys localKeys;
  private final Clock clock;
  private final VerifierSettings settings;
  private final OutboundPolicy outbound;
  private final Function<AuthorizationServer, KeySetLoader> loaders;
  private final WorkerExecutor worker;
  private final AtomicLong generations = new AtomicLong();
  private final ConcurrentMap<String, Issuer> issuers = new ConcurrentHashMap<>();
  private final NativeCrypto crypto = NativeCrypto.get();

  /**
   * One signature verifier per key object (weak, identity keys): a key set that is replaced takes
   * its verifiers with it, and a key is converted to its JCA form once, not on every token.
   * Maintenance runs on the calling thread: handing it to the common pool costs a thread wake-up
   * per token.
   */
  private final Cache<JWK, JWSVerifier> verifiers =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).executor(Runnable::run).build();

  private volatile boolean closed;

  /**
   * Whether some issuer of the registry has shared secrets; when none has, HMAC tokens are refused
   * while parsing, before any issuer is looked at.
   */
  private volatile boolean hmacIssuers;

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
    this(vertx, snapshots, localKeys, clock, settings, outbound, null);
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
    this(vertx, snapshots, localKeys, clock, settings, OutboundPolicy.DEFAULT, loaders);
  }

  private JwtVerifier(
      Vertx vertx,
      SnapshotHolder snapshots,
      LocalKeys localKeys,
      Clock clock,
      VerifierSettings settings,
      OutboundPolicy outbound,
      Function<AuthorizationServer, KeySetLoader> loaders) {
    this.outbound = outbound;
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.localKeys = localKeys;
    this.clock = clock;
    this.settings = settings;
    this.loaders = loaders != null ? loaders : this::configuredLoader;
    this.worker = vertx.createSharedWorkerExecutor("portcullis-key-loader", 2);
    snapshots.onPublish(this::follow);
    follow(snapshots.get());
  }

  @Override
  public Future<Verification> verify(String compactJwt) {
    try {
      Parsed token = parse(compactJwt);
      Issuer issuer = trustedIssuer(token, snapshots.get());
      JWSAlgorithm algorithm = token.header().getAlgorithm();
      if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) && !issuer.server().hasSecrets()) {
        throw hmacRefused(algorithm);
      }
      if (!issuer.algorithms().contains(algorithm)) {
        throw reject(
            Reason.ALGORITHM_REJECTED,
            "algorithm "
                + printable(algorithm.getName())
                + " is not allowed for issuer "
                + issuer.alias());
      }
      Optional<LoadedKeys> keys = issuer.keys().current();
      if (keys.isPresent()) {
        List<JWK> candidates = candidateKeys(token.header(), keys.get().jwkSet(), issuer);
        if (!candidates.isEmpty() || !mayHaveRotated(token.header(), keys.get().jwkSet())) {
          return Future.succeededFuture(check(token, issuer, keys.get(), candidates));
        }
      }
      return issuer.keys().refresh().map(fresh -> checkAfterRefresh(token, issuer, fresh));
    } catch (Rejected rejected) {
      return Future.succeededFuture(rejected.invalid);
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
      checkTimes(earlier.claims(), server);
      return Optional.of(earlier);
    } catch (Rejected rejected) {
      return Optional.of(rejected.invalid);
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
    closed = true;
    issuers.values().forEach(issuer -> issuer.keys().close());
    issuers.clear();
    worker.close();
  }

  // ---- 1 to 3: size, shape, header, claims ----

  private Parsed parse(String token) throws Rejected {
    if (token == null || token.isEmpty()) {
      throw reject(Reason.MALFORMED, "token is empty");
    }
    if (token.length() > settings.maxTokenLength()) {
      throw reject(
          Reason.TOO_LARGE, "token is longer than " + settings.maxTokenLength() + " characters");
    }
    requireCompactShape(token);
    try {
      Base64URL[] parts = JOSEObject.split(token);
      // Each segment is decoded once, with the JDK's decoder (the shape is checked above), and the
      // JSON texts are shared by nimbus's parse and the strict duplicate check.
      String headerJson = decode(parts[0]);
      Header header = parseHeader(headerJson, parts[0]);
      if (Algorithm.NONE.getName().equalsIgnoreCase(header.getAlgorithm().getName())) {
        throw reject(Reason.ALGORITHM_REJECTED, "algorithm none is never accepted");
      }
      if (!(header instanceof JWSHeader jwsHeader)) {
        throw reject(Reason.MALFORMED, "token header is not a JWS header");
      }
      if (JWSAlgorithm.Family.HMAC_SHA.contains(jwsHeader.getAlgorithm()) && !hmacIssuers) {
        throw hmacRefused(jwsHeader.getAlgorithm());
      }
      if (jwsHeader.getCriticalParams() != null && !jwsHeader.getCriticalParams().isEmpty()) {
        throw reject(
            Reason.CRITICAL_HEADER_UNSUPPORTED,
            "header crit names parameters that the gateway does not process");
      }
      if (parts[2].toString().isEmpty()) {
        throw reject(Reason.MALFORMED, "token signature segment is empty");
      }
      String payloadJson = decode(parts[1]);
      JWTClaimsSet claims = parseClaims(payloadJson);
      if (!isStrictJson(headerJson) || !isStrictJson(payloadJson)) {
        throw reject(Reason.MALFORMED, "token header or payload repeats a member name");
      }
      // What nimbus signs and verifies: the first two segments as sent (RFC 7515 §5.2).
      byte[] signingInput =
          token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
      return new Parsed(jwsHeader, claims, signingInput, new DecodedBase64URL(parts[2]));
    } catch (ParseException e) {
      throw reject(Reason.MALFORMED, "token is not a compact JWS");
    } catch (RuntimeException e) {
      // Parsers must answer "malformed" to any input; an exception here is theirs, not the token's.
      LOG.debug("Token parsing failed unexpectedly", e);
      throw reject(Reason.MALFORMED, "token could not be parsed");
    }
  }

  /** An HMAC token for an issuer without secrets: its "secret" could be a public key. */
  private static Rejected hmacRefused(JWSAlgorithm algorithm) {
    return reject(
        Reason.ALGORITHM_REJECTED,
        "algorithm "
            + printable(algorithm.getName())
            + " is never accepted: a shared secret cannot prove who signed");
  }

  /** The base64url alphabet by code point: a table, since this runs for every character. */
  private static final boolean[] BASE64URL = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) BASE64URL[c] = true;
    for (char c = 'a'; c <= 'z'; c++) BASE64URL[c] = true;
    for (char c = '0'; c <= '9'; c++) BASE64URL[c] = true;
    BASE64URL['-'] = true;
    BASE64URL['_'] = true;
  }

  private static void requireCompactShape(String token) throws Rejected {
    int segments = 1;
    int length = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        requireBase64UrlSegment(segments, length);
        segments++;
        length = 0;
      } else if (c < 128 && BASE64URL[c]) {
        length++;
      } else {
        throw reject(
            Reason.MALFORMED, "token contains a character that is neither base64url nor '.'");
      }
    }
    // An empty third segment is an unsecured JWT: let it through to be refused for alg none.
    if (segments != 3 || length != 0) {
      requireBase64UrlSegment(segments, length);
    }
    if (segments != 3) {
      throw reject(
          Reason.MALFORMED, "token has " + segments + " segments; a compact JWS has exactly 3");
    }
  }

  private static void requireBase64UrlSegment(int segment, int length) throws Rejected {
    // No base64 encoding is 1 character longer than a multiple of 4.
    if (length == 0 || length % 4 == 1) {
      throw reject(Reason.MALFORMED, "token segment " + segment + " is not valid base64url");
    }
  }

  private static String decode(Base64URL segment) {
    return new String(Base64.getUrlDecoder().decode(segment.toString()), StandardCharsets.UTF_8);
  }

  private static Header parseHeader(String json, Base64URL encoded) throws Rejected {
    try {
      return Header.parse(json, encoded);
    } catch (ParseException e) {
      throw reject(Reason.MALFORMED, "token header is not a JSON object with an alg");
    }
  }

  private static JWTClaimsSet parseClaims(String json) throws Rejected {
    try {
      return JWTClaimsSet.parse(json);
    } catch (ParseException e) {
      throw reject(
          Reason.MALFORMED,
          "token payload is not a JSON object of claims with correctly typed registered claims");
    }
  }

  private static boolean isStrictJson(String json) {
    try (JsonParser parser = STRICT_JSON.createParser(json)) {
      while (parser.nextToken() != null) {
        // reading to the end is the check
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- 4 and 5: issuer ----

  private Issuer trustedIssuer(Parsed token, Snapshot snapshot) throws Rejected {
    String iss = token.claims().getIssuer();
    if (iss == null) {
      throw reject(Reason.ISSUER_MISSING, "claim iss is missing");
    }
    AuthorizationServer server =
        snapshot
            .authorizationServerByIssuer(iss)
            .orElseThrow(
                () ->
                    reject(
                        Reason.ISSUER_UNTRUSTED, "issuer " + printable(iss) + " is not trusted"));
    return issuerFor(server);
  }

  // ---- 6 and 7: key and signature ----

  private static List<JWK> candidateKeys(JWSHeader header, JWKSet keys, Issuer issuer) {
    List<JWK> selected = select(header, keys, issuer.algorithms());
    if (selected.isEmpty() && header.getKeyID() != null) {
      List<JWK> withoutKid = keys.getKeys().stream().filter(k -> k.getKeyID() == null).toList();
      if (!withoutKid.isEmpty()) {
        JWSHeader anyKid = new JWSHeader.Builder(header).keyID(null).build();
        selected = select(anyKid, new JWKSet(withoutKid), issuer.algorithms());
      }
    }
    return selected;
  }

  /**
   * The keys nimbus's {@link JWKMatcher#forJWSHeader} selects: the rule of its {@code
   * JWSVerificationKeySelector}, applied to JWKs rather than {@code java.security} keys, since
   * nimbus has no {@code java.security} form of Ed25519 keys.
   */
  private static List<JWK> select(JWSHeader header, JWKSet keys, Set<JWSAlgorithm> algorithms) {
    if (!algorithms.contains(header.getAlgorithm())) {
      return List.of();
    }
    JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
    return matcher == null ? List.of() : new JWKSelector(matcher).select(keys);
  }

  /** Whether a refresh could bring the key this token needs: its kid is not known. */
  private static boolean mayHaveRotated(JWSHeader header, JWKSet keys) {
    return header.getKeyID() == null || keys.getKeyByKeyId(header.getKeyID()) == null;
  }

  private Verification checkAfterRefresh(
      Parsed token, Issuer issuer, Optional<LoadedKeys> refreshed) {
    if (refreshed.isEmpty()) {
      return new Invalid(
          Reason.KEYS_UNAVAILABLE, "keys of issuer " + issuer.alias() + " are unavailable");
    }
    LoadedKeys keys = refreshed.get();
    return check(token, issuer, keys, candidateKeys(token.header(), keys.jwkSet(), issuer));
  }

  private Verification check(Parsed token, Issuer issuer, LoadedKeys keys, List<JWK> candidates) {
    try {
      if (candidates.isEmpty()) {
        throw reject(
            Reason.NO_MATCHING_KEY,
            "no key of issuer "
                + issuer.alias()
                + " matches the token's kid and algorithm "
                + token.header().getAlgorithm().getName());
      }
      verifySignature(token, candidates);
      JWTClaimsSet claims = token.claims();
      checkTimes(claims, issuer.server());
      checkAudience(claims, issuer.server());
      checkType(token);
      return new Verified(
          issuer.server(),
          claims,
          claims.getSubject(),
          scopes(claims),
          claims.getExpirationTime().toInstant(),
          claims.getJWTID(),
          keys.generation());
    } catch (Rejected rejected) {
      return rejected.invalid;
    }
  }

  private void verifySignature(Parsed token, List<JWK> candidates) throws Rejected {
    for (JWK key : candidates) {
      try {
        if (verifierFor(token.header(), key)
            .verify(token.header(), token.signingInput(), token.signature())) {
          return;
        }
      } catch (JOSEException e) {
        // This key cannot verify this algorithm (e.g. an EC curve other than alg's): try the next.
      }
    }
    throw reject(Reason.SIGNATURE_INVALID, "signature invalid");
  }

  private JWSVerifier verifierFor(JWSHeader header, JWK key) throws JOSEException {
    JWSVerifier verifier = verifiers.getIfPresent(key);
    if (verifier == null) {
      verifier = newVerifier(header, key);
      verifiers.put(key, verifier);
    }
    // As nimbus's factory does: an EC key verifies only the algorithm of its curve.
    if (!verifier.supportedJWSAlgorithms().contains(header.getAlgorithm())) {
      throw new JOSEException("key does not verify " + header.getAlgorithm());
    }
    return verifier;
  }

  /** nimbus's verifier for the key, on the native provider when there is one. */
  private JWSVerifier newVerifier(JWSHeader header, JWK key) throws JOSEException {
    Provider provider = crypto.provider().orElse(null);
    JWSVerifier verifier;
    if (key instanceof OctetKeyPair octetKeyPair) {
      Provider ed25519 = crypto.ed25519Provider().orElse(null);
      return ed25519 != null
          ? new JcaEd25519Verifier(octetKeyPair.toPublicJWK(), ed25519)
          : new Ed25519Verifier(octetKeyPair.toPublicJWK());
    } else if (key instanceof RSAKey rsa) {
      verifier = new RSASSAVerifier(crypto.translate(rsa.toRSAPublicKey()));
    } else if (key instanceof ECKey ec) {
      verifier = new ECDSAVerifier(crypto.translate(ec.toECPublicKey()));
    } else if (key instanceof OctetSequenceKey secret) {
      // Only an issuer with secrets has such keys (SecretIssuerKeys); MAC compared in constant
      // time.
      return new MACVerifier(secret);
    } else if (key instanceof AsymmetricJWK asymmetric) {
      return SIGNATURE_VERIFIERS.createJWSVerifier(header, asymmetric.toPublicKey());
    } else {
      throw new JOSEException("not an asymmetric key");
    }
    if (provider != null) verifier.getJCAContext().setProvider(provider);
    return verifier;
  }

  // ---- 8 to 11: claims ----

  private void checkTimes(JWTClaimsSet claims, AuthorizationServer server) throws Rejected {
    int skew = (int) Math.min(Integer.MAX_VALUE, Math.max(0, server.clockSkew()));
    try {
      new ClockedClaimsVerifier(null, null, Set.of("exp"), null, 0).verify(claims, null);
    } catch (BadJWTException e) {
      throw reject(Reason.EXPIRATION_MISSING, "claim exp is missing");
    }
    try {
      new ClockedClaimsVerifier(clock, null, null, null, skew).verify(claims, null);
    } catch (ExpiredJWTException e) {
      throw reject(Reason.EXPIRED, "token expired");
    } catch (BadJWTException e) {
      throw reject(Reason.NOT_YET_VALID, "token is not valid yet (nbf)");
    }
    Instant now = clock.instant();
    Date issuedAt = claims.getIssueTime();
    if (issuedAt != null && !DateUtils.isBefore(issuedAt, Date.from(now), skew)) {
      throw reject(Reason.ISSUED_IN_FUTURE, "claim iat is in the future");
    }
    Duration maxLifetime = maxLifetime(server);
    Instant from = issuedAt != null ? issuedAt.toInstant() : now;
    if (Duration.between(from, claims.getExpirationTime().toInstant()).compareTo(maxLifetime) > 0) {
      throw reject(
          Reason.LIFETIME_EXCEEDED,
          "token lifetime exceeds the maximum of " + maxLifetime.toSeconds() + " s");
    }
  }

  private Duration maxLifetime(AuthorizationServer server) {
    if (server.type() == AuthorizationServer.Type.INTERNAL) {
      Duration own = Duration.ofSeconds(Math.max(0, server.jwt().expiresIn()));
      return own.compareTo(settings.maxLifetime()) > 0 ? own : settings.maxLifetime();
    }
    return settings.maxLifetime();
  }

  private static void checkAudience(JWTClaimsSet claims, AuthorizationServer server)
      throws Rejected {
    Set<String> expected = expectedAudiences(server);
    if (expected.isEmpty()) {
      return;
    }
    try {
      new ClockedClaimsVerifier(null, expected, null, null, 0).verify(claims, null);
    } catch (BadJWTException e) {
      throw reject(
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

  private static void checkType(Parsed token) throws Rejected {
    JOSEObjectType type = token.header().getType();
    try {
      ACCEPTED_TYPES.verify(type, null);
    } catch (BadJOSEException e) {
      throw reject(
          Reason.TYPE_REJECTED,
          "header typ "
              + printable(type.getType())
              + " is not accepted; expected JWT or at+jwt, or no typ");
    }
    try {
      new ClockedClaimsVerifier(null, null, null, ID_TOKEN_CLAIMS, 0).verify(token.claims(), null);
    } catch (BadJWTException e) {
      Set<String> present = new TreeSet<>(ID_TOKEN_CLAIMS);
      present.retainAll(token.claims().getClaims().keySet());
      throw reject(
          Reason.TYPE_REJECTED,
          "an OpenID Connect ID token (it carries " + present + ") is not accepted here");
    }
  }

  private static List<String> scopes(JWTClaimsSet claims) throws Rejected {
    Set<String> scopes = new LinkedHashSet<>();
    addScopes("scope", claims.getClaim("scope"), scopes);
    addScopes("scp", claims.getClaim("scp"), scopes);
    return List.copyOf(scopes);
  }

  private static void addScopes(String claim, Object value, Set<String> scopes) throws Rejected {
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
    throw reject(Reason.MALFORMED, "claim " + claim + " must be a string or an array of strings");
  }

  // ---- issuers ----

  private void follow(Snapshot snapshot) {
    if (closed) {
      return;
    }
    Set<String> aliases = new HashSet<>();
    boolean secrets = false;
    for (AuthorizationServer server : snapshot.authorizationServers()) {
      aliases.add(server.alias());
      secrets |= server.hasSecrets();
      issuerFor(server);
    }
    hmacIssuers = secrets;
    for (String alias : List.copyOf(issuers.keySet())) {
      if (!aliases.contains(alias)) {
        Issuer removed = issuers.remove(alias);
        if (removed != null) {
          removed.keys().close();
          LOG.info("Issuer {} removed; its keys are no longer used", alias);
        }
      }
    }
  }

  /** The issuer of this server's configuration, creating or replacing its key holder as needed. */
  private Issuer issuerFor(AuthorizationServer server) {
    Issuer known = issuers.get(server.alias());
    if (known != null && (known.server() == server || known.server().equals(server))) {
      return known;
    }
    List<Issuer> replaced = new ArrayList<>(1);
    Issuer current =
        issuers.compute(
            server.alias(),
            (alias, old) -> {
              if (old != null && old.server().equals(server)) {
                return old;
              }
              KeySource source = KeySource.of(server);
              if (old != null && old.source().equals(source)) {
                return new Issuer(server, source, old.algorithms(), old.keys());
              }
              if (old != null) {
                replaced.add(old);
              }
              return newIssuer(server, source);
            });
    replaced.forEach(old -> old.keys().close());
    if (current != known && (known == null || current.keys() != known.keys())) {
      // Fetch at once, so that the first token does not wait; refresh() never blocks.
      current.keys().refresh();
    }
    return current;
  }

  private Issuer newIssuer(AuthorizationServer server, KeySource source) {
    Set<JWSAlgorithm> algorithms = allowedAlgorithms(server);
    IssuerKeys keys =
        server.type() == AuthorizationServer.Type.INTERNAL
            ? new LocalIssuerKeys(localKeys, generations, clock, worker)
            : server.hasSecrets()
                ? new SecretIssuerKeys(server.secrets(), generations, clock)
                : new RefreshingIssuerKeys(
                    server.alias(),
                    loaders.apply(server),
                    new KeySetPolicy(algorithms),
                    settings,
                    clock,
                    vertx,
                    worker,
                    generations);
    return new Issuer(server, source, algorithms, keys);
  }

  private static Set<JWSAlgorithm> allowedAlgorithms(AuthorizationServer server) {
    List<String> names =
        !server.algorithms().isEmpty()
            ? server.algorithms()
            : server.type() == AuthorizationServer.Type.INTERNAL
                ? INTERNAL_DEFAULT_ALGORITHMS
                : server.hasSecrets() ? HMAC_DEFAULT_ALGORITHMS : EXTERNAL_DEFAULT_ALGORITHMS;
    // An issuer has one kind of key: HMAC algorithms with secrets, signatures with public keys.
    Set<JWSAlgorithm> kind =
        server.hasSecrets() ? JWSAlgorithm.Family.HMAC_SHA : SIGNATURE_ALGORITHMS;
    Set<JWSAlgorithm> allowed = new LinkedHashSet<>();
    for (String name : names) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name.strip());
      if (kind.contains(algorithm)) {
        allowed.add(algorithm);
      } else {
        LOG.warn(
            "Authorization server {}: algorithm {} is never accepted (only HMAC with secrets,"
                + " only RSA, ECDSA and EdDSA signatures with public keys); ignoring it",
            server.alias(),
            printable(name));
      }
    }
    return Set.copyOf(allowed);
  }

  private static Set<JWSAlgorithm> signatureAlgorithms() {
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    algorithms.addAll(JWSAlgorithm.Family.RSA);
    algorithms.addAll(JWSAlgorithm.Family.EC);
    algorithms.addAll(JWSAlgorithm.Family.ED);
    return Set.copyOf(algorithms);
  }

  private KeySetLoader configuredLoader(AuthorizationServer server) {
    if (server.jwksUri() != null && !server.jwksUri().isBlank()) {
      try {
        return new RemoteJwks(server.jwksUri().strip(), settings, outbound);
      } catch (IllegalArgumentException e) {
        return new Unloadable(e.getMessage());
      }
    }
    if (!server.certificates().isEmpty()) {
      return new PemKeys(server.certificates(), outbound);
    }
    return new Unloadable("neither jwksUri nor certificates is configured");
  }

  /** The key source of an issuer whose configuration names none that can be used. */
  private record Unloadable(String why) implements KeySetLoader {
    @Override
    public JWKSet load() throws IOException {
      throw new IOException(why);
    }

    @Override
    public String toString() {
      return "(no usable key source)";
    }
  }

  /** The parts of a server's configuration that decide its keys; a change means new keys. */
  private record KeySource(
      AuthorizationServer.Type type,
      String jwksUri,
      List<String> certificates,
      List<String> algorithms,
      List<String> secrets) {
    static KeySource of(AuthorizationServer server) {
      return new KeySource(
          server.type(),
          server.jwksUri(),
          server.certificates(),
          server.algorithms(),
          server.secrets());
    }

    @Override
    public String toString() {
      return "KeySource[" + type + ", jwksUri=" + jwksUri + ", certificates=" + certificates + "]";
    }
  }

  private record Issuer(
      AuthorizationServer server, KeySource source, Set<JWSAlgorithm> algorithms, IssuerKeys keys) {
    String alias() {
      return server.alias();
    }
  }

  /**
   * A signature segment that nimbus's verifiers decode with the JDK's base64url decoder, once,
   * instead of nimbus's constant-time codec: that codec exists for secret key material, a signature
   * is public, and decoding the 342 characters of an RS256 signature with it cost as much as a
   * fifth of the Java time of a verification. The shape check has already admitted only the
   * base64url alphabet.
   */
  static final class DecodedBase64URL extends Base64URL {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    DecodedBase64URL(Base64URL encoded) {
      super(encoded.toString());
      this.bytes = Base64.getUrlDecoder().decode(encoded.toString());
    }

    @Override
    public byte[] decode() {
      return bytes.clone();
    }
  }

  private record Parsed(
      JWSHeader header, JWTClaimsSet claims, byte[] signingInput, Base64URL signature) {}

  /**
   * nimbus's claims verifier on the injected clock instead of the system clock; with a null clock
   * it checks no time.
   */
  private static final class ClockedClaimsVerifier
      extends DefaultJWTClaimsVerifier<SecurityContext> {
    private final Clock clock;

    ClockedClaimsVerifier(
        Clock clock,
        Set<String> acceptedAudience,
        Set<String> required,
        Set<String> prohibited,
        int maxClockSkew) {
      super(acceptedAudience, null, required, prohibited);
      this.clock = clock;
      setMaxClockSkew(maxClockSkew);
    }

    @Override
    protected Date currentTime() {
      return clock == null ? null : Date.from(clock.instant());
    }
  }

  /** A failed check, thrown inside this class only; cheap: no stack trace. */
  private static final class Rejected extends Exception {
    private final transient Invalid invalid;

    Rejected(Invalid invalid) {
      super(invalid.description(), null, false, false);
      this.invalid = invalid;
    }
  }

  private static Rejected reject(Reason reason, String description) {
    return new Rejected(new Invalid(reason, description));
  }

  /**
   * A value taken from the token, as it may appear in a description: descriptions go into HTTP
   * headers ({@code WWW-Authenticate}) and logs, so only short printable text without quotes.
   */
  private static String printable(String value) {
    boolean safe =
        value != null
            && !value.isEmpty()
            && value.length() <= 200
            && value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\');
    return safe ? value : "(not shown)";
  }
}
