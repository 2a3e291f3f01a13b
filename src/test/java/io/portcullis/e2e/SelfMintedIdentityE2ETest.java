package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.config.ConfigException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node refuses, from its configuration file and its admin API, the registry entries with
 * which a token minted at /oauth2/jwt would identify as another application, and an API method that
 * would refuse every call.
 */
class SelfMintedIdentityE2ETest {
  private static final String HEAD =
      "gateway:\n  listen: 127.0.0.1:0\n  publicUrl: http://localhost:8080\n"
          + "admin:\n  listen: 127.0.0.1:0\n";

  @TempDir Path dir;

  private ConfigException refusedStart(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("portcullis.yaml"), HEAD + yaml);
    ConfigException refused =
        catchThrowableOfType(
            ConfigException.class,
            () -> RunningNode.start(file, dir.resolve("data"), null, Map.of()).close());
    assertThat(refused).as("the start must fail with a ConfigException").isNotNull();
    return refused;
  }

  @Test
  void startWhenAnApplicationMayChooseClientIdThenRefusedNamingFileLineAndClaim() throws Exception {
    ConfigException refused =
        refusedStart(
            "applications:\n  - name: app-a\n    clientSecret: app-a-secret\n"
                + "    claims: [department, client_id]\n");

    assertThat(refused.getMessage())
        .contains("portcullis.yaml:9: applications[0].claims[1]: ", "'client_id' is reserved");
  }

  @Test
  void startWhenAUserIsNamedLikeAnApplicationsSubThenRefusedNamingBoth() throws Exception {
    ConfigException refused =
        refusedStart(
            "users:\n  - username: app-b\n    password: app-b-password\n"
                + "applications:\n  - name: app-b\n    identifiers:\n"
                + "      - claims: { sub: app-b }\n");

    assertThat(refused.getMessage()).contains("user 'app-b'", "application app-b");
  }

  @Test
  void startWhenAnApiRequiresApiKeyThenRefusedNamingTheField() throws Exception {
    ConfigException refused =
        refusedStart(
            "apis:\n  - name: keyed\n    version: v1\n    basePath: /keyed/v1\n"
                + "    upstream: http://127.0.0.1:9000\n"
                + "    identifyAndAuthorize: { methods: [API_KEY] }\n");

    assertThat(refused.getMessage())
        .contains("apis[0].identifyAndAuthorize.methods", "API_KEY is not available");
  }

  @Test
  void adminApiWhenAUserIsNamedLikeAnApplicationsSubThen400() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("portcullis.yaml"),
            HEAD
                + "applications:\n  - name: app-b\n    identifiers:\n"
                + "      - claims: { sub: app-b }\n");
    try (RunningNode node = RunningNode.start(file, dir.resolve("data"), null, Map.of())) {
      HttpResponse<String> response =
          node.admin("POST", "/users", "{\"username\":\"app-b\",\"password\":\"app-b-password\"}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("user 'app-b'", "application app-b");
    }
  }
}
