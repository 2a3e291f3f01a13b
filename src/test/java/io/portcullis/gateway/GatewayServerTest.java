package io.portcullis.gateway;

import static io.portcullis.gateway.ApiFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatewayServerTest {
  private static Vertx upstreamVertx;
  private static EchoUpstream upstream;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new EchoUpstream(upstreamVertx);
  }

  @AfterAll
  static void stop() throws Exception {
    upstream.close();
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static RunningGateway gateway(GatewaySettings settings) throws Exception {
    RunningGateway gateway = new RunningGateway(settings, List.of());
    gateway.publish(List.of(open("a", "/a", upstream.uri(""))), List.of());
    return gateway;
  }

  @Test
  void startWhenPortZeroThenEveryInstanceServesTheReportedPort() throws Exception {
    try (RunningGateway gateway = gateway(RunningGateway.settings().withInstances(3))) {
      assertThat(gateway.server.port()).isPositive();

      for (int i = 0; i < 6; i++) {
        try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
          assertThat(connection.send("GET /a/x HTTP/1.1\r\nHost: gw\r\n\r\n").read().status())
              .isEqualTo(200);
        }
      }
    }
  }

  @Test
  void startWhenPortTakenThenFails() throws Exception {
    try (RunningGateway first = gateway(RunningGateway.settings().withInstances(1))) {
      GatewayServer second =
          new GatewayServer(
              first.vertx,
              RunningGateway.settings().withListen("127.0.0.1", first.server.port()),
              first.snapshots,
              io.portcullis.gateway.identify.Identifiers.none(),
              new io.portcullis.gateway.authorize.PolicyAuthorizer(),
              io.portcullis.monitor.TransactionRecorder.NONE);

      assertThatThrownBy(() -> RunningGateway.await(second.start()))
          .hasRootCauseInstanceOf(java.net.BindException.class);
    }
  }

  @Test
  void handleWhenHeaderSectionTooLargeThen431AndConnectionClosed() throws Exception {
    try (RunningGateway gateway = gateway(RunningGateway.settings().withLimits(1024, 1024, 1024));
        RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response response =
          connection
              .send("GET /a/x HTTP/1.1\r\nHost: gw\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(431);
      assertThat(response.header("content-type")).isEqualTo("application/problem+json");
      assertThat(new JsonObject(response.body()).getString("detail"))
          .isEqualTo("the request header section is larger than 1024 bytes");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void handleWhenRequestLineFarTooLongThen414FromTheParser() throws Exception {
    try (RunningGateway gateway = gateway(RunningGateway.settings().withLimits(1024, 1024, 1024));
        RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response response =
          connection.send("GET /a/" + "x".repeat(4000) + " HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(414);
      assertThat(new JsonObject(response.body()).getString("detail"))
          .isEqualTo("the request line is longer than 1024 characters");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void handleWhenRequestTargetJustOverLimitThen414AndConnectionKept() throws Exception {
    try (RunningGateway gateway = gateway(RunningGateway.settings().withLimits(1024, 1024, 1024));
        RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      String target = "/a/" + "x".repeat(1024 - 3);
      RawHttpConnection.Response atLimit =
          connection.send("GET " + target + " HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      RawHttpConnection.Response overLimit =
          connection.send("GET " + target + "y HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      assertThat(atLimit.status()).isEqualTo(200);
      assertThat(overLimit.status()).isEqualTo(414);
      assertThat(new JsonObject(overLimit.body()).getString("detail"))
          .isEqualTo("the request-target is 1025 characters long; the limit is 1024");
    }
  }

  @Test
  void closeWhenRequestInFlightThenItFinishesWhileNewConnectionsAreRefused() throws Exception {
    try (RunningGateway gateway = gateway(RunningGateway.settings());
        RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      int port = gateway.server.port();
      int held = upstream.heldCount();
      connection.send("GET /a/hold HTTP/1.1\r\nHost: gw\r\n\r\n");
      await().until(() -> upstream.heldCount() > held);

      Future<Void> closing = gateway.server.close(Duration.ofSeconds(30));
      await().until(() -> refusesConnections(port));
      upstream.releaseHeld();
      RawHttpConnection.Response response = connection.read();
      RunningGateway.await(closing);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("released");
      assertThat(connection.closedByServer()).isTrue();
      assertThat(gateway.server.port()).isEqualTo(-1);
    }
  }

  @Test
  void closeWhenRequestOutlastsDrainTimeoutThenItIsCutOff() throws Exception {
    try (RunningGateway gateway = gateway(RunningGateway.settings());
        RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      int held = upstream.heldCount();
      connection.send("GET /a/hold HTTP/1.1\r\nHost: gw\r\n\r\n");
      await().until(() -> upstream.heldCount() > held);

      RunningGateway.await(gateway.server.close(Duration.ofMillis(200)));

      assertThat(connection.closedByServer()).isTrue();
    } finally {
      upstream.releaseHeld();
    }
  }

  private static boolean refusesConnections(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
