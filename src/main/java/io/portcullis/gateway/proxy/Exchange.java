package io.portcullis.gateway.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.portcullis.gateway.RequestContext;
import io.portcullis.http.HttpError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request forwarded upstream and its answer relayed back: the state machine behind {@link
 * UpstreamProxy#forward}. Every method runs on the request's event loop.
 */
final class Exchange {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  private final Vertx vertx;
  private final RequestContext ctx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String upstreamHost;
  private final int upstreamPort;
  private final long maxBodySize;
  private final Consumer<MultiMap> upstreamHeaders;
  private final long responseTimeoutMillis;
  private final Promise<Optional<HttpError>> result = Promise.promise();

  private HttpClientRequest upstream;
  private long bodyBytes;

  /** The upstream request carries a Content-Length (known once it is connected). */
  private boolean declaredLength;

  /** The whole request body has been handed to the upstream request. */
  private boolean requestSent;

  /** The upstream's response head has arrived. */
  private boolean responded;

  /** Nothing more is to be done: answered, failed, or the client is gone. */
  private boolean over;

  /** {@link System#nanoTime()} since which the exchange waits on the upstream; -1 when not. */
  private long waitingSince = -1;

  private long deadlineTimer = -1;

  Exchange(
      Vertx vertx,
      RequestContext ctx,
      String upstreamHost,
      int upstreamPort,
      long maxBodySize,
      Consumer<MultiMap> upstreamHeaders) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.request = ctx.request();
    this.response = request.response();
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.maxBodySize = maxBodySize;
    this.upstreamHeaders = upstreamHeaders;
    this.responseTimeoutMillis = ctx.api().timeouts().response();
  }

  Future<Optional<HttpError>> start(HttpClient client, RequestOptions options) {
    if (!HttpUtil.isEncodingSafeStartLineToken(options.getURI())) {
      // The upstream request would throw when its head is written, with a pooled connection taken
      // and the client never answered. RequestLimits refuses such targets first; this keeps it so.
      fail(HttpError.of(400, "the request-target has a space or line break"));
      return result.future();
    }
    ctx.onClientGone(this::clientGone);
    ctx.markUpstreamStart(System.nanoTime());
    client.request(options).onComplete(this::connected);
    return result.future();
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
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      // Only now, with an upstream connection ready, is the client asked for its body.
      response.writeContinue();
    }
    relayRequestBody();
  }

  private void relayRequestBody() {
    request.handler(this::requestChunk);
    request.endHandler(
        end -> {
          if (over) return;
          requestSent = true;
          upstream.end();
          awaitUpstream();
        });
    request.resume();
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
    // Without a Content-Length the body is chunked upstream; a request that turns out to have no
    // body is then sent without one, as it came.
    if (!declaredLength && !upstream.isChunked()) upstream.setChunked(true);
    upstream.write(chunk);
    if (upstream.writeQueueFull()) {
      request.pause();
      awaitUpstream();
      upstream.drainHandler(
          drained -> {
            if (!requestSent) waitingSince = -1;
            request.resume();
          });
    }
  }

  private void bodyTooLarge() {
    request.pause();
    if (responded) {
      over = true;
      response.reset();
      result.tryComplete(Optional.empty());
    } else {
      fail(HttpError.of(413, "the request body exceeds the limit of " + maxBodySize + " bytes"));
    }
    upstream.reset();
  }

  /** The exchange now waits on the upstream: the response timeout runs. */
  private void awaitUpstream() {
    waitingSince = System.nanoTime();
    if (deadlineTimer < 0) deadlineTimer = vertx.setTimer(responseTimeoutMillis, this::deadline);
  }

  /**
   * The response timeout ran out, or the wait it was armed for was extended (by a body chunk): one
   * timer per exchange, re-armed only when it fires early, so that relaying a response costs no
   * timer operation per chunk.
   */
  private void deadline(long timerId) {
    deadlineTimer = -1;
    if (over || waitingSince < 0) return;
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitingSince);
    if (waitedMillis < responseTimeoutMillis) {
      deadlineTimer = vertx.setTimer(responseTimeoutMillis - waitedMillis, this::deadline);
      return;
    }
    if (responded) {
      // Silent in the middle of its body: the reset fails the answer, which resets the client's.
      upstream.reset(0, new TimeoutException("no data within " + responseTimeoutMillis + " ms"));
      return;
    }
    // Decide before resetting: the reset fails the response future at once.
    fail(
        HttpError.of(
            504,
            "upstream "
                + upstreamName()
                + " did not answer within the response timeout of "
                + responseTimeoutMillis
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
    // From here on the response timeout bounds each silence of the upstream, with the timer that
    // bounded the wait for the head (HttpClientRequest.idleTimeout would leave a timer behind
    // every response until it ran out).
    awaitUpstream();
    answer.handler(
        chunk -> {
          waitingSince = System.nanoTime();
          response.write(chunk);
          if (response.writeQueueFull()) {
            // Waiting on the client now, not on the upstream.
            waitingSince = -1;
            answer.pause();
            response.drainHandler(
                drained -> {
                  awaitUpstream();
                  answer.resume();
                });
          }
        });
    answer.exceptionHandler(
        failure -> {
          cancelDeadline();
          if (over) return;
          over = true;
          log.warn(
              "API {}: upstream {} broke off its response ({}); resetting the client's",
              ctx.api().key(),
              upstreamAddress(),
              failure.toString());
          response.reset();
          result.tryComplete(Optional.empty());
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
          result.tryComplete(Optional.empty());
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
    result.tryComplete(Optional.empty());
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
    result.tryComplete(Optional.of(error));
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
