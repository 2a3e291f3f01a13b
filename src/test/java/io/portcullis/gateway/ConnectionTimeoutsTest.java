package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the listener's connection watch holds on to: on a keep-alive connection, only the requests
 * in flight, however many have been served since the last sweep. Finished requests kept until the
 * sweep would be copied by every young collection meanwhile (at 10,000 requests a second, a whole
 * second of requests with their buffers), which cost the data plane more than all its checks.
 */
class ConnectionTimeoutsTest {
  private static final ClientTimeouts TIMEOUTS =
      new ClientTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(10), 1);

  private Vertx vertx;
  private Context context;
  private ConnectionTimeouts timeouts;
  private HttpServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    context = vertx.getOrCreateContext();
    context.runOnContext(
        ignored -> {
          // Created on the server's event loop, as the verticle does: every method runs there.
          // Not started: no periodic sweep, so that only requestArrived can let a request go,
          // however long the requests take on a loaded machine.
          timeouts = new ConnectionTimeouts(vertx, TIMEOUTS);
          server =
              vertx
                  .createHttpServer(ConnectionTimeouts.apply(new HttpServerOptions(), TIMEOUTS))
                  .connectionHandler(timeouts::opened)
                  .requestHandler(
                      request -> {
                        timeouts.requestArrived(request);
                        request.response().end("ok");
                      });
          server
              .listen(0, "127.0.0.1")
              .onSuccess(s -> listening.complete(s.actualPort()))
              .onFailure(listening::completeExceptionally);
        });
    port = listening.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void requestArrivedWhenAKeepAliveConnectionServedManyRequestsThenOnlyTheOneInFlightIsHeld()
      throws Exception {
    // The JDK's client as the independent one: sequential sends reuse its one pooled connection.
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as("request %d", i).isEqualTo(200);
    }

    CompletableFuture<int[]> held = new CompletableFuture<>();
    context.runOnContext(ignored -> held.complete(new int[] {timeouts.heldRequests()}));
    // One connection served 100 requests and nothing swept; at most the last may still count as
    // in flight.
    assertThat(held.get(10, TimeUnit.SECONDS)[0]).isLessThanOrEqualTo(1);
  }
}
