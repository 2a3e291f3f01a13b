package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM certificates and public keys as an external issuer's keys. The certificate fixtures were made
 * with {@code openssl req -x509 -newkey ...}; their private keys exist for these tests only.
 */
class PemKeysTest {
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static Vertx vertx;

  @TempDir Path directory;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  static String resource(String name) {
    try (InputStream in = PemKeysTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static PrivateKey privateKey(String resource, String algorithm) throws Exception {
    String pem = resource(resource);
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  /** The key pair of a certificate fixture, as a nimbus JWK with the private part. */
  static JWK certificateKeyPair(String certificate, String key) throws Exception {
    JWK fromCertificate = new PemKeys(List.of(resource(certificate))).load().getKeys().get(0);
    if (fromCertificate instanceof RSAKey rsa) {
      return new RSAKey.Builder(rsa).privateKey(privateKey(key, "RSA")).build();
    }
    return new ECKey.Builder((ECKey) fromCertificate)
        .privateKey((ECPrivateKey) privateKey(key, "EC"))
        .build();
  }

  @Test
  void loadWhenCertificateTextThenItsPublicKey() throws Exception {
    JWKSet keys = new PemKeys(List.of(resource("rsa-cert.pem"))).load();

    assertThat(keys.getKeys())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.getKeyType()).isEqualTo(KeyType.RSA);
              assertThat(k.isPrivate()).isFalse();
            });
  }

  @Test
  void loadWhenFilePathsThenReadFromFiles() throws Exception {
    Path rsa = Files.writeString(directory.resolve("rsa.pem"), resource("rsa-cert.pem"));
    Path ec = Files.writeString(directory.resolve("ec.pem"), resource("ec-cert.pem"));

    JWKSet keys = new PemKeys(List.of(rsa.toString(), " " + ec + "\n")).load();

    assertThat(keys.getKeys()).extracting(JWK::getKeyType).containsExactly(KeyType.RSA, KeyType.EC);
  }

  @Test
  void loadWhenSeveralBlocksInOneEntryThenEveryKey() throws Exception {
    String both =
        resource("rsa-cert.pem")
            + pem("PUBLIC KEY", TestKeys.EC.toPublicKey().getEncoded())
            + pem("PUBLIC KEY", TestKeys.RSA.toPublicKey().getEncoded());

    assertThat(new PemKeys(List.of(both)).load().getKeys())
        .extracting(JWK::getKeyType)
        .containsExactly(KeyType.RSA, KeyType.EC, KeyType.RSA);
  }

  @Test
  void loadWhenPublicKeysOfEachTypeThenEqualToTheOriginals() throws Exception {
    byte[] ed25519 = new byte[ED25519_SPKI_PREFIX.length + 32];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, ed25519, 0, ED25519_SPKI_PREFIX.length);
    byte[] x = TestKeys.ED25519.getDecodedX();
    System.arraycopy(x, 0, ed25519, ED25519_SPKI_PREFIX.length, 32);

    JWKSet keys =
        new PemKeys(
                List.of(
                    pem("PUBLIC KEY", TestKeys.RSA.toPublicKey().getEncoded()),
                    pem("PUBLIC KEY", TestKeys.EC.toPublicKey().getEncoded()),
                    pem("PUBLIC KEY", ed25519)))
            .load();

    assertThat(((RSAKey) keys.getKeys().get(0)).getModulus()).isEqualTo(TestKeys.RSA.getModulus());
    assertThat(((ECKey) keys.getKeys().get(1)).getX()).isEqualTo(TestKeys.EC.getX());
    assertThat(((OctetKeyPair) keys.getKeys().get(2)).getX()).isEqualTo(TestKeys.ED25519.getX());
    assertThat(((OctetKeyPair) keys.getKeys().get(2)).getCurve()).isEqualTo(Curve.Ed25519);
  }

  @Test
  void loadWhenPrivateKeyThenRefusedNamingTheEntry() {
    assertThatThrownBy(
            () ->
                new PemKeys(List.of(resource("rsa-cert.pem"), resource("rsa-cert-key.pem"))).load())
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("certificates[1]")
        .hasMessageContaining("private key");
  }

  @Test
  void loadWhenNoPemBlockThenRefused() {
    assertThatThrownBy(() -> new PemKeys(List.of("-----BEGIN nothing here")).load())
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("certificates[0]");
  }

  @Test
  void loadWhenCertificateCorruptThenRefused() {
    String corrupt = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

    assertThatThrownBy(() -> new PemKeys(List.of(corrupt)).load())
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("certificates[0]");
  }

  @Test
  void loadWhenFileMissingThenIoException() {
    assertThatThrownBy(
            () -> new PemKeys(List.of(directory.resolve("missing.pem").toString())).load())
        .isInstanceOf(IOException.class);
  }

  @Test
  void verifyWhenIssuerTrustsCertificateFileThenTokensOfItsKeyVerifiedWhateverTheirKid()
      throws Exception {
    Path certificate = Files.writeString(directory.resolve("idp.pem"), resource("rsa-cert.pem"));
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    TokenFactory tokens = new TokenFactory(clock);
    SnapshotHolder snapshots =
        Issuers.holder(
            Issuers.external(
                Issuers.ALIAS,
                TokenFactory.ISSUER,
                null,
                List.of(certificate.toString()),
                List.of("RS256", "ES256")));
    JWK rsa = certificateKeyPair("rsa-cert.pem", "rsa-cert-key.pem");
    JWK ec = certificateKeyPair("ec-cert.pem", "ec-cert-key.pem");

    try (JwtVerifier verifier =
        new JwtVerifier(
            vertx,
            snapshots,
            JwtVerifierTest.JWKSetLocalKeys.NONE,
            clock,
            VerifierSettings.DEFAULTS)) {
      String withKid =
          TokenFactory.signPayload(
              rsa,
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-2024").build(),
              tokens.claims().build().toString());
      String withoutKid =
          TokenFactory.signPayload(
              rsa, new JWSHeader(JWSAlgorithm.RS256), tokens.claims().build().toString());
      String otherKey = tokens.sign(TestKeys.RSA, JWSAlgorithm.RS256, tokens.claims().build());
      String ecToken =
          TokenFactory.signPayload(
              ec, new JWSHeader(JWSAlgorithm.ES256), tokens.claims().build().toString());

      assertThat(Await.result(verifier.verify(withKid))).isInstanceOf(Verified.class);
      assertThat(Await.result(verifier.verify(withoutKid))).isInstanceOf(Verified.class);
      assertThat(((Invalid) Await.result(verifier.verify(otherKey))).reason())
          .isEqualTo(Reason.SIGNATURE_INVALID);
      assertThat(((Invalid) Await.result(verifier.verify(ecToken))).reason())
          .isEqualTo(Reason.NO_MATCHING_KEY);

      // A replaced certificate file is read again when the keys are reloaded.
      Files.writeString(certificate, resource("ec-cert.pem"));
      verifier.flush(Issuers.ALIAS);

      assertThat(Await.result(verifier.verify(ecToken))).isInstanceOf(Verified.class);
      assertThat(((Invalid) Await.result(verifier.verify(withKid))).reason())
          .isEqualTo(Reason.NO_MATCHING_KEY);
    }
  }

  @Test
  void verifyWhenCertificateEntryHoldsPrivateKeyThenKeysUnavailable() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    TokenFactory tokens = new TokenFactory(clock);
    SnapshotHolder snapshots =
        Issuers.holder(
            Issuers.external(
                Issuers.ALIAS,
                TokenFactory.ISSUER,
                null,
                List.of(resource("rsa-cert-key.pem")),
                List.of("RS256")));

    try (JwtVerifier verifier =
        new JwtVerifier(
            vertx,
            snapshots,
            JwtVerifierTest.JWKSetLocalKeys.NONE,
            clock,
            VerifierSettings.DEFAULTS)) {
      assertThat(((Invalid) Await.result(verifier.verify(tokens.valid()))).reason())
          .isEqualTo(Reason.KEYS_UNAVAILABLE);
    }
  }
}
