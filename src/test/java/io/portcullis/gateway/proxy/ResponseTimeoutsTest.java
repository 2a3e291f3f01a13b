package io.portcullis.gateway.proxy;

import static io.portcullis.gateway.ApiFixtures.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.gateway.FakeBearerIdentifier;
import io.portcullis.gateway.RunningGateway;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Timeouts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An API's {@code response} timeout bounds the wait for the response head only; its {@code idle}
 * timeout bounds each silence inside the body, and a body cut by it is not recorded as a clean 2xx.
 * The upstream sends its head and a first chunk, pauses 1 s, then sends the rest.
 */
class ResponseTimeoutsTest {
  private static Vertx upstreamVertx;
  private static HttpServer pausing;
  private static RunningGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    pausing =
        RunningGateway.await(
            upstreamVertx
                .createHttpServer()
                .requestHandler(
                    request -> {
                      request.response().setChunked(true).write("first,");
                      upstreamVertx.setTimer(1_000, t -> request.response().end("second"));
                    })
                .listen(0, "127.0.0.1"));
    gateway =
        new RunningGateway(
            RunningGateway.settings(), List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    RunningGateway.await(pausing.close());
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static void publish(Timeouts timeouts) {
    gateway.publish(
        List.of(
            api(
                "pausing",
                ApiType.REST,
                "/pausing",
                List.of(URI.create("http://127.0.0.1:" + pausing.actualPort())),
                timeouts,
                IdentifyAndAuthorize.OPEN)),
        List.of());
  }

  @Test
  void forwardWhenBodyPausesLongerThanResponseTimeoutButNotIdleThenWholeBodyArrives()
      throws Exception {
    publish(new Timeouts(1_000, 300, 3_000));
    int before = gateway.events.size();

    HttpResponse<String> response = gateway.get("/pausing/x");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("first,second");
    TransactionEvent event = eventAfter(before);
    assertThat(event.aborted()).isFalse();
    assertThat(event.statusClass()).isEqualTo("2xx");
  }

  @Test
  void forwardWhenBodyPausesLongerThanIdleTimeoutThenCutAndRecordedAsAborted() throws Exception {
    publish(new Timeouts(1_000, 3_000, 300));
    int before = gateway.events.size();

    assertThatThrownBy(() -> gateway.get("/pausing/x")).isInstanceOf(IOException.class);

    TransactionEvent event = eventAfter(before);
    assertThat(event.status()).isEqualTo(200);
    assertThat(event.aborted()).isTrue();
    assertThat(event.statusClass()).isEqualTo("aborted");
  }

  /**
   * The event of the one call made since {@code before} events: it is recorded when the response
   * has ended, which the client may see first, so it is awaited (the last event could still be the
   * previous test's).
   */
  private static TransactionEvent eventAfter(int before) {
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.events.size() > before);
    assertThat(gateway.events).hasSize(before + 1);
    return gateway.events.get(before);
  }
}
