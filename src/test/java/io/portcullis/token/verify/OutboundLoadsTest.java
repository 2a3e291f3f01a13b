package io.portcullis.token.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.registry.OutboundPolicy;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key loads check the outbound policy themselves, right before they connect or read: a host name is
 * resolved then (so a name validation could not judge is judged by its addresses), and a registry
 * written past validation still cannot make the gateway fetch or read where it may not.
 */
class OutboundLoadsTest {
  static Vertx vertx;
  @TempDir Path directory;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @Test
  void remoteJwksWhenNameResolvesToARefusedListenerThenNotFetched() throws Exception {
    try (JwksServer server = new JwksServer(vertx)) {
      int port = URI.create(server.url()).getPort();
      String byName = "http://localhost:" + port + "/jwks.json";
      OutboundPolicy policy = new OutboundPolicy(List.of(), List.of("127.0.0.1:" + port), null);

      assertThatThrownBy(() -> new RemoteJwks(byName, VerifierSettings.DEFAULTS, policy).load())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not fetched")
          .hasMessageContaining("admin listener");
      assertThat(server.requests()).isZero();

      new RemoteJwks(byName, VerifierSettings.DEFAULTS, OutboundPolicy.DEFAULT).load();
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  @Test
  void remoteJwksWhenMetadataAddressThenNotFetched() {
    assertThatThrownBy(
            () ->
                new RemoteJwks(
                        "http://169.254.169.254/latest/meta-data/iam",
                        VerifierSettings.DEFAULTS,
                        OutboundPolicy.DEFAULT)
                    .load())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("link-local or cloud metadata");
  }

  @Test
  void pemKeysWhenFileIsOutsideTheRootsThenNotRead() throws Exception {
    Path root = Files.createDirectories(directory.resolve("conf"));
    Path outside = Files.writeString(directory.resolve("elsewhere.pem"), "-----BEGIN X-----");
    OutboundPolicy policy = new OutboundPolicy(List.of(), List.of(), List.of(root));

    for (String file : List.of("/etc/passwd", outside.toString())) {
      assertThatThrownBy(() -> new PemKeys(List.of(file), policy).load())
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("certificates[0] not read: ")
          .hasMessageContaining("outside");
    }
  }
}
