package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalRoutesTest {
  private static final LocalRoutes OAUTH =
      new LocalRoutes(List.of("/oauth2", "/.well-known"), request -> {});

  @ParameterizedTest
  @CsvSource({
    "/oauth2, true",
    "/oauth2/token, true",
    "/.well-known/oauth-authorization-server, true",
    "/oauth2x, false",
    "/oauth, false",
    "/api/oauth2, false",
    "/, false"
  })
  void claimsWhenPathThenWholeSegmentPrefixMatch(String path, boolean claimed) {
    assertThat(OAUTH.claims(path)).isEqualTo(claimed);
  }

  @ParameterizedTest
  @CsvSource({"oauth2", "/oauth2/"})
  void newWhenPrefixIsNotABasePathThenRejected(String prefix) {
    assertThatThrownBy(() -> new LocalRoutes(List.of(prefix), request -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(prefix);
  }
}
