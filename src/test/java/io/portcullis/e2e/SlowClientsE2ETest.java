package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.gateway.RawHttpConnection;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway.timeouts} of the configuration file reach the listener of a whole node. */
class SlowClientsE2ETest {
  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node =
        RunningNode.start(
            RunningNode.configFile("slow-clients.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of("UPSTREAM", "http://127.0.0.1:" + upstream.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void gatewayWhenBodyCrawlsBelowTheConfiguredRateThen408AndClosed() throws Exception {
    int before = upstream.requests.get();
    try (RawHttpConnection connection = new RawHttpConnection(node.node().gatewayPort())) {
      connection.send(
          "POST /open/v1/x HTTP/1.1\r\nHost: gateway\r\nContent-Length: 100\r\n\r\nabc");

      RawHttpConnection.Response answer = connection.read();

      assertThat(answer.status()).isEqualTo(408);
      assertThat(connection.closedByServer()).isTrue();
    }
    assertThat(upstream.requests.get()).isEqualTo(before);
  }

  @Test
  void gatewayWhenRequestHeadIsNotCompletedThenClosed() throws Exception {
    try (RawHttpConnection connection = new RawHttpConnection(node.node().gatewayPort())) {
      connection.send("GET /open/v1/x HTTP/1.1\r\nHost: gateway\r\n");

      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void gatewayWhenBodyArrivesAtOnceThenForwarded() throws Exception {
    try (RawHttpConnection connection = new RawHttpConnection(node.node().gatewayPort())) {
      connection.send(
          "POST /open/v1/x HTTP/1.1\r\nHost: gateway\r\nContent-Length: 5\r\n\r\nhello");

      assertThat(connection.read().status()).isEqualTo(200);
    }
  }
}
