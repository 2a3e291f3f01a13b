package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryTokenTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "access_token=x",
        "access_token",
        "a=1&access_token=x",
        "a=1;access_token=x",
        "ACCESS_TOKEN=x",
        "access.token=x",
        "access+token=x",
        "access%20token=x",
        "access%5Ftoken=x",
        "%61ccess_token=x",
        "access[token=x"
      })
  void presentWhenNameReadsAsAccessTokenThenTrue(String query) {
    assertThat(QueryToken.present(query)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "a=access_token", "access_tokens=x", "xaccess_token=x", "access_toke=x", "%"})
  void presentWhenNoSuchNameThenFalse(String query) {
    assertThat(QueryToken.present(query)).isFalse();
    assertThat(QueryToken.strip(query)).isSameAs(query);
  }

  @Test
  void stripWhenPresentThenOtherParametersKeptAsSent() {
    assertThat(QueryToken.strip("a=%2F&access_token=x;b=1&ACCESS.TOKEN=y&c"))
        .isEqualTo("a=%2F;b=1&c");
    assertThat(QueryToken.strip("access_token=x&b=1")).isEqualTo("b=1");
    assertThat(QueryToken.strip("access_token=x")).isNull();
    assertThat(QueryToken.strip("access_token=x&access_token=y")).isNull();
    assertThat(QueryToken.strip(null)).isNull();
  }

  @Test
  void parseWhenBearerAndQueryTokenThenInvalidMultipleMethods() {
    Credentials both = Credentials.parse(java.util.List.of("Bearer abc"), "x=1&access_token=def");
    assertThat(both).isInstanceOf(Credentials.Invalid.class);
    assertThat(((Credentials.Invalid) both).defect())
        .isEqualTo(Credentials.Defect.MULTIPLE_METHODS);
    assertThat(Credentials.parse(java.util.List.of("Bearer abc"), "x=1"))
        .isInstanceOf(Credentials.Bearer.class);
    assertThat(Credentials.parse(java.util.List.of("Basic YTpi"), "access_token=def"))
        .isInstanceOf(Credentials.Basic.class);
  }
}
