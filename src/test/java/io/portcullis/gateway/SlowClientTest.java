package io.portcullis.gateway;

import static io.portcullis.gateway.ApiFixtures.api;
import static io.portcullis.gateway.ApiFixtures.application;
import static io.portcullis.gateway.ApiFixtures.open;
import static io.portcullis.gateway.ApiFixtures.requiring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.monitor.TransactionEvent;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Timeouts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and crawling clients through a real gateway and a real upstream: they are cut off by the
 * listener's timeouts, and never hold the pooled upstream connections that other APIs need.
 */
class SlowClientTest {
  private static final ClientTimeouts TIMEOUTS =
      new ClientTimeouts(
          // requestHead leaves room for a cold client's first connection on a loaded machine
          Duration.ofMillis(2_000), Duration.ofMillis(1_000), Duration.ofMillis(600), 512);
  private static final int POOL_SIZE = 16;

  private static Vertx upstreamVertx;
  private static EchoUpstream upstream;
  private static RunningGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new EchoUpstream(upstreamVertx);
    gateway =
        new RunningGateway(
            RunningGateway.settings()
                .withClientTimeouts(TIMEOUTS, GatewaySettings.DEFAULT_BODY_BUFFER)
                .withUpstreamPool(POOL_SIZE, GatewaySettings.DEFAULT_UPSTREAM_WAIT_QUEUE),
            List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void publish() {
    gateway.publish(
        List.of(
            open("open", "/open/v1", upstream.uri("")),
            api(
                "other",
                ApiType.REST,
                "/other/v1",
                List.of(upstream.uri("")),
                new Timeouts(10_000, 5_000),
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of(application("app-b", List.of(), true)));
  }

  @Test
  void forwardWhenManyClientsCrawlTheirBodiesThenEachGets408AndAnotherApiIsServedMeanwhile()
      throws Exception {
    // Twice as many crawlers as the gateway has pooled connections to the upstream (two event
    // loops): before the fix each took one before its body arrived, and the call below waited its
    // connect timeout of 10 s for a 502.
    int crawlers = 4 * POOL_SIZE * 2;
    // Warm up: the first call of a JVM loads classes, which is not what is measured here.
    assertThat(gateway.get("/other/v1/warm", "Authorization", "Bearer app.app-b").statusCode())
        .isEqualTo(200);
    int requestsBefore = upstream.requests.get();
    List<RawHttpConnection> connections = new ArrayList<>();
    ScheduledExecutorService crawl = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i < crawlers; i++) {
        RawHttpConnection connection = new RawHttpConnection(gateway.server.port());
        connection.send(
            "POST /open/v1/x HTTP/1.1\r\nHost: gateway\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 1000\r\n\r\na");
        connections.add(connection);
      }
      // One byte per connection every 100 ms: 10 bytes/s, far below the 512 bytes/s asked for.
      crawl.scheduleAtFixedRate(
          () -> {
            for (RawHttpConnection connection : connections) {
              try {
                connection.sendBytes(new byte[] {'a'});
              } catch (IOException closed) {
                // cut off by the gateway, as it should
              }
            }
          },
          100,
          100,
          TimeUnit.MILLISECONDS);
      Thread.sleep(200);

      long started = System.nanoTime();
      HttpResponse<String> other = gateway.get("/other/v1/y", "Authorization", "Bearer app.app-b");
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(other.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(other.body()).getString("path")).isEqualTo("/y");
      // Broken, the call waited its connect timeout of 10 s for a 502; served, it takes
      // milliseconds. 8 s leaves a loaded machine room to stall without letting the 10 s through.
      assertThat(tookMillis).isLessThan(8_000);

      for (RawHttpConnection connection : connections) {
        RawHttpConnection.Response answer = connection.read();
        assertThat(answer.status()).isEqualTo(408);
        assertThat(answer.header("connection")).isEqualTo("close");
        assertThat(new JsonObject(answer.body()).getString("detail"))
            .startsWith("the request body arrived too slowly");
        assertThat(connection.closedByServer()).isTrue();
      }
      // Not one crawling body reached the upstream: they held no upstream connection.
      assertThat(upstream.requests.get() - requestsBefore).isEqualTo(1);
      // A call is recorded when its response has ended, which its client may see first.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> gateway.events.stream().filter(e -> e.status() == 408).count() >= crawlers);
    } finally {
      crawl.shutdownNow();
      for (RawHttpConnection connection : connections) connection.close();
    }
  }

  @Test
  void forwardWhenBodyIsSlowButAboveTheMinimumRateThenItArrivesWhole() throws Exception {
    // A gateway of its own with body windows of 2 s (1,024 bytes each at 512 bytes/s): 10 pieces
    // of 1,024 bytes every 700 ms, about 1,460 bytes/s over more than three windows. One piece
    // meets a window, so a sender stalled up to about a second on a loaded machine still does;
    // with the shared gateway's 600 ms windows a stall of 450 ms made the test fail.
    ClientTimeouts slowWindows =
        new ClientTimeouts(
            TIMEOUTS.requestHead(), TIMEOUTS.idle(), Duration.ofSeconds(2), TIMEOUTS.minBodyRate());
    try (RunningGateway own =
            new RunningGateway(
                RunningGateway.settings()
                    .withClientTimeouts(slowWindows, GatewaySettings.DEFAULT_BODY_BUFFER),
                List.of());
        RawHttpConnection connection = new RawHttpConnection(own.server.port())) {
      own.publish(List.of(open("open", "/open/v1", upstream.uri(""))), List.of());
      connection.send(
          "POST /open/v1/slow HTTP/1.1\r\nHost: gateway\r\nContent-Type: text/plain\r\n"
              + "Content-Length: 10240\r\n\r\n");
      for (int i = 0; i < 10; i++) {
        Thread.sleep(700);
        connection.sendBytes("b".repeat(1024).getBytes(StandardCharsets.US_ASCII));
      }

      RawHttpConnection.Response answer = connection.read();

      assertThat(answer.status()).isEqualTo(200);
      assertThat(new JsonObject(answer.body()).getString("body")).isEqualTo("b".repeat(10240));
    }
  }

  @Test
  void forwardWhenChunkedBodyStopsThen408() throws Exception {
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send(
          "POST /open/v1/chunked HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\nhello\r\n");

      RawHttpConnection.Response answer = connection.read();

      assertThat(answer.status()).isEqualTo(408);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void connectionWhenRequestHeadIsNotCompletedThenClosed() throws Exception {
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send("GET /open/v1/x HTTP/1.1\r\nHost: gateway\r\n");
      long started = System.nanoTime();

      assertThat(connection.closedByServer()).isTrue();
      // requestHead is 2 s; the socket's own timeout is 30 s.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
    }
  }

  @Test
  void connectionWhenIdleAfterAResponseThenClosed() throws Exception {
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send("GET /open/v1/x HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertThat(connection.read().status()).isEqualTo(200);
      long started = System.nanoTime();

      assertThat(connection.closedByServer()).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
    }
  }

  @Test
  void connectionWhenRequestWaitsLongerThanTheIdleTimeoutOnTheUpstreamThenItIsNotCut()
      throws Exception {
    // 2.5 s of silence both ways: longer than the idle (1 s) and request-head (2 s) timeouts.
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send("GET /open/v1/sleep/2500 HTTP/1.1\r\nHost: gateway\r\n\r\n");

      assertThat(connection.read().status()).isEqualTo(200);

      connection.send("GET /open/v1/again HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertThat(connection.read().status()).isEqualTo(200);
    }
  }

  @Test
  void forwardWhenPoolAndItsWaitQueueAreFullThen503AtOnce() throws Exception {
    try (RunningGateway small =
        new RunningGateway(
            RunningGateway.settings().withInstances(1).withUpstreamPool(1, 1),
            List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)))) {
      // A connect timeout longer than the test, so that the queued call waits for the release.
      small.publish(
          List.of(
              api(
                  "open",
                  ApiType.REST,
                  "/open/v1",
                  List.of(upstream.uri("")),
                  new Timeouts(60_000, 60_000),
                  IdentifyAndAuthorize.OPEN)),
          List.of());
      try {
        // The one pooled connection is held by the upstream until released, however slow the
        // machine: no sleep decides which call waits.
        CompletableFuture<HttpResponse<String>> holding =
            small.client.sendAsync(
                HttpRequest.newBuilder(small.uri("/open/v1/hold")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> upstream.heldCount() == 1);
        // Two more calls: one takes the only place in the wait queue, the other must be refused
        // at once. Which is which depends on which the gateway reads first, so the test does not
        // assume it.
        CompletableFuture<HttpResponse<String>> first =
            small.client.sendAsync(
                HttpRequest.newBuilder(small.uri("/open/v1/first")).build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second =
            small.client.sendAsync(
                HttpRequest.newBuilder(small.uri("/open/v1/second")).build(),
                HttpResponse.BodyHandlers.ofString());

        // "At once": answered while the pooled connection is still held, so without waiting.
        CompletableFuture.anyOf(first, second).get(30, TimeUnit.SECONDS);
        assertThat(upstream.heldCount()).isEqualTo(1);
        CompletableFuture<HttpResponse<String>> refused = first.isDone() ? first : second;
        CompletableFuture<HttpResponse<String>> waiting = refused == first ? second : first;
        assertThat(refused.get().statusCode()).isEqualTo(503);
        assertThat(new JsonObject(refused.get().body()).getString("detail"))
            .isEqualTo(
                "every connection to the upstream of API open/v1 is busy and too many calls"
                    + " already wait for one");
        assertThat(waiting).isNotDone();

        upstream.releaseHeld();
        assertThat(holding.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(small.events.stream().map(TransactionEvent::status)).contains(503);
      } finally {
        upstream.releaseHeld();
      }
    }
  }

  @Test
  void forwardWhenNoPooledConnectionBecomesFreeWithinTheConnectTimeoutThen503() throws Exception {
    try (RunningGateway small =
        new RunningGateway(
            RunningGateway.settings().withInstances(1).withUpstreamPool(1, 10),
            List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)))) {
      small.publish(
          List.of(
              api(
                  "open",
                  ApiType.REST,
                  "/open/v1",
                  List.of(upstream.uri("")),
                  new Timeouts(300, 5_000),
                  IdentifyAndAuthorize.OPEN)),
          List.of());
      try {
        // Held until released: the connection cannot become free within the connect timeout,
        // however long the call below takes to arrive.
        CompletableFuture<HttpResponse<String>> holding =
            small.client.sendAsync(
                HttpRequest.newBuilder(small.uri("/open/v1/hold")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> upstream.heldCount() == 1);

        HttpResponse<String> waited = small.get("/open/v1/waits");

        assertThat(waited.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(waited.body()).getString("detail"))
            .isEqualTo(
                "no connection to the upstream of API open/v1 became free within the connect"
                    + " timeout of 300 ms; all 1 are busy");
        upstream.releaseHeld();
        assertThat(holding.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // The count of busy connections went back down: the next call gets one.
        assertThat(small.get("/open/v1/again").statusCode()).isEqualTo(200);
      } finally {
        upstream.releaseHeld();
      }
    }
  }

  @Test
  void http2WhenStreamWaitsLongerThanIdleThenServedAndTheIdleConnectionIsClosedAfterwards()
      throws Exception {
    java.util.concurrent.CompletableFuture<Void> closed = new CompletableFuture<>();
    HttpClientAgent h2 = http2Client();
    try {
      // 2.5 s without a frame either way on the stream: longer than the idle timeout (1 s).
      HttpClientResponse slow =
          RunningGateway.await(
              h2.request(HttpMethod.GET, gateway.server.port(), "127.0.0.1", "/open/v1/sleep/2500")
                  .compose(request -> request.send()));
      assertThat(slow.statusCode()).isEqualTo(200);
      assertThat(slow.version()).isEqualTo(HttpVersion.HTTP_2);
      slow.request().connection().closeHandler(v -> closed.complete(null));

      // Idle now: the gateway closes the connection (the client would keep it for 60 s).
      closed.get(10, TimeUnit.SECONDS);
    } finally {
      RunningGateway.await(h2.close());
    }
  }

  @Test
  void http2WhenStreamCrawlsItsBodyThen408() throws Exception {
    HttpClientAgent h2 = http2Client();
    try {
      HttpClientResponse answer =
          RunningGateway.await(
              h2.request(HttpMethod.POST, gateway.server.port(), "127.0.0.1", "/open/v1/h2")
                  .compose(
                      request -> {
                        request.putHeader("content-length", "1000");
                        request.write("a");
                        return request.response();
                      }));
      assertThat(answer.statusCode()).isEqualTo(408);
      assertThat(answer.getHeader("content-type")).isEqualTo("application/problem+json");
    } finally {
      RunningGateway.await(h2.close());
    }
  }

  /** A Vert.x client that speaks HTTP/2 with prior knowledge. */
  private static HttpClientAgent http2Client() {
    return upstreamVertx.createHttpClient(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
  }
}
