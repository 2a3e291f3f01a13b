package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.portcullis.config.ConfigException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration file at node start: a bad file stops the start with {@code FILE:LINE: PATH:
 * message} and leaves the store exactly as it was; a good file applied twice leaves the same state.
 */
class ConfigApplyE2ETest {
  static final Map<String, String> ENV =
      Map.of("ALICE_PASSWORD", "alice-password", "PHOTO_APP_SECRET", "photo-app-secret");

  @TempDir static Path dir;
  static Path data;
  static StoreContent afterGoodStart;

  /** A node starts with the good file, an admin adds an API through the admin API, it stops. */
  @BeforeAll
  static void startOnceWithTheGoodFile() {
    data = dir.resolve("data");
    try (RunningNode node =
        RunningNode.start(RunningNode.configFile("apply-good.yaml", dir), data, null, ENV)) {
      HttpResponse<String> created =
          node.admin(
              "POST",
              "/apis",
              "{\"name\":\"adminmade\",\"version\":\"v1\",\"basePath\":\"/adminmade/v1\","
                  + "\"upstream\":\"http://127.0.0.1:9005\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    afterGoodStart = StoreContent.read(data);
    assertThat(afterGoodStart.api("kept/v1").orElseThrow().upstreams())
        .containsExactly(URI.create("http://127.0.0.1:9001"));
    assertThat(afterGoodStart.api("adminmade/v1")).isPresent();
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        arguments(
            "apply-bad-field.yaml",
            "connect: 2s",
            "apis[2].timeouts.connect",
            "expected a positive whole number of milliseconds"),
        // Found by the loader: the file must be self-contained.
        arguments("apply-bad-reference.yaml", "ghost/v1]", "applications[2].apis[1]", "ghost/v1"),
        // Found only by the control plane, against the store: the file alone is valid.
        arguments(
            "apply-store-clash.yaml",
            "basePath: /adminmade/v1",
            "apis[2].basePath",
            "base path /adminmade/v1 is already used by API adminmade/v1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void startWhenFileHasOneBadFieldAmongValidChangesThenNamesFileLineFieldAndAppliesNothing(
      String resource, String textOnBadLine, String path, String message) {
    Path file = RunningNode.configFile(resource, dir);
    int line = RunningNode.lineOf(file, textOnBadLine);

    ConfigException refused =
        catchThrowableOfType(
            ConfigException.class, () -> RunningNode.start(file, data, null, ENV).close());

    assertThat(refused).as("the start must fail with a ConfigException").isNotNull();
    assertThat(refused.getMessage())
        .as("the one problem")
        .startsWith(file + ":" + line + ": " + path + ": ")
        .contains(message)
        .doesNotContain("\n");
    assertThat(refused.problems()).hasSize(1);
    StoreContent after = StoreContent.read(data);
    assertThat(after).isEqualTo(afterGoodStart);
    assertThat(after.api("added/v1")).isEmpty();
    assertThat(after.api("kept/v1").orElseThrow().upstreams())
        .containsExactly(URI.create("http://127.0.0.1:9001"));
    assertThat(after.users()).extracting(u -> u.username()).doesNotContain("bob");
  }

  @Test
  void startWhenSameFileAppliedTwiceThenExportIsIdentical(@TempDir Path other) {
    Path file = RunningNode.configFile("apply-good.yaml", other);
    String first;
    String second;
    try (RunningNode node = RunningNode.start(file, other.resolve("data"), null, ENV)) {
      first = export(node);
    }
    try (RunningNode node = RunningNode.start(file, other.resolve("data"), null, ENV)) {
      second = export(node);
    }

    assertThat(second).isEqualTo(first);
    assertThat(first)
        .contains("passwordHash: ", "clientSecretHash: ", "name: kept", "corp-idp")
        .doesNotContain("alice-password", "photo-app-secret", RunningNode.ADMIN_PASSWORD);
  }

  private static String export(RunningNode node) {
    HttpResponse<String> export = node.admin("GET", "/export", null);
    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/yaml");
    List<String> hashes = export.body().lines().filter(l -> l.contains("passwordHash: ")).toList();
    assertThat(hashes).as("admin and alice").hasSize(2);
    return export.body();
  }
}
