package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.Portcullis;
import io.portcullis.store.Database;
import io.portcullis.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

  private record Run(int exit, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = new CommandLine(new Portcullis()).execute(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void exportWhenPasswordFileHoldsThePasswordThenTheDatabaseOpens() throws Exception {
    Path file = Files.writeString(dir.resolve("db-password"), PASSWORD + "\n");

    Run r = run("export", "--db", url, "--db-password-file", file.toString());

    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void exportWhenPasswordFileHoldsAWrongPasswordThenExit1WithoutShowingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("db-password"), "wrong-password\n");

    Run r = run("export", "--db", url, "--db-password-file", file.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cannot export").doesNotContain("wrong-password");
  }

  @Test
  void exportWhenPasswordFileMissingThenExit1NamingTheOptionAndFile() {
    Path missing = dir.resolve("no-such-file");

    Run r = run("export", "--db", url, "--db-password-file", missing.toString());

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
