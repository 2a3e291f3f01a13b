package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySetPolicyTest {
  private final KeySetPolicy rsaAndEs256 =
      new KeySetPolicy(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));

  private static JWKSet set(JWK... keys) {
    return new JWKSet(List.of(keys));
  }

  @Test
  void checkWhenAllKeysUsableThenAcceptedWhole() {
    KeySetPolicy.Outcome outcome =
        rsaAndEs256.check(set(TestKeys.RSA.toPublicJWK(), TestKeys.EC.toPublicJWK()));

    assertThat(outcome).isInstanceOf(KeySetPolicy.Accepted.class);
    assertThat(((KeySetPolicy.Accepted) outcome).keys().size()).isEqualTo(2);
    assertThat(((KeySetPolicy.Accepted) outcome).leftOut()).isEmpty();
  }

  @Test
  void checkWhenDuplicateKidThenRejected() {
    RSAKey sameKid = new RSAKey.Builder(TestKeys.RSA_NEXT.toPublicJWK()).keyID("rsa-1").build();

    assertThat(rsaAndEs256.check(set(TestKeys.RSA.toPublicJWK(), sameKid)))
        .isEqualTo(new KeySetPolicy.Rejected("two keys have kid rsa-1"));
  }

  @Test
  void checkWhenPrivateKeyThenRejected() {
    assertThat(rsaAndEs256.check(set(TestKeys.RSA))).isInstanceOf(KeySetPolicy.Rejected.class);
  }

  @Test
  void checkWhenSymmetricKeyThenRejected() throws Exception {
    JWK secret = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();

    assertThat(rsaAndEs256.check(set(TestKeys.RSA.toPublicJWK(), secret)))
        .isInstanceOf(KeySetPolicy.Rejected.class);
  }

  @Test
  void checkWhenOnlyUnusableKeysThenRejected() {
    assertThat(rsaAndEs256.check(set(TestKeys.WEAK_RSA.toPublicJWK())))
        .isInstanceOf(KeySetPolicy.Rejected.class);
    assertThat(rsaAndEs256.check(set())).isInstanceOf(KeySetPolicy.Rejected.class);
  }

  @Test
  void checkWhenSomeKeysUnusableThenThoseLeftOut() {
    RSAKey encryption =
        new RSAKey.Builder(TestKeys.RSA_NEXT.toPublicJWK())
            .keyID("enc")
            .keyUse(KeyUse.ENCRYPTION)
            .build();
    RSAKey wrapOnly =
        new RSAKey.Builder(TestKeys.RSA_NEXT.toPublicJWK())
            .keyID("wrap")
            .keyUse(null)
            .keyOperations(Set.of(KeyOperation.WRAP_KEY))
            .build();
    RSAKey otherAlg =
        new RSAKey.Builder(TestKeys.RSA_NEXT.toPublicJWK())
            .keyID("ps")
            .algorithm(JWSAlgorithm.PS512)
            .build();

    KeySetPolicy.Outcome outcome =
        rsaAndEs256.check(
            set(
                TestKeys.RSA.toPublicJWK(),
                encryption,
                wrapOnly,
                otherAlg,
                TestKeys.WEAK_RSA.toPublicJWK(),
                TestKeys.EC_P384.toPublicJWK(),
                TestKeys.ED25519.toPublicJWK()));

    assertThat(outcome).isInstanceOf(KeySetPolicy.Accepted.class);
    KeySetPolicy.Accepted accepted = (KeySetPolicy.Accepted) outcome;
    assertThat(accepted.keys().getKeys()).extracting(JWK::getKeyID).containsExactly("rsa-1");
    assertThat(accepted.leftOut()).hasSize(6);
  }

  @Test
  void checkWhenKidUnprintableThenNamedSafely() {
    RSAKey odd = new RSAKey.Builder(TestKeys.RSA.toPublicJWK()).keyID("a\r\nb").build();
    RSAKey dup = new RSAKey.Builder(TestKeys.RSA_NEXT.toPublicJWK()).keyID("a\r\nb").build();

    assertThat(((KeySetPolicy.Rejected) rsaAndEs256.check(set(odd, dup))).why())
        .doesNotContain("\r")
        .doesNotContain("\n");
  }
}
