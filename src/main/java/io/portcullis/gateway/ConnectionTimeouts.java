package io.portcullis.gateway;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's connection timeouts ({@link ClientTimeouts#requestHead()}, {@link
 * ClientTimeouts#idle()}) on one event loop. Owned by one verticle; every method runs on its event
 * loop.
 *
 * <ul>
 *   <li><b>Before the first request</b>: Vert.x's idle timeout, set to {@code requestHead}, closes
 *       a connection that stays silent that long before its first request head is complete (Vert.x
 *       creates the HTTP connection only then, so nothing else can see it).
 *   <li><b>Once the connection exists</b> that idle handler is removed from its pipeline, since it
 *       would also cut a request that waits on a slow upstream, and the connection is watched here:
 *       with no request in flight for {@code idle} (from the end of its last response, or from its
 *       creation), it is closed. A request in flight is never cut by it (its body and the upstream
 *       have timeouts of their own). The same holds for HTTP/1.1 and for HTTP/2, whose streams are
 *       the requests.
 * </ul>
 *
 * <p>The watch costs one map lookup per request and a periodic sweep per event loop, no timer per
 * request.
 */
final class ConnectionTimeouts {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTimeouts.class);

  private final Vertx vertx;
  private final long idleNanos;
  private final long idleMillis;
  private final Map<HttpConnection, Watched> watched = new HashMap<>();
  private long sweeper = -1;

  /** One connection: the requests (HTTP/2: streams) it serves, and since when it has none. */
  private static final class Watched {
    final List<HttpServerRequest> inFlight = new ArrayList<>(1);
    long idleSince;

    Watched(long now) {
      idleSince = now;
    }
  }

  ConnectionTimeouts(Vertx vertx, ClientTimeouts timeouts) {
    this.vertx = vertx;
    this.idleMillis = timeouts.idle().toMillis();
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
  }

  /** The server options that bound the silence before the first request head. */
  static HttpServerOptions apply(HttpServerOptions options, ClientTimeouts timeouts) {
    return options
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, timeouts.requestHead().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** Starts the periodic sweep: a quarter of the idle timeout, between 50 ms and 1 s. */
  void start() {
    long period = Math.max(50, Math.min(1_000, idleMillis / 4));
    sweeper = vertx.setPeriodic(period, id -> sweep());
  }

  void stop() {
    if (sweeper >= 0) vertx.cancelTimer(sweeper);
    watched.clear();
  }

  /** A connection Vert.x created (on its first request head, or an HTTP/2 preface). */
  void opened(HttpConnection connection) {
    ChannelPipeline pipeline = pipeline(connection);
    if (pipeline == null) return;
    IdleStateHandler headTimeout = pipeline.get(IdleStateHandler.class);
    if (headTimeout != null) pipeline.remove(headTimeout);
    watched.put(connection, new Watched(System.nanoTime()));
    connection.closeHandler(closed -> watched.remove(connection));
  }

  /**
   * A request head arrived: its connection is busy until its response ended. The requests of the
   * connection that have ended since are let go first, so that a keep-alive connection holds at
   * most the requests really in flight (HTTP/1.1: this one), never a second's worth of finished
   * ones for the sweep to find: those would be copied by every young collection until then.
   */
  void requestArrived(HttpServerRequest request) {
    Watched w = watched.get(request.connection());
    if (w == null) return;
    forgetEnded(w.inFlight);
    w.inFlight.add(request);
  }

  /** Removes the requests whose response has ended or whose connection closed; no allocation. */
  private static void forgetEnded(List<HttpServerRequest> inFlight) {
    for (int i = inFlight.size() - 1; i >= 0; i--) {
      HttpServerResponse response = inFlight.get(i).response();
      if (response.ended() || response.closed()) inFlight.remove(i);
    }
  }

  /** The requests held as in flight over every watched connection (for tests). */
  int heldRequests() {
    int held = 0;
    for (Watched w : watched.values()) held += w.inFlight.size();
    return held;
  }

  private void sweep() {
    long now = System.nanoTime();
    List<HttpConnection> idle = null;
    for (Map.Entry<HttpConnection, Watched> entry : watched.entrySet()) {
      Watched w = entry.getValue();
      if (!w.inFlight.isEmpty()) {
        forgetEnded(w.inFlight);
        if (w.inFlight.isEmpty()) w.idleSince = now;
      } else if (now - w.idleSince >= idleNanos) {
        if (idle == null) idle = new ArrayList<>();
        idle.add(entry.getKey());
      }
    }
    if (idle == null) return;
    for (HttpConnection connection : idle) {
      watched.remove(connection);
      log.debug("closing a connection idle for {} ms", idleMillis);
      connection.close();
    }
  }

  private static ChannelPipeline pipeline(HttpConnection connection) {
    if (connection instanceof io.vertx.core.http.impl.HttpServerConnection internal) {
      return internal.channelHandlerContext().pipeline();
    }
    return null;
  }
}
