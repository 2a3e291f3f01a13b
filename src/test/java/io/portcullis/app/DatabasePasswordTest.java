package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.Database;
import io.portcullis.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database password from {@code PORTCULLIS_DB_PASSWORD} or {@code --db-password-file} rather
 * than the {@code --db} URL, which {@code ps} shows: against an H2 database created with a
 * password, so that a wrong or missing one is refused.
 */
class DatabasePasswordTest {
  private static final String PASSWORD = "s3cret-db-password";

  @TempDir Path dir;
  private String url;

  @BeforeEach
  void createProtectedDatabase() {
    url = "jdbc:h2:file:" + dir.resolve("db").resolve("portcullis") + ";USER=sa";
    Database.open(url, null, PASSWORD).close();
  }

  @Test
  void exportWhenPasswordFileHoldsThePasswordThenTheDatabaseOpens() throws Exception {
    Path file = Files.writeString(dir.resolve("db-password"), PASSWORD + "\n");

    CommandLineTest.Run r =
        CommandLineTest.run("export", "--db", url, "--db-password-file", file.toString());

    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void exportWhenPasswordFileHoldsAWrongPasswordThenExit1WithoutShowingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("db-password"), "wrong-password\n");

    CommandLineTest.Run r =
        CommandLineTest.run("export", "--db", url, "--db-password-file", file.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cannot export").doesNotContain("wrong-password");
  }

  @Test
  void exportWhenPasswordFileMissingThenExit1NamingTheOptionAndFile() {
    Path missing = dir.resolve("no-such-file");

    CommandLineTest.Run r =
        CommandLineTest.run("export", "--db", url, "--db-password-file", missing.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("--db-password-file " + missing + " cannot be read");
  }

  @Test
  void withPasswordFileWhenFileIsEmptyThenRejectedNamingTheOption() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");

    assertThatThrownBy(() -> StoreOptions.withPasswordFile(Map.of(), empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--db-password-file " + empty + " must hold the password");
  }

  @Test
  void startWhenPasswordInEnvironmentThenTheNodeOpensTheDatabaseElseItIsRefused() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("node.yaml"),
            "gateway:\n  listen: 127.0.0.1:0\nadmin:\n  listen: 127.0.0.1:0\n");
    Map<String, String> env =
        Map.of(StoreOptions.PASSWORD_ENV, PASSWORD, "PORTCULLIS_ADMIN_PASSWORD", "admin-pw-123");

    try (PortcullisNode node =
        PortcullisNode.start(new NodeOptions(config, dir.resolve("data"), url, env))) {
      assertThat(node.snapshots().isLoaded()).isTrue();
    }
    Map<String, String> wrong =
        Map.of(StoreOptions.PASSWORD_ENV, "wrong", "PORTCULLIS_ADMIN_PASSWORD", "admin-pw-123");
    assertThatThrownBy(
            () -> PortcullisNode.start(new NodeOptions(config, dir.resolve("data"), url, wrong)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open database");
  }
}
