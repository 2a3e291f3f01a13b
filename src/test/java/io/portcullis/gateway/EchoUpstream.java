package io.portcullis.gateway;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real upstream for gateway tests, on 127.0.0.1 and a free port. What it does depends on the last
 * segments of the path, wherever the gateway put them:
 *
 * <ul>
 *   <li>{@code …/sink} reads the body and answers {@code {"bytes": n, "sha256": hex}}; with {@code
 *       ?pauseAt=n} it stops reading after n bytes until {@link #releaseSink()};
 *   <li>{@code …/stream/n} answers n bytes of {@link #pattern} (chunked), with back-pressure;
 *   <li>{@code …/sleep/ms} answers after ms milliseconds;
 *   <li>{@code …/hold} answers only at {@link #releaseHeld()};
 *   <li>{@code …/hop} answers with hop-by-hop headers;
 *   <li>{@code …/status/code} answers with that status and no body;
 *   <li>anything else echoes method, path, query, headers and body as JSON.
 * </ul>
 */
public final class EchoUpstream implements AutoCloseable {
  private static final Pattern STREAM = Pattern.compile(".*/stream/(\\d+)$");
  private static final Pattern SLEEP = Pattern.compile(".*/sleep/(\\d+)$");
  private static final Pattern STATUS = Pattern.compile(".*/status/(\\d+)$");

  /** The sockets that keep the ports of {@link #closedPort()} bound and not listening. */
  private static final Queue<java.net.Socket> HELD_PORTS = new ConcurrentLinkedQueue<>();

  public final AtomicLong sinkReceived = new AtomicLong();
  public final AtomicLong streamProduced = new AtomicLong();
  public final AtomicInteger requests = new AtomicInteger();
  public final AtomicInteger closedWhileHeld = new AtomicInteger();
  private final Vertx vertx;
  private final HttpServer server;
  private final Queue<HttpServerResponse> held = new ConcurrentLinkedQueue<>();
  private final Queue<HttpServerRequest> heldRequests = new ConcurrentLinkedQueue<>();
  private volatile Promise<Long> sinkPaused = Promise.promise();
  private volatile HttpServerRequest pausedSink;
  private final String name;

  public EchoUpstream(Vertx vertx) throws Exception {
    this(vertx, "upstream");
  }

  public EchoUpstream(Vertx vertx, String name) throws Exception {
    this.vertx = vertx;
    this.name = name;
    this.server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
            .requestHandler(this::handle)
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public int port() {
    return server.actualPort();
  }

  public URI uri(String basePath) {
    return URI.create("http://127.0.0.1:" + port() + basePath);
  }

  /** The number of bytes the paused sink had read when it paused. */
  public long awaitSinkPaused() throws Exception {
    return sinkPaused.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  public void releaseSink() {
    HttpServerRequest request = pausedSink;
    vertx.runOnContext(v -> request.resume());
  }

  public int heldCount() {
    return held.size();
  }

  public void releaseHeld() {
    vertx.runOnContext(
        v -> {
          HttpServerResponse response;
          while ((response = held.poll()) != null) {
            response.putHeader("content-type", "text/plain").end("released");
          }
        });
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    String path = request.path();
    Matcher matcher;
    if (path.endsWith("/sink")) {
      sink(request);
    } else if ((matcher = STREAM.matcher(path)).matches()) {
      stream(request, Long.parseLong(matcher.group(1)));
    } else if ((matcher = SLEEP.matcher(path)).matches()) {
      vertx.setTimer(
          Long.parseLong(matcher.group(1)),
          t -> request.response().putHeader("content-type", "text/plain").end("slept"));
    } else if ((matcher = STATUS.matcher(path)).matches()) {
      request.response().setStatusCode(Integer.parseInt(matcher.group(1))).end();
    } else if (path.endsWith("/hold")) {
      held.add(request.response());
      heldRequests.add(request);
      request.connection().closeHandler(v -> closedWhileHeld.incrementAndGet());
    } else if (path.endsWith("/hop")) {
      request
          .response()
          .putHeader("Connection", "X-Upstream-Private")
          .putHeader("X-Upstream-Private", "connection-specific")
          .putHeader("Keep-Alive", "timeout=5")
          .putHeader("Proxy-Authenticate", "Basic realm=upstream")
          .putHeader("Trailer", "X-Checksum")
          .putHeader("X-Upstream-Public", "end-to-end")
          .end("hop");
    } else {
      echo(request);
    }
  }

  private void echo(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              JsonObject headers = new JsonObject();
              for (Map.Entry<String, String> header : request.headers()) {
                String key = header.getKey().toLowerCase();
                JsonArray values = headers.getJsonArray(key, new JsonArray());
                headers.put(key, values.add(header.getValue()));
              }
              JsonObject echo =
                  new JsonObject()
                      .put("upstream", name)
                      .put("method", request.method().name())
                      .put("path", request.path())
                      .put("uri", request.uri())
                      .put("query", request.query())
                      .put("headers", headers)
                      .put("body", body.toString());
              request
                  .response()
                  .putHeader("content-type", "application/json")
                  .putHeader("X-Upstream-Public", "end-to-end")
                  .end(echo.encode());
            });
  }

  private void sink(HttpServerRequest request) {
    String pauseAt = request.getParam("pauseAt");
    long pauseAfter = pauseAt == null ? Long.MAX_VALUE : Long.parseLong(pauseAt);
    MessageDigest digest = sha256();
    long[] received = {0};
    boolean[] paused = {false};
    request.handler(
        chunk -> {
          digest.update(chunk.getBytes());
          received[0] += chunk.length();
          sinkReceived.set(received[0]);
          if (!paused[0] && received[0] >= pauseAfter) {
            paused[0] = true;
            request.pause();
            pausedSink = request;
            sinkPaused.tryComplete(received[0]);
          }
        });
    request.endHandler(
        v ->
            request
                .response()
                .putHeader("content-type", "application/json")
                .end(
                    new JsonObject()
                        .put("bytes", received[0])
                        .put("sha256", HexFormat.of().formatHex(digest.digest()))
                        .encode()));
  }

  private void stream(HttpServerRequest request, long total) {
    HttpServerResponse response = request.response();
    response.setChunked(true).putHeader("content-type", "application/octet-stream");
    long[] sent = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          while (sent[0] < total && !response.writeQueueFull()) {
            int size = (int) Math.min(Pattern64K.SIZE, total - sent[0]);
            response.write(Pattern64K.chunk(sent[0], size));
            sent[0] += size;
            streamProduced.set(sent[0]);
          }
          if (sent[0] >= total) {
            response.end();
          } else {
            response.drainHandler(v -> pump[0].run());
          }
        };
    request.endHandler(v -> pump[0].run());
  }

  /**
   * A port on which nothing listens: connecting to it is refused. The port stays bound (not
   * listening) for the life of the test JVM, so that no server started meanwhile (by this JVM or
   * another process) can be given it, as it could a port merely closed again.
   */
  public static int closedPort() throws Exception {
    java.net.Socket socket = new java.net.Socket();
    socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    HELD_PORTS.add(socket);
    return socket.getLocalPort();
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A deterministic byte stream: byte i is {@code (i * 31 + i / 65536) & 0xff}. */
  public static final class Pattern64K {
    public static final int SIZE = 64 * 1024;

    public static byte at(long i) {
      return (byte) ((i * 31 + i / SIZE) & 0xff);
    }

    public static Buffer chunk(long offset, int size) {
      byte[] bytes = new byte[size];
      for (int i = 0; i < size; i++) bytes[i] = at(offset + i);
      return Buffer.buffer(bytes);
    }
  }
}
