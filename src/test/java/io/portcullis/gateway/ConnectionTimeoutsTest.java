package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
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
  private HttpClientAgent client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    context = vertx.getOrCreateContext();
    context.runOnContext(
        ignored -> {
          // Created on the server's event loop, as the verticle does: every method runs there.
          timeouts = new ConnectionTimeouts(vertx, TIMEOUTS);
          timeouts.start();
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
              .onSuccess(s -> port.complete(s.actualPort()))
              .onFailure(port::completeExceptionally);
        });
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port.get(10, TimeUnit.SECONDS))
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(1));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void requestArrivedWhenAKeepAliveConnectionServedManyRequestsThenOnlyTheOneInFlightIsHeld()
      throws Exception {
    for (int i = 0; i < 200; i++) {
      int status =
          client
              .request(HttpMethod.GET, "/x")
              .compose(request -> request.send())
              .compose(HttpClientResponse::body)
              .map(body -> 200)
              .await(10, TimeUnit.SECONDS);
      assertThat(status).isEqualTo(200);
    }

    CompletableFuture<int[]> held = new CompletableFuture<>();
    context.runOnContext(ignored -> held.complete(new int[] {timeouts.heldRequests()}));
    // One connection served 200 requests well within one sweep period (1 s for a 60 s idle
    // timeout); at most the last may still count as in flight.
    assertThat(held.get(10, TimeUnit.SECONDS)[0]).isLessThanOrEqualTo(1);
  }
}
