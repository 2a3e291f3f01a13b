package io.portcullis.token.verify;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server on 127.0.0.1 that serves a JWKS document (or anything else a test sets) and
 * counts the requests it gets.
 */
final class JwksServer implements AutoCloseable {
  private final AtomicReference<String> body = new AtomicReference<>("{\"keys\":[]}");
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicLong delayMillis = new AtomicLong();
  private final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;

  JwksServer(Vertx vertx) {
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  requests.incrementAndGet();
                  String answer = body.get();
                  int code = status.get();
                  Runnable respond =
                      () ->
                          request
                              .response()
                              .setStatusCode(code)
                              .putHeader("content-type", "application/json")
                              .end(answer);
                  long delay = delayMillis.get();
                  if (delay > 0) {
                    vertx.setTimer(delay, id -> respond.run());
                  } else {
                    respond.run();
                  }
                });
    await(server.listen(0, "127.0.0.1"));
  }

  /** The URL of the JWKS document. */
  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/jwks.json";
  }

  JwksServer serve(String document) {
    body.set(document);
    status.set(200);
    return this;
  }

  JwksServer fail(int httpStatus) {
    status.set(httpStatus);
    return this;
  }

  JwksServer delay(long millis) {
    delayMillis.set(millis);
    return this;
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    await(server.close());
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
