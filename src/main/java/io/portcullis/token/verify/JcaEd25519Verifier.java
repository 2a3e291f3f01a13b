package io.portcullis.token.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Verifies {@code EdDSA} (Ed25519) JWS signatures with a JCA provider's {@code Ed25519} signature,
 * for when a native provider is available; otherwise nimbus's {@code Ed25519Verifier} (Tink) is
 * used. The same checks as nimbus's: only the Ed25519 curve, and a signature of exactly 64 bytes.
 * The caller refuses {@code crit} headers before any verifier is asked.
 */
final class JcaEd25519Verifier implements JWSVerifier {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32-byte key. */
  private static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final PublicKey key;
  private final Provider provider;
  private final JCAContext context = new JCAContext();

  JcaEd25519Verifier(OctetKeyPair jwk, Provider provider) throws JOSEException {
    if (!Curve.Ed25519.equals(jwk.getCurve())) {
      throw new JOSEException("only Ed25519 keys verify EdDSA signatures");
    }
    byte[] x = jwk.getDecodedX();
    if (x.length != 32) throw new JOSEException("an Ed25519 public key has 32 bytes");
    byte[] spki = new byte[SPKI_PREFIX.length + 32];
    System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
    System.arraycopy(x, 0, spki, SPKI_PREFIX.length, 32);
    try {
      // The JDK's key factory (JDK 15+); the provider's signature takes the key from it.
      this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("the Ed25519 key is not usable: " + e.getMessage(), e);
    }
    this.provider = provider;
    context.setProvider(provider);
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      throw new JOSEException("only EdDSA is verified with an Ed25519 key");
    }
    byte[] bytes = signature.decode();
    if (bytes.length != 64) return false;
    try {
      Signature check = Signature.getInstance("Ed25519", provider);
      check.initVerify(key);
      check.update(signingInput);
      return check.verify(bytes);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return context;
  }
}
