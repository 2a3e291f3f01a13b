package io.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationServerTest {

  @Test
  void builderWhenOnlyKeySetThenEveryOtherComponentHasItsDefault() {
    AuthorizationServer s =
        AuthorizationServer.builder()
            .alias("idp")
            .type(AuthorizationServer.Type.EXTERNAL)
            .issuer("https://idp")
            .build();

    assertThat(s.clockSkew()).isEqualTo(AuthorizationServer.DEFAULT_CLOCK_SKEW);
    assertThat(s.jwt()).isEqualTo(AuthorizationServer.JwtSettings.DEFAULT);
    assertThat(s.tokenStore()).isEqualTo(AuthorizationServer.TokenStoreSettings.DEFAULT);
    assertThat(s.assertionMaxLifetime())
        .isEqualTo(AuthorizationServer.DEFAULT_ASSERTION_MAX_LIFETIME);
    assertThat(s.scopeMatching()).isEqualTo(AuthorizationServer.ScopeMatching.ALL);
    assertThat(s.dpop()).isEqualTo(AuthorizationServer.DpopSettings.DEFAULT);
    assertThat(s.secrets()).isEmpty();
    assertThat(s.httpsOnly()).isFalse();
  }

  @Test
  void toBuilderWhenBuiltUnchangedThenEqualsTheOriginal() {
    AuthorizationServer s =
        AuthorizationServer.builder()
            .alias("partner")
            .type(AuthorizationServer.Type.EXTERNAL)
            .issuer("https://partner")
            .clockSkew(5)
            .audience(List.of("api"))
            .algorithms(List.of("HS256"))
            .assertionMaxLifetime(Duration.ofSeconds(30))
            .secrets(List.of("a-shared-secret-of-thirty-two-bytes!"))
            .httpsOnly(true)
            .dpop(new AuthorizationServer.DpopSettings(true, 30, 2))
            .build();

    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(s.toBuilder().clockSkew(7).build().clockSkew()).isEqualTo(7);
  }
}
