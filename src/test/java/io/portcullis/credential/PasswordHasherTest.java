package io.portcullis.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(1_000, new SecureRandom());

  @Test
  void verifyWhenSamePasswordThenTrue() {
    String hash = hasher.hash("correct horse");
    assertThat(hasher.verify("correct horse", hash)).isTrue();
    assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct horse");
  }

  @Test
  void verifyWhenWrongPasswordThenFalse() {
    assertThat(hasher.verify("correct horsf", hasher.hash("correct horse"))).isFalse();
  }

  @Test
  void hashWhenCalledTwiceThenSaltsDiffer() {
    assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
  }

  @Test
  void verifyWhenNullPasswordThenFalse() {
    assertThat(hasher.verify(null, hasher.hash("x-password"))).isFalse();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "plain",
        "pbkdf2-sha256$1000$AAAA",
        "pbkdf2-sha256$abc$AAAAAAAAAAA$AAAA",
        "pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "md5$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$1000$!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      })
  void verifyWhenStoredHashMalformedThenFalseWithoutThrowing(String stored) {
    assertThat(hasher.verify("anything", stored)).isFalse();
    assertThat(PasswordHasher.isHash(stored)).isFalse();
  }

  @Test
  void verifyWhenHashFromOtherIterationCountThenStillVerifies() {
    String older = new PasswordHasher(2_000, new SecureRandom()).hash("pw-123456");
    assertThat(hasher.verify("pw-123456", older)).isTrue();
  }
}
