package io.portcullis.token.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DpopNoncesTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:10Z");

  static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void isCurrentWhenSameWindowOrTheNextThenTrueLaterFalse() {
    DpopNonces nonces = new DpopNonces(key(1));
    String nonce = nonces.current(NOW);

    assertThat(nonces.isCurrent(nonce, NOW)).isTrue();
    assertThat(nonces.isCurrent(nonce, NOW.plus(DpopNonces.PERIOD))).isTrue();
    assertThat(nonces.isCurrent(nonce, NOW.plus(DpopNonces.PERIOD.multipliedBy(2)))).isFalse();
    assertThat(nonces.isCurrent(nonce, NOW.minus(DpopNonces.PERIOD))).isFalse();
  }

  @Test
  void isCurrentWhenAnotherNodeHasTheSameKeyThenAcceptedAndWithAnotherKeyRefused() {
    String nonce = new DpopNonces(key(1)).current(NOW);

    assertThat(new DpopNonces(key(1)).isCurrent(nonce, NOW)).isTrue();
    assertThat(new DpopNonces(key(2)).isCurrent(nonce, NOW)).isFalse();
    assertThat(new DpopNonces(key(1)).isCurrent(null, NOW)).isFalse();
    assertThat(new DpopNonces(key(1)).isCurrent("x".repeat(65), NOW)).isFalse();
  }

  @Test
  void constructorWhenKeyTooShortThenRefusedNamingTheLength() {
    assertThatThrownBy(() -> new DpopNonces(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes; had 16");
  }

  @Test
  void normalizeWhenCaseDefaultPortQueryOrFragmentThenSameUri() {
    assertThat(DpopProofs.normalize("HTTPS://Gateway.Example:443/a/b?x=1#y"))
        .isEqualTo("https://gateway.example/a/b");
    assertThat(DpopProofs.normalize("http://gateway.example")).isEqualTo("http://gateway.example/");
    assertThat(DpopProofs.normalize("http://gateway.example:8080/A"))
        .isEqualTo("http://gateway.example:8080/A");
    assertThat(DpopProofs.normalize("not a uri")).isEqualTo("not a uri");
  }
}
