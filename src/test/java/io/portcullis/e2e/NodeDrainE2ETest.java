package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.gateway.EchoUpstream;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SIGTERM does ({@code serve} closes the node in its shutdown hook): drain, then stop. */
class NodeDrainE2ETest {
  @TempDir Path dir;

  @Test
  void closeWhenRequestInFlightThenItCompletesBeforeCloseReturns() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EchoUpstream upstream = new EchoUpstream(vertx)) {
      RunningNode node =
          RunningNode.start(
              RunningNode.configFile("core.yaml", dir),
              dir.resolve("data"),
              null,
              Map.of(
                  "UPSTREAM",
                  "http://127.0.0.1:" + upstream.port(),
                  "ALICE_PASSWORD",
                  "alice-password"));
      int port = node.node().gatewayPort();
      CompletableFuture<HttpResponse<String>> inFlight =
          RunningNode.http()
              .sendAsync(node.gateway("/core/v1/hold").GET().build(), BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(30)).until(() -> upstream.heldCount() == 1);

      AtomicReference<Throwable> closeFailure = new AtomicReference<>();
      Thread closer =
          new Thread(
              () -> {
                try {
                  node.close();
                } catch (Throwable e) {
                  closeFailure.set(e);
                }
              },
              "node-closer");
      closer.start();
      // The gateway stops accepting first; the upstream still holds the request, so close waits.
      await().atMost(Duration.ofSeconds(30)).until(() -> !accepts(port));
      assertThat(closer.isAlive()).as("close returned while a request was in flight").isTrue();
      assertThat(inFlight).isNotDone();

      upstream.releaseHeld();
      closer.join(TimeUnit.SECONDS.toMillis(60));

      assertThat(closer.isAlive()).isFalse();
      assertThat(closeFailure.get()).isNull();
      HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("released");
    } finally {
      vertx.close().await();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
