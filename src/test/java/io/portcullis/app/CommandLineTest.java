package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.Portcullis;
import io.portcullis.store.HoldH2File;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The commands as a user runs them: exit codes and what they print. */
class CommandLineTest {
  record Run(int exit, String out, String err) {}

  /** Runs the command line as {@code portcullis ARGS…} would, capturing what it prints. */
  static synchronized Run run(String... args) {
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
  void serveWhenConfigInvalidThenExit2NamingFileLineAndField(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(
        config,
        "gateway:\n  listen: 127.0.0.1:0\nadmin:\n  listen: 127.0.0.1:0\napis:\n  - name: a\n    version: v1\n    basePath: no-slash\n    upstream: http://127.0.0.1:1\n");
    Run r = run("serve", "--config", config.toString(), "--data", dir.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(config + ":8: apis[0].basePath");
    assertThat(r.err()).contains("the configuration was not applied");
  }

  @Test
  void serveWhenConfigMissingThenExit2NamingTheFile(@TempDir Path dir) {
    Run r = run("serve", "--config", dir.resolve("nope.yaml").toString(), "--data", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nope.yaml");
  }

  @Test
  void exportWhenStoreEmptyThenValidYamlOnStdout(@TempDir Path dir) {
    Run r = run("export", "--data", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("level=");
  }

  @Test
  void keysRotateWhenNoLocalServerThenExit1WithAdvice(@TempDir Path dir) {
    Run r = run("keys", "rotate", "--data", dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("start the gateway once first");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "admin"})
  void serveWhenListenerPortIsTakenThenExit1WithOneLineNamingListenerAndPort(
      String listener, @TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path config = dir.resolve("taken.yaml");
      Files.writeString(
          config,
          "gateway:\n  listen: 127.0.0.1:"
              + (listener.equals("gateway") ? port : 0)
              + "\n  publicUrl: http://localhost:8080\nadmin:\n  listen: 127.0.0.1:"
              + (listener.equals("admin") ? port : 0)
              + "\n");

      Run r = run("serve", "--config", config.toString(), "--data", dir.resolve("data").toString());

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().strip())
          .isEqualTo(
              "portcullis: cannot start: the "
                  + listener
                  + " listener cannot listen on 127.0.0.1:"
                  + port
                  + ": the address is already in use (another process listens there?)");
    }
  }

  @Test
  void exportWhenAnotherProcessHoldsTheDataDirectoryThenExit1NamingTheFile(@TempDir Path dir)
      throws Exception {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("portcullis");
    try (HoldH2File held = HoldH2File.start(url)) {
      Run r = run("export", "--data", dir.toString());

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().strip())
          .startsWith("portcullis: cannot export: cannot open database " + url)
          .contains("another process holds the database file " + dir.toAbsolutePath())
          .doesNotContain("\n");
    }
  }

  @Test
  void serveWhenReapplyGivenThenTheNodeIsToldToApplyTheFileAnyway() {
    ServeCommand without = new ServeCommand();
    new CommandLine(without).parseArgs("--config", "portcullis.yaml");
    ServeCommand with = new ServeCommand();
    new CommandLine(with).parseArgs("--config", "portcullis.yaml", "--reapply");

    assertThat(without.reapply).isFalse();
    assertThat(with.reapply).isTrue();
  }

  @Test
  void versionWhenAskedThenPrintsIt() {
    assertThat(run("version").out()).startsWith("portcullis ");
  }
}
