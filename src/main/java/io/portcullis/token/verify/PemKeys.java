package io.portcullis.token.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.X509CertUtils;
import io.portcullis.registry.OutboundPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An external issuer's keys given as PEM: X.509 certificates ({@code BEGIN CERTIFICATE}) or public
 * keys ({@code BEGIN PUBLIC KEY}, SubjectPublicKeyInfo: RSA, EC or Ed25519), each entry either the
 * PEM text itself or the path of a file holding it. Files are read on every {@link #load()}, so a
 * replaced certificate file is picked up at the next refresh.
 *
 * <p>Certificates are parsed by nimbus's {@link X509CertUtils}; public keys by the JDK's {@link
 * KeyFactory}; both become JWKs through nimbus's JWK builders. nimbus's own PEM key parser ({@code
 * JWK.parseFromPEMEncodedObjects}) and its EC certificate parser need BouncyCastle, which the
 * project does not ship. The certificate's validity dates are not checked: like a JWKS entry, a
 * configured certificate is trusted as a key holder until it is removed from the configuration.
 *
 * <p>PEM keys have no {@code kid}; the verifier lets a key without {@code kid} match a token with
 * any {@code kid}, as issuers that hand out certificates rarely agree on one.
 */
final class PemKeys implements KeySetLoader {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32-byte key. */
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final List<String> certificates;
  private final OutboundPolicy outbound;

  /**
   * @param certificates PEM texts or paths of PEM files, as configured
   */
  PemKeys(List<String> certificates) {
    this(certificates, OutboundPolicy.DEFAULT);
  }

  /**
   * @param certificates PEM texts or paths of PEM files, as configured
   * @param outbound which files may be read: a path outside its file roots is refused at every
   *     load, even when validation was bypassed
   */
  PemKeys(List<String> certificates, OutboundPolicy outbound) {
    this.certificates = List.copyOf(certificates);
    this.outbound = outbound;
  }

  @Override
  public JWKSet load() throws IOException, ParseException {
    List<JWK> keys = new ArrayList<>();
    for (int i = 0; i < certificates.size(); i++) {
      String field = "certificates[" + i + "]";
      String entry = certificates.get(i);
      if (!entry.contains("-----BEGIN ")) {
        Optional<String> refused = outbound.checkFile(entry);
        if (refused.isPresent()) throw new IOException(field + " not read: " + refused.get());
      }
      String pem =
          entry.contains("-----BEGIN ")
              ? entry
              : Files.readString(Path.of(entry.strip()), StandardCharsets.US_ASCII);
      Matcher block = BLOCK.matcher(pem);
      int found = 0;
      while (block.find()) {
        found++;
        keys.add(toJwk(field, block.group(1), block.group(0), block.group(2)));
      }
      if (found == 0) {
        throw new ParseException(
            field + " holds no PEM block (expected BEGIN CERTIFICATE or BEGIN PUBLIC KEY)", 0);
      }
    }
    return new JWKSet(keys);
  }

  private static JWK toJwk(String field, String label, String whole, String base64)
      throws ParseException {
    if (label.contains("PRIVATE")) {
      throw new ParseException(
          field + " holds a private key; configure only certificates or public keys", 0);
    }
    try {
      switch (label) {
        case "CERTIFICATE":
          X509Certificate certificate = X509CertUtils.parseWithException(whole);
          return withCertificate(fromPublicKey(certificate.getPublicKey()), certificate);
        case "PUBLIC KEY":
          return fromSubjectPublicKeyInfo(Base64.getMimeDecoder().decode(base64));
        default:
          throw new ParseException(
              field
                  + " holds a PEM block of type "
                  + label
                  + "; expected CERTIFICATE or PUBLIC KEY",
              0);
      }
    } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
      throw new ParseException(field + " is not a valid " + label + ": " + e.getMessage(), 0);
    }
  }

  /**
   * The certificate's key usage (a key certified only for encryption is then left out) and SHA-256
   * thumbprint (so that a token's {@code x5t#S256} header selects it), without a {@code kid}:
   * nimbus's own {@code JWK.parse(X509Certificate)} would make the serial number the {@code kid},
   * which no token names, and needs BouncyCastle for EC.
   */
  private static JWK withCertificate(JWK key, X509Certificate certificate) {
    KeyUse use = KeyUse.from(certificate);
    Base64URL thumbprint = X509CertUtils.computeSHA256Thumbprint(certificate);
    if (key instanceof RSAKey rsa) {
      return new RSAKey.Builder(rsa).keyUse(use).x509CertSHA256Thumbprint(thumbprint).build();
    }
    if (key instanceof ECKey ec) {
      return new ECKey.Builder(ec).keyUse(use).x509CertSHA256Thumbprint(thumbprint).build();
    }
    return new OctetKeyPair.Builder((OctetKeyPair) key)
        .keyUse(use)
        .x509CertSHA256Thumbprint(thumbprint)
        .build();
  }

  private static JWK fromSubjectPublicKeyInfo(byte[] der)
      throws GeneralSecurityException, JOSEException {
    if (der.length == ED25519_SPKI_PREFIX.length + 32
        && Arrays.equals(
            der,
            0,
            ED25519_SPKI_PREFIX.length,
            ED25519_SPKI_PREFIX,
            0,
            ED25519_SPKI_PREFIX.length)) {
      return new OctetKeyPair.Builder(
              Curve.Ed25519,
              Base64URL.encode(Arrays.copyOfRange(der, ED25519_SPKI_PREFIX.length, der.length)))
          .build();
    }
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return fromPublicKey(
            KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der)));
      } catch (java.security.spec.InvalidKeySpecException notThisType) {
        // try the next key type
      }
    }
    throw new JOSEException("public key is neither RSA, EC nor Ed25519");
  }

  private static JWK fromPublicKey(PublicKey key) throws GeneralSecurityException, JOSEException {
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    if (key instanceof ECPublicKey ec) {
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (curve == null) {
        throw new JOSEException("EC public key on an unsupported curve");
      }
      return new ECKey.Builder(curve, ec).build();
    }
    return fromSubjectPublicKeyInfo(key.getEncoded());
  }
}
