package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file's {@code authorizationServers.local} at node start: a section the file has always
 * applies, even when every setting equals the default; only a file without the section keeps the
 * {@code local} server that is stored.
 */
class LocalServerApplyE2ETest {
  private static final String SERVERS =
      "gateway:\n  listen: 127.0.0.1:0\nadmin:\n  listen: 127.0.0.1:0\n";

  @TempDir Path dir;

  private RunningNode start(String yaml) {
    return RunningNode.startWithYaml(dir, yaml);
  }

  private static String local(String type, int purgeInterval) {
    return "authorizationServers:\n  local:\n    type: internal\n    tokenStore: { type: "
        + type
        + ", purgeInterval: "
        + purgeInterval
        + " }\n";
  }

  private static String storeOf(RunningNode node) {
    return node.node().tokenStores().settings().type();
  }

  @Test
  void startWhenFileDeclaresLocalEqualToTheDefaultsThenItReplacesTheStoredOne() {
    try (RunningNode node = start(SERVERS + local("database", 61))) {
      assertThat(storeOf(node)).isEqualTo("database");
    }
    try (RunningNode node = start(SERVERS + local("cache", 60))) {
      assertThat(storeOf(node)).isEqualTo("cache");
      assertThat(node.node().tokenStores().settings().purgeInterval()).isEqualTo(60);
    }
  }

  @Test
  void startWhenFileHasNoLocalThenTheStoredOneIsKept() {
    try (RunningNode node = start(SERVERS + local("database", 61))) {
      assertThat(storeOf(node)).isEqualTo("database");
    }
    try (RunningNode node = start(SERVERS)) {
      assertThat(storeOf(node)).isEqualTo("database");
      assertThat(node.node().tokenStores().settings().purgeInterval()).isEqualTo(61);
    }
  }
}
