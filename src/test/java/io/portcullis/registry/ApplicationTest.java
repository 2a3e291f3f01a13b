package io.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationTest {

  @Test
  void builderWhenOnlyNamesSetThenEnabledWithEmptyListsAndNoTlsClientAuth() {
    Application app = Application.builder().name("photo").clientId("photo").build();

    assertThat(app.enabled()).isTrue();
    assertThat(app.scopes()).isEmpty();
    assertThat(app.identifiers()).isEmpty();
    assertThat(app.tokenParameters()).isEmpty();
    assertThat(app.clientSecretHash()).isNull();
    assertThat(app.tlsClientAuth()).isNull();
  }

  @Test
  void toBuilderWhenBuiltUnchangedThenEqualsTheOriginal() {
    Application app =
        Application.builder()
            .name("photo")
            .description("prints photos")
            .clientId("photo-client")
            .clientSecretHash("hash")
            .authorizationServer("local")
            .identifiers(List.of(new Application.ClaimSet(Map.of("sub", "photo"))))
            .jwksUri("https://photo.example/jwks")
            .scopes(List.of("read"))
            .apis(List.of("pets/v1"))
            .claims(List.of("dept"))
            .tokenParameters(Map.of("tier", "gold"))
            .users(List.of("alice"))
            .enabled(false)
            .build();

    assertThat(app.toBuilder().build()).isEqualTo(app);
    assertThat(app.toBuilder().clientId("other").build().clientId()).isEqualTo("other");
  }
}
