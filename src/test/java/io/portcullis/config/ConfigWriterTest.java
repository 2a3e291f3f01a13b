package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.RegistryContent;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.SnapshotHolder;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigWriterTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ConfigLoader loader = new ConfigLoader();
  private final ConfigWriter writer = new ConfigWriter();

  private ControlPlane controlPlane() {
    return new ControlPlane(
        new InMemoryRegistryStore(),
        new SnapshotHolder(),
        new PasswordHasher(1_000, new SecureRandom()),
        json);
  }

  @Test
  void toYamlWhenExportedStateIsLoadedAgainThenTheContentIsEqual() {
    ControlPlane plane = controlPlane();
    plane.apply(
        loader
            .load(ConfigLoaderTest.PRODUCT_EXAMPLE, ConfigLoaderTest.PRODUCT_ENV)
            .config()
            .content());
    RegistryContent exported = plane.export();

    String yaml = writer.toYaml(exported);
    RegistryContent reloaded = loader.load(yaml, "export.yaml", Map.of()).config().content();

    assertThat(reloaded).isEqualTo(withJwksAsTrees(exported));
    assertThat(yaml)
        .contains("passwordHash: pbkdf2-sha256$", "clientSecretHash: pbkdf2-sha256$")
        .doesNotContain(
            "admin-password-1",
            "alice-password-1",
            "photo-app-secret-1",
            "password:",
            "clientSecret:");
    // Applying the export again changes nothing: the hashes are kept as they are.
    plane.apply(reloaded);
    assertThat(withJwksAsTrees(plane.export())).isEqualTo(withJwksAsTrees(exported));
  }

  /** The store gives JWK sets back as maps; the loader reads them as trees of the same JSON. */
  private RegistryContent withJwksAsTrees(RegistryContent c) {
    List<ApplicationSpec> apps =
        c.applications().stream()
            .map(
                a ->
                    ApplicationSpec.builder()
                        .name(a.name())
                        .description(a.description())
                        .clientId(a.clientId())
                        .clientSecret(a.clientSecret())
                        .clientSecretHash(a.clientSecretHash())
                        .authorizationServer(a.authorizationServer())
                        .identifiers(a.identifiers())
                        .jwks(a.jwks() == null ? null : json.valueToTree(a.jwks()))
                        .jwksUri(a.jwksUri())
                        .certificates(a.certificates())
                        .scopes(a.scopes())
                        .apis(a.apis())
                        .claims(a.claims())
                        .tokenParameters(a.tokenParameters())
                        .users(a.users())
                        .enabled(a.enabled())
                        .build())
            .toList();
    return new RegistryContent(c.users(), c.authorizationServers(), c.scopes(), c.apis(), apps);
  }

  @Test
  void toYamlWhenWholeConfigIsLoadedAgainThenEqualButWithoutTheStorePassword() {
    PortcullisConfig config =
        loader
            .load(
                """
                gateway:
                  listen: "[::1]:8081"
                  maxBodySize: 0
                  drainTimeout: 3
                  timeouts: { idle: 7000 }
                  bodyBuffer: 1024
                admin: { listen: ":9081" }
                store: { url: "jdbc:postgresql://db/p", username: gw, password: "db-secret" }
                demo: { echoUpstream: 127.0.0.1:9000 }
                scopes: [read]
                """,
                "c.yaml",
                Map.of())
            .config();
    String yaml = writer.toYaml(config);
    assertThat(yaml).doesNotContain("db-secret");
    PortcullisConfig reloaded = loader.load(yaml, "export.yaml", Map.of()).config();
    assertThat(reloaded.store().password()).isNull();
    assertThat(
            PortcullisConfig.builder()
                .gateway(reloaded.gateway())
                .admin(reloaded.admin())
                .store(config.store())
                .demo(reloaded.demo())
                .content(reloaded.content())
                .build())
        .isEqualTo(config);
  }

  @Test
  void toYamlWhenStringsLookLikeOtherYamlThenTheyComeBackAsTheSameStrings() {
    List<String> tricky =
        List.of(
            "yes",
            "no",
            "on",
            "off",
            "true",
            "null",
            "~",
            "",
            "123",
            "0x1F",
            "1.50",
            "1e3",
            "10:80",
            "a: b",
            "- x",
            "#x",
            "x #y",
            "[a]",
            "{a}",
            "'q'",
            "\"dq\"",
            " lead",
            "trail ",
            "multi\nline\n",
            "${HOME}",
            "$${HOME}",
            "$$",
            "*alias",
            "&anchor",
            "!tag",
            "@at",
            "`tick",
            "%pct",
            "|",
            ">",
            "\u00e9t\u00e9",
            "tab\there",
            "1_000",
            "+1",
            ".5",
            "0o17",
            "0b11",
            "-.inf",
            ".nan",
            "Yes",
            "Y",
            "n",
            "NULL",
            "=",
            "<<",
            "1:2:3",
            "2001-12-14");
    StringBuilder yaml = new StringBuilder("applications:\n");
    for (int i = 0; i < tricky.size(); i++) {
      yaml.append("  - name: app").append(i).append('\n');
      yaml.append("    description: ").append(json.valueToTree(tricky.get(i)).toString());
      yaml.append('\n');
      yaml.append("    identifiers: [ { claims: { sub: app").append(i).append(" } } ]\n");
    }
    // Double-quoted JSON strings are YAML too: each description is exactly the Java string,
    // except for ${, which the loader resolves; so the source escapes it.
    RegistryContent source =
        loader
            .load(yaml.toString().replace("${", "$${"), "tricky.yaml", Map.of("HOME", "/root"))
            .config()
            .content();
    assertThat(source.applications())
        .extracting(ApplicationSpec::description)
        .containsExactlyElementsOf(tricky);

    String written = writer.toYaml(source);
    RegistryContent reloaded =
        loader.load(written, "export.yaml", Map.of("HOME", "/root")).config().content();
    assertThat(reloaded).isEqualTo(source);
  }
}
