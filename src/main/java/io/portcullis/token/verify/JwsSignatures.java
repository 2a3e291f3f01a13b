package io.portcullis.token.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
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
import java.security.Provider;
import java.util.List;
import java.util.Set;

/**
 * Selects the keys that may have signed a JWS and checks its signature with them: the key selector
 * and the signature verifier of {@link JwtChecker}, shared by every kind of JWT. Every JOSE
 * operation is nimbus-jose-jwt's; RSA, ECDSA and Ed25519 run on the native provider when {@link
 * NativeCrypto} found one.
 *
 * <p>Thread-safe; {@link #verify} never blocks (the keys are given to it).
 */
public final class JwsSignatures {
  private static final DefaultJWSVerifierFactory SIGNATURE_VERIFIERS =
      new DefaultJWSVerifierFactory();

  private final NativeCrypto crypto;

  /**
   * One signature verifier per key object (weak, identity keys): a key set that is replaced takes
   * its verifiers with it, and a key is converted to its JCA form once, not on every token.
   * Maintenance runs on the calling thread: handing it to the common pool costs a thread wake-up
   * per token.
   */
  private final Cache<JWK, JWSVerifier> verifiers =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).executor(Runnable::run).build();

  /** Verifies on the process's {@link NativeCrypto#get()} provider. */
  public JwsSignatures() {
    this(NativeCrypto.get());
  }

  JwsSignatures(NativeCrypto crypto) {
    this.crypto = crypto;
  }

  /**
   * The keys of {@code keys} that nimbus's {@link JWKMatcher#forJWSHeader} selects for this header
   * (the rule of its {@code JWSVerificationKeySelector}, applied to JWKs, since nimbus has no
   * {@code java.security} form of Ed25519 keys): the header's {@code kid}, a key type and curve
   * that fit {@code alg}, no other {@code use} or {@code alg}. A key without {@code kid} (from PEM,
   * or a secret) matches a header with any {@code kid}.
   *
   * @param algorithms the algorithms the key owner allows; none is selected for another
   */
  public static List<JWK> select(JWSHeader header, JWKSet keys, Set<JWSAlgorithm> algorithms) {
    List<JWK> selected = matching(header, keys, algorithms);
    if (selected.isEmpty() && header.getKeyID() != null) {
      List<JWK> withoutKid = keys.getKeys().stream().filter(k -> k.getKeyID() == null).toList();
      if (!withoutKid.isEmpty()) {
        JWSHeader anyKid = new JWSHeader.Builder(header).keyID(null).build();
        selected = matching(anyKid, new JWKSet(withoutKid), algorithms);
      }
    }
    return selected;
  }

  private static List<JWK> matching(JWSHeader header, JWKSet keys, Set<JWSAlgorithm> algorithms) {
    if (!algorithms.contains(header.getAlgorithm())) {
      return List.of();
    }
    JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
    return matcher == null ? List.of() : new JWKSelector(matcher).select(keys);
  }

  /**
   * Whether one of the candidate keys verifies the signature of {@code jws}. A key that cannot
   * verify the algorithm (an EC curve other than {@code alg}'s) is skipped; an ECDSA signature of
   * zeros is refused by nimbus.
   */
  public boolean verify(CompactJws jws, List<JWK> candidates) {
    for (JWK key : candidates) {
      try {
        if (verifierFor(jws.header(), key)
            .verify(jws.header(), jws.signingInput(), jws.signature())) {
          return true;
        }
      } catch (JOSEException | RuntimeException e) {
        // This key cannot verify this algorithm, or the signature cannot be read: try the next.
      }
    }
    return false;
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
}
