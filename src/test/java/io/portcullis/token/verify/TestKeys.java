package io.portcullis.token.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.Arrays;
import java.util.List;

/** Key pairs generated once per test run: RSA generation is slow. */
final class TestKeys {
  static final RSAKey RSA = rsa("rsa-1", 2048);
  static final RSAKey RSA_NEXT = rsa("rsa-2", 2048);

  /** Same kid as {@link #RSA}, another key: what an attacker would sign with. */
  static final RSAKey ATTACKER = rsa("rsa-1", 2048);

  static final RSAKey WEAK_RSA = rsa("weak", 1024);
  static final ECKey EC = ec("ec-1", Curve.P_256);
  static final ECKey EC_P384 = ec("ec-384", Curve.P_384);
  static final OctetKeyPair ED25519 = ed25519("ed-1");

  private TestKeys() {}

  /** The public parts of these keys, as a JWKS document. */
  static String jwks(JWK... keys) {
    return new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString(true);
  }

  /** A JWKS document with exactly these keys as given, private parts included. */
  static String jwksAsIs(List<JWK> keys) {
    return new JWKSet(keys).toString(false);
  }

  static RSAKey rsa(String kid, int bits) {
    try {
      return new RSAKeyGenerator(bits, bits < 2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey ec(String kid, Curve curve) {
    try {
      return new ECKeyGenerator(curve).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static OctetKeyPair ed25519(String kid) {
    try {
      return new OctetKeyPairGenerator(Curve.Ed25519)
          .keyID(kid)
          .keyUse(KeyUse.SIGNATURE)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
