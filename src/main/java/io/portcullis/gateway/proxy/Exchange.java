package io.portcullis.gateway.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.portcullis.gateway.ClientTimeouts;
import io.portcullis.gateway.RequestContext;
import io.portcullis.http.HttpError;
import io.portcullis.registry.Timeouts;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request forwarded upstream and its answer relayed back: the state machine behind {@link
 * UpstreamProxy#forward}. Every method runs on the request's event loop.
 *
 * <p>A request body is read (up to the body buffer, or whole when smaller) before an upstream
 * connection is taken from the pool, so that a client that sends its body slowly holds only its own
 * bytes, never a pooled connection. One timer per exchange guards whatever it waits on: the
 * client's body (at least {@link ClientTimeouts#minBytesPerWindow} bytes per window, else 408), the
 * upstream's response head ({@link Timeouts#response}, else 504), and each silence inside the
 * response body ({@link Timeouts#idle}, else the response is reset and recorded as aborted).
 */
final class Exchange {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  /** What the exchange's one timer guards. */
  private static final int NOTHING = 0;

  private static final int CLIENT_BODY = 1;
  private static final int UPSTREAM = 2;
  private static final int RESPONSE_BODY = 3;

  private final Vertx vertx;
  private final RequestContext ctx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String upstreamHost;
  private final int upstreamPort;
  private final long maxBodySize;
  private final Consumer<MultiMap> upstreamHeaders;
  private final Timeouts timeouts;
  private final ClientTimeouts clientTimeouts;
  private final int bodyBuffer;
  private final int poolSize;
  private final Promise<Optional<HttpError>> result = Promise.promise();

  private HttpClient client;
  private RequestOptions options;
  private HttpClientRequest upstream;
  private long bodyBytes;

  /** The body length the client declared; -1 when it declared none. */
  private long declaredBodyLength = -1;

  /** Body chunks read before the upstream connection is ready; null once they are forwarded. */
  private List<Buffer> pending;

  private long pendingBytes;

  /** The client's body ended while it was being buffered. */
  private boolean bodyEnded;

  /** An upstream connection has been asked for (and counted in {@link #upstreamCalls}). */
  private boolean connecting;

  /**
   * The calls of this event loop that hold or wait for a connection to this upstream host; this one
   * counts from {@link #connect} until its result is complete.
   */
  private final int[] upstreamCalls;

  /** {@link #upstreamCalls} when this call asked for its connection. */
  private int busyAtConnect;

  /** The upstream request carries a Content-Length (known once it is connected). */
  private boolean declaredLength;

  /** The whole request body has been handed to the upstream request. */
  private boolean requestSent;

  /** The upstream's response head has arrived. */
  private boolean responded;

  /** Nothing more is to be done: answered, failed, or the client is gone. */
  private boolean over;

  /** What the exchange waits on: {@link #NOTHING}, {@link #CLIENT_BODY}, … */
  private int waitingOn = NOTHING;

  /** {@link System#nanoTime()} since which it waits (or since the last piece of response body). */
  private long waitingSince;

  /** {@link #bodyBytes} when the current window of the client's body began. */
  private long windowStartBytes;

  private long deadlineTimer = -1;

  /** {@link System#nanoTime()} when {@link #deadlineTimer} fires. */
  private long timerDue;

  Exchange(
      Vertx vertx,
      RequestContext ctx,
      String upstreamHost,
      int upstreamPort,
      ProxyLimits limits,
      int[] upstreamCalls,
      Consumer<MultiMap> upstreamHeaders) {
    this.upstreamCalls = upstreamCalls;
    this.vertx = vertx;
    this.ctx = ctx;
    this.request = ctx.request();
    this.response = request.response();
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.maxBodySize = limits.maxBodySize();
    this.clientTimeouts = limits.clientTimeouts();
    this.bodyBuffer = limits.bodyBuffer();
    this.poolSize = limits.poolSize();
    this.upstreamHeaders = upstreamHeaders;
    this.timeouts = ctx.api().timeouts();
  }

  Future<Optional<HttpError>> start(HttpClient client, RequestOptions options) {
    if (!HttpUtil.isEncodingSafeStartLineToken(options.getURI())) {
      // The upstream request would throw when its head is written, with a pooled connection taken
      // and the client never answered. RequestLimits refuses such targets first; this keeps it so.
      fail(HttpError.of(400, "the request-target has a space or line break"));
      return result.future();
    }
    this.client = client;
    this.options = options;
    ctx.onClientGone(this::clientGone);
    if (bodyBuffer > 0 && bodyExpected()) {
      collectBody();
    } else {
      connect();
    }
    return result.future();
  }

  /** Whether the request may have a body; records its declared length. */
  private boolean bodyExpected() {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        declaredBodyLength = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        return true;
      }
      return declaredBodyLength > 0;
    }
    // HTTP/2 carries a body without declaring it; HTTP/1.1 has one only when chunked.
    return request.version() == HttpVersion.HTTP_2
        ? !request.isEnded()
        : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /** Reads the body, up to the body buffer, before an upstream connection is taken. */
  private void collectBody() {
    pending = new ArrayList<>(2);
    if (expectsContinue()) response.writeContinue();
    watchClientBody();
    request.handler(this::collectChunk);
    request.endHandler(
        end -> {
          if (over) return;
          bodyEnded = true;
          if (!connecting) connect();
        });
    request.resume();
  }

  private void collectChunk(Buffer chunk) {
    bodyBytes += chunk.length();
    if (over) return;
    if (bodyBytes > maxBodySize) {
      request.pause();
      fail(HttpError.of(413, "the request body exceeds the limit of " + maxBodySize + " bytes"));
      return;
    }
    pending.add(chunk);
    pendingBytes += chunk.length();
    if (pendingBytes >= bodyBuffer && !connecting) {
      // Enough to stream the rest: the client has shown it sends, at the cost of its own bytes.
      request.pause();
      connect();
    }
  }

  private void connect() {
    connecting = true;
    busyAtConnect = upstreamCalls[0]++;
    ctx.markUpstreamStart(System.nanoTime());
    client.request(options).onComplete(this::connected);
  }

  private void connected(AsyncResult<HttpClientRequest> connection) {
    if (over) {
      if (connection.succeeded()) connection.result().reset();
      return;
    }
    if (connection.failed()) {
      fail(unreachable(connection.cause()));
      return;
    }
    upstream = connection.result();
    try {
      upstreamHeaders.accept(upstream.headers());
    } catch (IllegalArgumentException e) {
      // Vert.x refuses a value HTTP/1.1 cannot carry (an HTTP/2 client may send one, e.g. DEL). The
      // pooled connection goes back unused; the message is not echoed, it quotes the value.
      upstream.reset();
      fail(
          HttpError.of(
              400, "a request header has a value with a character that cannot be forwarded"));
      return;
    }
    declaredLength = upstream.headers().contains(HttpHeaders.CONTENT_LENGTH);
    // Failures of the upstream request also fail its response future, which handles them.
    upstream.exceptionHandler(failure -> {});
    upstream.response().onComplete(this::responseHead);
    if (declaredLength) {
      // The head goes at once, so the upstream may answer before the body is through.
      upstream.sendHead();
    } else if (request.version() != HttpVersion.HTTP_2
        && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      upstream.setChunked(true);
      upstream.sendHead();
    }
    if (pending == null) {
      if (expectsContinue()) {
        // Only now, with an upstream connection ready, is the client asked for its body.
        response.writeContinue();
      }
      relayRequestBody();
      return;
    }
    List<Buffer> buffered = pending;
    pending = null;
    for (Buffer chunk : buffered) forwardChunk(chunk);
    if (bodyEnded) {
      finishRequest();
    } else {
      relayRequestBody();
    }
  }

  private boolean expectsContinue() {
    return "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
  }

  private void relayRequestBody() {
    request.handler(this::requestChunk);
    request.endHandler(
        end -> {
          if (over) return;
          finishRequest();
        });
    if (bodyBuffer == 0 && bodyExpected()) watchClientBody();
    request.resume();
  }

  private void finishRequest() {
    requestSent = true;
    upstream.end();
    awaitUpstream();
  }

  private void requestChunk(Buffer chunk) {
    bodyBytes += chunk.length();
    if (over) {
      // The upstream answered before reading the whole body: the rest is dropped, up to the limit.
      if (bodyBytes > maxBodySize) stopReading();
      return;
    }
    if (bodyBytes > maxBodySize) {
      bodyTooLarge();
      return;
    }
    forwardChunk(chunk);
  }

  private void forwardChunk(Buffer chunk) {
    // Without a Content-Length the body is chunked upstream; a request that turns out to have no
    // body is then sent without one, as it came.
    if (!declaredLength && !upstream.isChunked()) upstream.setChunked(true);
    upstream.write(chunk);
    if (!requestSent && upstream.writeQueueFull()) {
      request.pause();
      awaitUpstream();
      upstream.drainHandler(
          drained -> {
            if (over || requestSent) return;
            watchClientBody();
            request.resume();
          });
    }
  }

  private void bodyTooLarge() {
    request.pause();
    if (responded) {
      over = true;
      ctx.markAborted();
      response.reset();
      complete(Optional.empty());
    } else {
      fail(HttpError.of(413, "the request body exceeds the limit of " + maxBodySize + " bytes"));
    }
    upstream.reset();
  }

  /** The exchange now waits on the client's body: a new progress window begins. */
  private void watchClientBody() {
    windowStartBytes = bodyBytes;
    waitOn(CLIENT_BODY, clientTimeouts.body().toMillis());
  }

  /** The exchange now waits on the upstream: the response timeout runs. */
  private void awaitUpstream() {
    waitOn(UPSTREAM, timeouts.response());
  }

  /**
   * One timer per exchange: it is set again only when a wait needs it to fire sooner than it will,
   * or when it fires before the wait ran out (a chunk arrived meanwhile), so that relaying bodies
   * costs no timer operation per chunk.
   */
  private void waitOn(int what, long limitMillis) {
    waitingOn = what;
    waitingSince = System.nanoTime();
    long due = waitingSince + TimeUnit.MILLISECONDS.toNanos(limitMillis);
    if (deadlineTimer >= 0) {
      if (timerDue - due <= 0) return;
      vertx.cancelTimer(deadlineTimer);
    }
    setTimer(limitMillis);
  }

  private void setTimer(long delayMillis) {
    deadlineTimer = vertx.setTimer(Math.max(1, delayMillis), this::deadline);
    timerDue = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
  }

  private long limitMillis(int what) {
    return switch (what) {
      case CLIENT_BODY -> clientTimeouts.body().toMillis();
      case UPSTREAM -> timeouts.response();
      default -> timeouts.idle();
    };
  }

  private void deadline(long timerId) {
    deadlineTimer = -1;
    if (over || waitingOn == NOTHING) return;
    long now = System.nanoTime();
    long limit = limitMillis(waitingOn);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(now - waitingSince);
    if (waitedMillis < limit) {
      setTimer(limit - waitedMillis);
      return;
    }
    switch (waitingOn) {
      case CLIENT_BODY -> clientBodyWindowEnded(now);
      case UPSTREAM -> upstreamTooSlow();
      default ->
          // Silent in the middle of its body: the reset fails the answer, which resets the
          // client's.
          upstream.reset(0, new TimeoutException("no data within " + timeouts.idle() + " ms"));
    }
  }

  /** A window of the client's body ran out: enough progress opens the next, too little ends it. */
  private void clientBodyWindowEnded(long now) {
    long received = bodyBytes - windowStartBytes;
    long needed = clientTimeouts.minBytesPerWindow();
    if (declaredBodyLength >= 0) needed = Math.min(needed, declaredBodyLength - windowStartBytes);
    if (received >= needed) {
      windowStartBytes = bodyBytes;
      waitingSince = now;
      setTimer(clientTimeouts.body().toMillis());
      return;
    }
    request.pause();
    if (responded) {
      over = true;
      ctx.markAborted();
      stopReading();
      upstream.reset();
      complete(Optional.empty());
      return;
    }
    fail(
        HttpError.of(
            408,
            "the request body arrived too slowly: "
                + received
                + " bytes within "
                + clientTimeouts.body().toMillis()
                + " ms, at least "
                + needed
                + " expected"));
    if (upstream != null) upstream.reset();
  }

  private void upstreamTooSlow() {
    // Decide before resetting: the reset fails the response future at once.
    fail(
        HttpError.of(
            504,
            "upstream "
                + upstreamName()
                + " did not answer within the response timeout of "
                + timeouts.response()
                + " ms"));
    upstream.reset();
  }

  private void responseHead(AsyncResult<HttpClientResponse> head) {
    if (over) return;
    if (head.failed()) {
      cancelDeadline();
      fail(
          HttpError.of(
              502,
              "upstream "
                  + upstreamName()
                  + " closed the connection before answering ("
                  + head.cause().getClass().getSimpleName()
                  + ")"));
      return;
    }
    responded = true;
    ctx.markUpstreamResponse(System.nanoTime());
    HttpClientResponse answer = head.result();
    response.setStatusCode(answer.statusCode());
    String reason = answer.statusMessage();
    // A reason phrase of its own only when it differs from the standard one (a custom one costs
    // Netty a new status object per response).
    if (request.version() != HttpVersion.HTTP_2
        && reason != null
        && !reason.equals(HttpResponseStatus.valueOf(answer.statusCode()).reasonPhrase())) {
      response.setStatusMessage(reason);
    }
    MultiMap headers = response.headers();
    HopByHop.copyEndToEnd(answer.headers(), headers, name -> false);
    if (!headers.contains(HttpHeaders.CONTENT_LENGTH)
        && mayHaveBody(answer.statusCode())
        && request.version() == HttpVersion.HTTP_1_1) {
      response.setChunked(true);
    }
    // From here on the idle timeout bounds each silence of the upstream, with the timer that
    // bounded the wait for the head (HttpClientRequest.idleTimeout would leave a timer behind
    // every response until it ran out).
    waitOn(RESPONSE_BODY, timeouts.idle());
    answer.handler(
        chunk -> {
          waitingSince = System.nanoTime();
          response.write(chunk);
          if (response.writeQueueFull()) {
            // Waiting on the client now, not on the upstream.
            waitingOn = NOTHING;
            answer.pause();
            response.drainHandler(
                drained -> {
                  waitOn(RESPONSE_BODY, timeouts.idle());
                  answer.resume();
                });
          }
        });
    answer.exceptionHandler(
        failure -> {
          cancelDeadline();
          if (over) return;
          over = true;
          ctx.markAborted();
          log.warn(
              "API {}: upstream {} broke off its response ({}); resetting the client's",
              ctx.api().key(),
              upstreamAddress(),
              failure.toString());
          response.reset();
          complete(Optional.empty());
        });
    answer.endHandler(
        end -> {
          cancelDeadline();
          if (over) return;
          over = true;
          response.end();
          if (!requestSent) {
            // The upstream answered before the body was through: its connection, with a request
            // half sent, must not go back to the pool (a reset after the response is a no-op),
            // and the rest of the body is read and dropped so that the client's connection can
            // go on.
            upstream.connection().close();
            if (!request.isEnded()) request.resume();
          }
          complete(Optional.empty());
        });
  }

  /** Ends the client's upload: the stream is reset (HTTP/2) or the connection closed. */
  private void stopReading() {
    request.pause();
    if (request.version() == HttpVersion.HTTP_2) {
      response.reset(0);
    } else {
      request.connection().close();
    }
  }

  private boolean mayHaveBody(int status) {
    return request.method() != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
  }

  private void clientGone() {
    if (over) return;
    over = true;
    cancelDeadline();
    if (upstream != null) upstream.reset();
    complete(Optional.empty());
  }

  /** Completes the exchange once, releasing its count of calls on the upstream. */
  private void complete(Optional<HttpError> outcome) {
    if (result.tryComplete(outcome) && connecting) upstreamCalls[0]--;
  }

  private void fail(HttpError error) {
    if (over) return;
    over = true;
    cancelDeadline();
    if (error.clientFault()) {
      log.debug("API {}: {} → {}", ctx.api().key(), error.detail(), error.status());
    } else {
      log.warn(
          "API {}: {} → {} (upstream at {})",
          ctx.api().key(),
          error.detail(),
          error.status(),
          upstreamAddress());
    }
    complete(Optional.of(error));
  }

  /** For log lines only: built when one is written, not on every request. */
  private String upstreamAddress() {
    return upstreamHost + ":" + upstreamPort;
  }

  /**
   * Names the upstream in an error the client reads: by its API, not by where it lives (the log
   * line of {@link #fail} has the address).
   */
  private String upstreamName() {
    return "of API " + ctx.api().key();
  }

  private void cancelDeadline() {
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }

  private HttpError unreachable(Throwable cause) {
    String reason;
    // Netty reports its own connect timeout; Vert.x reports a TimeoutException when the connect
    // timeout runs out while it obtains a pooled connection.
    if (cause instanceof ConnectionPoolTooBusyException) {
      return HttpError.of(
          503,
          "every connection to the upstream of API "
              + ctx.api().key()
              + " is busy and too many calls already wait for one");
    }
    if (cause instanceof TimeoutException && busyAtConnect >= poolSize) {
      // Vert.x's timeout while it waited in the pool's queue, every pooled connection being busy.
      return HttpError.of(
          503,
          "no connection to the upstream of API "
              + ctx.api().key()
              + " became free within the connect timeout of "
              + ctx.api().timeouts().connect()
              + " ms; all "
              + poolSize
              + " are busy");
    }
    if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException) {
      reason =
          "did not accept a connection within the connect timeout of "
              + ctx.api().timeouts().connect()
              + " ms";
    } else if (cause instanceof ConnectException) {
      reason = "refused the connection";
    } else if (cause instanceof javax.net.ssl.SSLException) {
      reason = "failed the TLS handshake (untrusted certificate, wrong host name or protocol)";
    } else if (cause instanceof UnknownHostException) {
      reason = "has a host name that does not resolve";
    } else {
      reason = "could not be reached (" + cause.getClass().getSimpleName() + ")";
    }
    return HttpError.of(502, "upstream " + upstreamName() + " " + reason);
  }
}
