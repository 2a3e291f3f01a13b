package io.portcullis.token.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptorTest {
  private final SecureRandom random = new SecureRandom();

  private KeyEncryptor encryptor() {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return new KeyEncryptor(key, random, "test");
  }

  @Test
  void decryptWhenSameKeyAndKidThenPlaintext() {
    KeyEncryptor e = encryptor();
    assertThat(e.decrypt(e.encrypt("{\"d\":\"secret\"}", "kid1"), "kid1"))
        .isEqualTo("{\"d\":\"secret\"}");
  }

  @Test
  void encryptWhenCalledThenCiphertextHidesPlaintext() {
    byte[] sealed = encryptor().encrypt("private-key-material", "kid1");
    assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("private-key-material");
  }

  @Test
  void decryptWhenOtherMasterKeyThenRefusedNamingTheKid() {
    byte[] sealed = encryptor().encrypt("x", "kid1");
    assertThatThrownBy(() -> encryptor().decrypt(sealed, "kid1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kid1")
        .hasMessageContaining("another master key");
  }

  @Test
  void decryptWhenMovedToAnotherKidThenRefused() {
    KeyEncryptor e = encryptor();
    byte[] sealed = e.encrypt("x", "kid1");
    assertThatThrownBy(() -> e.decrypt(sealed, "kid2")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void decryptWhenTamperedOrTruncatedThenRefused() {
    KeyEncryptor e = encryptor();
    byte[] sealed = e.encrypt("some private key", "kid1");
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> e.decrypt(sealed, "kid1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> e.decrypt(new byte[5], "kid1")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> e.decrypt(null, "kid1")).hasMessageContaining("malformed");
  }

  @Test
  void fromEnvironmentOrFileWhenNoEnvThenFileCreatedOwnerOnlyAndReused(@TempDir Path dir)
      throws Exception {
    KeyEncryptor first = KeyEncryptor.fromEnvironmentOrFile(null, dir, random);
    Path file = dir.resolve(KeyEncryptor.FILE);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    KeyEncryptor second = KeyEncryptor.fromEnvironmentOrFile("", dir, random);
    assertThat(second.decrypt(first.encrypt("x", "k"), "k")).isEqualTo("x");
    assertThat(second.origin()).contains(file.toString());
  }

  @Test
  void fromEnvironmentOrFileWhenEnvGivenThenItWins(@TempDir Path dir) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    KeyEncryptor e =
        KeyEncryptor.fromEnvironmentOrFile(Base64.getEncoder().encodeToString(key), dir, random);
    assertThat(e.origin()).contains(KeyEncryptor.ENV);
    assertThat(Files.exists(dir.resolve(KeyEncryptor.FILE))).isFalse();
  }

  @Test
  void fromEnvironmentOrFileWhenEnvNotAKeyThenErrorNamesTheVariable(@TempDir Path dir) {
    for (String bad : Set.of("not base64!", Base64.getEncoder().encodeToString(new byte[16]))) {
      assertThatThrownBy(() -> KeyEncryptor.fromEnvironmentOrFile(bad, dir, random))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(KeyEncryptor.ENV)
          .hasMessageContaining("32");
    }
  }
}
