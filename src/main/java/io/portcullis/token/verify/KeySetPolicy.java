package io.portcullis.token.verify;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a fetched key set may replace the one in use, and which of its keys can verify
 * tokens of the issuer.
 *
 * <p>A set is <b>rejected whole</b> (the previous good set stays in use) when it shows that the
 * publisher is broken or compromised, or when using it would be ambiguous: two keys with the same
 * {@code kid}; any private or symmetric key material; no key left that can verify a token with an
 * allowed algorithm.
 *
 * <p>Single keys that merely cannot serve this issuer are <b>left out</b>, and the rest of the set
 * is used: {@code use} other than {@code sig} (identity providers such as Keycloak publish
 * encryption keys next to signing keys in one JWKS), {@code key_ops} without {@code verify}, an
 * {@code alg} or key type/curve that fits none of the allowed algorithms, RSA keys shorter than
 * 2048 bits.
 */
final class KeySetPolicy {
  static final int MIN_RSA_BITS = 2048;

  private final Set<JWSAlgorithm> allowed;

  /**
   * @param allowed the issuer's allowed asymmetric JWS algorithms
   */
  KeySetPolicy(Set<JWSAlgorithm> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** The outcome of {@link #check}. */
  sealed interface Outcome permits Accepted, Rejected {}

  /**
   * @param keys the usable keys
   * @param leftOut one line per key that was left out, naming its {@code kid} and why
   */
  record Accepted(JWKSet keys, List<String> leftOut) implements Outcome {}

  /**
   * @param why what makes the whole set unusable; names keys by {@code kid} only
   */
  record Rejected(String why) implements Outcome {}

  /** Checks a key set as published; never throws. */
  Outcome check(JWKSet published) {
    Set<String> kids = new HashSet<>();
    for (JWK key : published.getKeys()) {
      if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
        return new Rejected("two keys have kid " + name(key));
      }
      if (key.isPrivate()) {
        return new Rejected(
            "key "
                + name(key)
                + " contains private or symmetric key material (kty "
                + key.getKeyType()
                + ")");
      }
    }
    List<JWK> usable = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (JWK key : published.getKeys()) {
      String unusable = whyUnusable(key);
      if (unusable == null) {
        usable.add(key);
      } else {
        leftOut.add("key " + name(key) + " left out: " + unusable);
      }
    }
    if (usable.isEmpty()) {
      return new Rejected(
          "no key can verify tokens with the allowed algorithms "
              + allowed
              + (leftOut.isEmpty() ? " (the set is empty)" : " " + leftOut));
    }
    return new Accepted(new JWKSet(usable), List.copyOf(leftOut));
  }

  private String whyUnusable(JWK key) {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return "use is " + key.getKeyUse().identifier() + ", not sig";
    }
    if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
      return "key_ops does not contain verify";
    }
    if (key instanceof RSAKey rsa && rsa.size() < MIN_RSA_BITS) {
      return "RSA key of " + rsa.size() + " bits, fewer than " + MIN_RSA_BITS;
    }
    for (JWSAlgorithm algorithm : allowed) {
      if (fits(key, algorithm)) {
        return null;
      }
    }
    return "fits none of the allowed algorithms " + allowed;
  }

  /** Whether nimbus would select this key for a token signed with this algorithm. */
  private static boolean fits(JWK key, JWSAlgorithm algorithm) {
    JWKMatcher matcher = JWKMatcher.forJWSHeader(new JWSHeader(algorithm));
    if (matcher == null || !matcher.matches(key)) {
      return false;
    }
    // nimbus matches EC keys by type only; a P-384 key can never verify ES256.
    if (key instanceof ECKey ec) {
      Set<Curve> curves = Curve.forJWSAlgorithm(algorithm);
      return curves != null && curves.contains(ec.getCurve());
    }
    return true;
  }

  /** The key's kid as it may be logged: the publisher chose it, so it is cut and made printable. */
  static String name(JWK key) {
    String kid = key.getKeyID();
    if (kid == null) {
      return "without kid";
    }
    String printable = kid.replaceAll("[^\\x20-\\x7E]", "?");
    return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
  }
}
