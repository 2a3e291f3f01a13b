package io.portcullis.token.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.registry.Application;
import io.portcullis.registry.OutboundPolicy;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies the signature of a JWT that an application signed itself (an RFC 7523 assertion, as a
 * grant or as {@code private_key_jwt} client authentication) with the public keys registered for
 * that application: its {@code jwks} (JSON text), its {@code jwksUri} (fetched), or its {@code
 * certificates} (PEM). Every JOSE operation is nimbus-jose-jwt's.
 *
 * <p>Only asymmetric algorithms (RSA, RSASSA-PSS, ECDSA, EdDSA) are ever accepted: a shared secret
 * cannot prove which party signed, and an application registers public keys only. Keys are checked
 * by the same {@link KeySetPolicy} as issuers' keys: a set with private or symmetric key material
 * is refused whole; RSA keys shorter than 2048 bits and keys for other uses are left out.
 *
 * <p><b>Blocking</b>: a {@code jwksUri} is fetched (with the {@link VerifierSettings} connect and
 * read timeouts and size cap) and PEM files are read: call {@link #verify} on a worker thread only.
 * Fetched key sets are kept for {@link VerifierSettings#jwksTtl()}; a token whose {@code kid} is
 * not in the kept set causes one refetch, at most once per {@link
 * VerifierSettings#minRefreshInterval()} per URI.
 */
public final class ApplicationKeys {
  /** Every asymmetric JWS algorithm nimbus can verify; never HMAC, never none. */
  public static final Set<JWSAlgorithm> ALGORITHMS = JwtCheck.SIGNATURE_ALGORITHMS;

  private static final KeySetPolicy POLICY = new KeySetPolicy(ALGORITHMS);

  private final VerifierSettings settings;
  private final Clock clock;
  private final OutboundPolicy outbound;
  private final Cache<String, Fetched> fetched;
  private final JwsSignatures signatures = new JwsSignatures();

  private record Fetched(JWKSet keys, Instant at) {}

  /**
   * @param settings timeouts, size cap and cache times of {@code jwksUri} fetches
   * @param clock ages of fetched key sets
   */
  public ApplicationKeys(VerifierSettings settings, Clock clock) {
    this(settings, clock, OutboundPolicy.DEFAULT);
  }

  /**
   * @param settings timeouts, size cap and cache times of {@code jwksUri} fetches
   * @param clock ages of fetched key sets
   * @param outbound where a {@code jwksUri} may be fetched from and which certificate files read
   */
  public ApplicationKeys(VerifierSettings settings, Clock clock, OutboundPolicy outbound) {
    this.outbound = Objects.requireNonNull(outbound, "outbound");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fetched = Caffeine.newBuilder().maximumSize(10_000).build();
  }

  /** The signature verifiers this uses, to share with a {@link JwtChecker}. */
  public JwsSignatures signatures() {
    return signatures;
  }

  /** The outcome of {@link #verify}. */
  public enum Outcome {
    /** A registered key of the application verified the signature. */
    VERIFIED,
    /** The algorithm is not an asymmetric JWS algorithm. */
    ALGORITHM_REJECTED,
    /** The application registers no keys, or they cannot be loaded or are unusable. */
    NO_KEYS,
    /** No registered key fits the token's {@code kid}, {@code alg} and key type. */
    NO_MATCHING_KEY,
    /** A key was tried and the signature does not verify. */
    SIGNATURE_INVALID
  }

  /**
   * Verifies the signature of {@code jwt} with the application's registered keys. Blocking.
   *
   * @return which check decided; never throws for a bad token or bad keys
   */
  public Outcome verify(Application application, SignedJWT jwt) {
    try {
      return verify(application, CompactJws.of(jwt));
    } catch (ParseException e) {
      return Outcome.SIGNATURE_INVALID;
    }
  }

  /**
   * Verifies the signature of a parsed JWS with the application's registered keys: the key source
   * of {@link JwtChecker} for assertions. Blocking.
   *
   * @return which check decided; never throws for a bad token or bad keys
   */
  public Outcome verify(Application application, CompactJws jws) {
    if (!ALGORITHMS.contains(jws.header().getAlgorithm())) return Outcome.ALGORITHM_REJECTED;
    JWKSet keys = load(application, false);
    if (keys == null) return Outcome.NO_KEYS;
    List<JWK> candidates = JwsSignatures.select(jws.header(), keys, ALGORITHMS);
    if (candidates.isEmpty() && hasUri(application)) {
      JWKSet refetched = load(application, true);
      if (refetched != null) candidates = JwsSignatures.select(jws.header(), refetched, ALGORITHMS);
    }
    if (candidates.isEmpty()) return Outcome.NO_MATCHING_KEY;
    return signatures.verify(jws, candidates) ? Outcome.VERIFIED : Outcome.SIGNATURE_INVALID;
  }

  /**
   * Whether {@code key} is one of the application's registered public keys (for {@code
   * self_signed_tls_client_auth}, RFC 8705 section 2.2: the certificate's key is compared, not the
   * certificate). Keys are compared by their encoded form (X.509 SubjectPublicKeyInfo); a {@code
   * jwksUri} is fetched again once when no key matches. Blocking.
   */
  public boolean holds(Application application, PublicKey key) {
    JWKSet keys = load(application, false);
    if (keys != null && contains(keys, key)) return true;
    if (!hasUri(application)) return false;
    JWKSet refetched = load(application, true);
    return refetched != null && contains(refetched, key);
  }

  private static boolean contains(JWKSet keys, PublicKey key) {
    byte[] wanted = key.getEncoded();
    for (JWK jwk : keys.getKeys()) {
      try {
        PublicKey registered =
            jwk instanceof OctetKeyPair okp
                ? okp.toPublicKey()
                : jwk instanceof AsymmetricJWK asymmetric ? asymmetric.toPublicKey() : null;
        if (registered != null && MessageDigest.isEqual(registered.getEncoded(), wanted)) {
          return true;
        }
      } catch (JOSEException | RuntimeException e) {
        // a key that cannot be turned into a JCA key: try the next
      }
    }
    return false;
  }

  private static boolean hasUri(Application application) {
    return application.jwksUri() != null && !application.jwksUri().isBlank();
  }

  /** The usable keys, or null when there are none. */
  private JWKSet load(Application application, boolean refetch) {
    JWKSet published;
    try {
      if (application.jwks() != null && !application.jwks().isBlank()) {
        published = JWKSet.parse(application.jwks());
      } else if (hasUri(application)) {
        published = fetch(application.jwksUri().strip(), refetch);
      } else if (!application.certificates().isEmpty()) {
        published = new PemKeys(application.certificates(), outbound).load();
      } else {
        return null;
      }
    } catch (IOException | ParseException | IllegalArgumentException e) {
      return null;
    }
    if (published == null) return null;
    KeySetPolicy.Outcome checked = POLICY.check(published);
    return checked instanceof KeySetPolicy.Accepted accepted ? accepted.keys() : null;
  }

  private JWKSet fetch(String uri, boolean refetch) throws IOException, ParseException {
    Instant now = clock.instant();
    Fetched kept = fetched.getIfPresent(uri);
    if (kept != null) {
      Duration age = Duration.between(kept.at(), now);
      boolean fresh = age.compareTo(settings.jwksTtl()) < 0;
      boolean mayRefetch = age.compareTo(settings.minRefreshInterval()) >= 0;
      if (fresh && !(refetch && mayRefetch)) return kept.keys();
      if (!mayRefetch) return kept.keys();
    }
    JWKSet keys = new RemoteJwks(uri, settings, outbound).load();
    fetched.put(uri, new Fetched(keys, now));
    return keys;
  }
}
