package io.portcullis.token.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenHasherTest {
  @Test
  void hashWhenKnownInputThenSha256AsUnpaddedBase64Url() {
    // FIPS 180-2 test vector for "abc", in base64url.
    assertThat(TokenHasher.hash("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  }

  @Test
  void hashWhenTokensDifferByOneCharacterThenHashesDiffer() {
    String token = Tokens.newToken();
    String other = token.substring(0, 53) + (token.charAt(53) == 'a' ? 'b' : 'a');

    assertThat(TokenHasher.hash(token)).hasSize(43).isNotEqualTo(TokenHasher.hash(other));
    assertThat(TokenHasher.hash(token)).isEqualTo(TokenHasher.hash(token));
  }

  @Test
  void hashWhenNullThenNullPointerNamingTheToken() {
    assertThatThrownBy(() -> TokenHasher.hash(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("token");
  }
}
