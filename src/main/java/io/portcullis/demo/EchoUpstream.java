package io.portcullis.demo;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A tiny upstream for the quick start: answers every request with a JSON description of what it
 * received (method, path, query, headers, body), so that a newcomer can see what the gateway
 * forwarded, identity headers included. Bodies over 64 KiB are counted, not echoed.
 */
public final class EchoUpstream {
  private static final int ECHO_LIMIT = 64 * 1024;

  private final Vertx vertx;
  private HttpServer server;

  public EchoUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts listening. @return the bound port */
  public Future<Integer> start(String host, int port) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    Buffer body = Buffer.buffer();
    long[] size = {0};
    request.handler(
        chunk -> {
          size[0] += chunk.length();
          if (body.length() < ECHO_LIMIT) {
            body.appendBuffer(chunk, 0, Math.min(chunk.length(), ECHO_LIMIT - body.length()));
          }
        });
    request.endHandler(
        done -> {
          JsonObject echo =
              new JsonObject()
                  .put("method", request.method().name())
                  .put("path", request.path())
                  .put("query", request.query())
                  .put("headers", headers(request.headers()))
                  .put("bodyBytes", size[0])
                  .put("body", body.toString(StandardCharsets.UTF_8));
          request
              .response()
              .putHeader("content-type", "application/json")
              .end(echo.encodePrettily() + "\n");
        });
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject out = new JsonObject();
    for (String name : headers.names()) {
      out.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", headers.getAll(name)));
    }
    return out;
  }
}
