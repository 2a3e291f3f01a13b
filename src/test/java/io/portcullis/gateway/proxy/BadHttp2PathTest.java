package io.portcullis.gateway.proxy;

import static io.portcullis.gateway.ApiFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.portcullis.gateway.RequestLimits;
import io.portcullis.gateway.RunningGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * HTTP/2 carries {@code :path} as a header value, which may hold what an HTTP/1.1 request line
 * never can (spaces, CR, LF): such streams are answered 400 before an upstream connection is taken.
 */
class BadHttp2PathTest {
  private Vertx upstreamVertx;
  private HttpServer upstream;
  private final AtomicInteger upstreamConnections = new AtomicInteger();
  private RunningGateway gateway;

  @BeforeEach
  void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream =
        RunningGateway.await(
            upstreamVertx
                .createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                .connectionHandler(connection -> upstreamConnections.incrementAndGet())
                .requestHandler(request -> request.response().end("upstream " + request.path()))
                .listen(0));
    gateway = new RunningGateway(RunningGateway.settings(), List.of());
    gateway.publish(
        List.of(
            open("shop", "/shop", URI.create("http://127.0.0.1:" + upstream.actualPort() + "/s"))),
        List.of());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    RunningGateway.await(upstream.close());
    RunningGateway.await(upstreamVertx.close());
  }

  @Test
  void forwardWhenHttp2PathHasSpaceOrLineBreakThen400AndNoUpstreamConnection() throws Exception {
    List<String> bad = List.of("/shop/a b", "/shop/a\r\nX-Injected: 1", "/shop/a\nb", "/shop/\rx");
    List<String> paths = new ArrayList<>();
    // More streams than the upstream pool holds connections: none may keep one.
    for (int i = 0; i < 75; i++) paths.add(bad.get(i % bad.size()) + i);

    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger limits = (Logger) LoggerFactory.getLogger(RequestLimits.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    limits.setLevel(Level.DEBUG);
    List<Integer> statuses;
    try {
      statuses = RawH2.statuses(gateway.server.port(), paths);
    } finally {
      limits.setLevel(null);
      root.detachAppender(logged);
    }

    assertThat(statuses).hasSize(paths.size()).containsOnly(400);
    assertThat(upstreamConnections.get()).isZero();
    // One line per refused stream, the client's bytes escaped; no stack trace.
    assertThat(logged.list).hasSize(paths.size());
    assertThat(logged.list)
        .allSatisfy(
            event -> {
              assertThat(event.getLoggerName()).isEqualTo(RequestLimits.class.getName());
              assertThat(event.getThrowableProxy()).isNull();
              assertThat(event.getFormattedMessage()).doesNotContain("\r", "\n");
            });
    assertThat(RawH2.statuses(gateway.server.port(), List.of("/shop/fine")))
        .isEqualTo(Collections.nCopies(1, 200));
    assertThat(gateway.get("/shop/fine").body()).isEqualTo("upstream /s/fine");
  }
}
