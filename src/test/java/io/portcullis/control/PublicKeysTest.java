package io.portcullis.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicKeysTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fromPemWhenRsaAndEcPublicKeysThenJwksWithThumbprintKids() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    ECKey ec = new ECKeyGenerator(Curve.P_384).generate();
    String pem = pem("PUBLIC KEY", rsa.toPublicKey()) + "\n" + pem("PUBLIC KEY", ec.toPublicKey());

    JWKSet set = JWKSet.parse(JSON.writeValueAsString(PublicKeys.fromPem(pem)));

    assertThat(set.getKeys()).hasSize(2);
    JWK first = set.getKeys().get(0);
    assertThat(first.toRSAKey().toPublicKey()).isEqualTo(rsa.toPublicKey());
    assertThat(first.getKeyID()).isEqualTo(rsa.computeThumbprint().toString());
    JWK second = set.getKeys().get(1);
    assertThat(second.toECKey().getCurve()).isEqualTo(Curve.P_384);
    assertThat(second.toECKey().toPublicKey()).isEqualTo(ec.toPublicKey());
    assertThat(second.getKeyID()).isEqualTo(ec.computeThumbprint().toString());
    assertThat(set.getKeys()).noneMatch(JWK::isPrivate);
  }

  @Test
  void fromPemWhenCertificatesThenTheirPublicKeys() throws Exception {
    String pem =
        resource("/io/portcullis/token/verify/rsa-cert.pem")
            + resource("/io/portcullis/token/verify/ec-cert.pem");
    var factory = java.security.cert.CertificateFactory.getInstance("X.509");
    var certificates =
        factory.generateCertificates(
            new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));

    JWKSet set = JWKSet.parse(JSON.writeValueAsString(PublicKeys.fromPem(pem)));

    assertThat(set.getKeys()).hasSize(2);
    assertThat(set.getKeys().get(0).toRSAKey().toPublicKey())
        .isEqualTo(certificates.stream().findFirst().orElseThrow().getPublicKey());
    assertThat(set.getKeys().get(1).getKeyType().getValue()).isEqualTo("EC");
  }

  static String resource(String name) throws Exception {
    try (var in = PublicKeysTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void fromPemWhenPrivateKeyThenRefusedNamingPem() throws Exception {
    var pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> PublicKeys.fromPem(pem))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("pem")
        .hasMessageContaining("private key");
  }

  @Test
  void fromPemWhenNoBlockOrGarbageThenRefused() {
    assertThatThrownBy(() -> PublicKeys.fromPem("not a key"))
        .hasMessageContaining("pem")
        .hasMessageContaining("no PEM block");
    assertThatThrownBy(
            () -> PublicKeys.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("block 1 could not be read");
  }

  @Test
  void fromJwksWhenPublicKeysThenKeptAsGiven() throws Exception {
    String text = "{\"keys\":[" + new ECKeyGenerator(Curve.P_256).generate().toPublicJWK() + "]}";
    Map<String, Object> set = PublicKeys.fromJwks(text);
    assertThat(PublicKeys.summaries(set)).singleElement().extracting("kty").isEqualTo("EC");
  }

  @Test
  void fromJwksWhenPrivateOrSymmetricOrMalformedThenRefusedNamingTheMember() throws Exception {
    String rsaPrivate = "{\"keys\":[" + new RSAKeyGenerator(2048).generate().toJSONString() + "]}";
    assertThatThrownBy(() -> PublicKeys.fromJwks(rsaPrivate))
        .hasMessageContaining("jwks.keys[0].d");
    assertThatThrownBy(
            () -> PublicKeys.fromJwks("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}"))
        .hasMessageContaining("jwks.keys[0].kty")
        .hasMessageContaining("symmetric");
    assertThatThrownBy(() -> PublicKeys.fromJwks("{\"keys\":[{\"kty\":\"XYZ\"}]}"))
        .hasMessageContaining("expected RSA, EC or OKP");
    assertThatThrownBy(() -> PublicKeys.fromJwks("{\"keys\": ["))
        .hasMessageContaining("expected a JWK set as JSON");
    assertThatThrownBy(() -> PublicKeys.fromJwks("{\"kty\":\"EC\"}"))
        .hasMessageContaining("a keys array");
    assertThatThrownBy(() -> PublicKeys.fromJwks("{\"keys\":[]}"))
        .hasMessageContaining("expected 1 to 16 keys");
  }

  @Test
  void fromJwksWhenTooLongThenRefusedBeforeParsing() {
    String big = "{\"keys\":[" + " ".repeat(PublicKeys.MAX_CHARS) + "]}";
    assertThatThrownBy(() -> PublicKeys.fromJwks(big))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("at most " + PublicKeys.MAX_CHARS);
    assertThatThrownBy(() -> PublicKeys.fromPem(" ")).hasMessageContaining("must not be empty");
  }

  @Test
  void summariesWhenNoKeysThenEmpty() {
    assertThat(PublicKeys.summaries(null)).isEmpty();
    assertThat(PublicKeys.summaries(Map.of("keys", List.of()))).isEmpty();
  }

  static String pem(String label, PublicKey key) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END "
        + label
        + "-----\n";
  }
}
