package io.portcullis.gateway.proxy;

import static io.portcullis.gateway.ApiFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

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

    List<Integer> statuses = RawH2.statuses(gateway.server.port(), paths);

    assertThat(statuses).hasSize(paths.size()).containsOnly(400);
    assertThat(upstreamConnections.get()).isZero();
    assertThat(RawH2.statuses(gateway.server.port(), List.of("/shop/fine")))
        .isEqualTo(Collections.nCopies(1, 200));
    assertThat(gateway.get("/shop/fine").body()).isEqualTo("upstream /s/fine");
  }
}
