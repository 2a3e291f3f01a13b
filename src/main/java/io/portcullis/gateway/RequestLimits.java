package io.portcullis.gateway;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.portcullis.http.HttpError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Locale;
import java.util.Optional;

/**
 * The request limits of {@link GatewaySettings}, and what happens to the unread body of a request
 * the gateway refuses.
 *
 * <p>Netty rejects header sections and request lines beyond the limits while parsing; those
 * requests reach {@link #invalid} and are answered 431 or 414. The request-target limit is also
 * checked exactly here, since Netty's line limit includes the method and version, and HTTP/2 has no
 * request line at all.
 *
 * <p>A refused HTTP/1.1 request may still have a body on the wire. A small one (up to {@value
 * #DISCARD_LIMIT} bytes by {@code Content-Length}) is read and dropped, keeping the connection
 * alive; a larger, chunked or too-large one, or one whose client waits for {@code 100 Continue},
 * gets {@code Connection: close}, and the connection is closed once the body ended, {@value
 * #DISCARD_LIMIT} more bytes arrived, or {@value #LINGER_MILLIS} ms passed — the lingering close
 * that lets the client read the answer before the connection goes. An HTTP/2 stream is reset
 * instead.
 */
public final class RequestLimits {
  static final long DISCARD_LIMIT = 1024 * 1024;
  static final long LINGER_MILLIS = 2_000;

  private final Vertx vertx;
  private final GatewaySettings settings;

  public RequestLimits(Vertx vertx, GatewaySettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** A request-target that cannot be routed: too long (414), not a path or with dot-segments. */
  public Optional<HttpError> checkTarget(HttpServerRequest request) {
    String uri = request.uri();
    if (uri != null && uri.length() > settings.maxUriLength()) {
      return Optional.of(
          HttpError.of(
              414,
              "the request-target is "
                  + uri.length()
                  + " characters long; the limit is "
                  + settings.maxUriLength()));
    }
    String path = request.path();
    if (path == null || !path.startsWith("/")) {
      return Optional.of(HttpError.of(400, "the request-target must be an absolute path"));
    }
    if (hasDotSegment(path)) {
      // An upstream that normalizes '..' would serve a path outside the API's base path.
      return Optional.of(
          HttpError.of(400, "the request path must not contain '.' or '..' segments"));
    }
    return Optional.empty();
  }

  /** A body that is announced too large (413), or an expectation the gateway cannot meet (417). */
  public Optional<HttpError> checkBody(HttpServerRequest request) {
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
      return Optional.of(HttpError.of(417, "the only expectation supported is 100-continue"));
    }
    long length = contentLength(request);
    if (length > settings.maxBodySize()) {
      return Optional.of(
          HttpError.of(
              413,
              "the request body is "
                  + length
                  + " bytes; the limit is "
                  + settings.maxBodySize()
                  + " bytes"));
    }
    return Optional.empty();
  }

  /** The error for a request Netty could not parse (too long a line or header section). */
  public HttpError invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      return HttpError.of(
          414, "the request line is longer than " + settings.maxUriLength() + " characters");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpError.of(
          431, "the request header section is larger than " + settings.maxHeaderSize() + " bytes");
    }
    return HttpError.of(400, "the request is not valid HTTP");
  }

  /**
   * Decides, before a refusal is written, whether the connection must close after it, and if so
   * says so in the response.
   *
   * @return whether to close; pass it to {@link #settleBody}
   */
  public boolean prepareRefusal(HttpServerRequest request, HttpError error) {
    if (request.version() == HttpVersion.HTTP_2) return false;
    boolean close =
        !request.decoderResult().isSuccess() || (hasBody(request) && !discardable(request, error));
    if (close) request.response().putHeader(HttpHeaders.CONNECTION, "close");
    return close;
  }

  /** Deals with the unread body of a refused request once the refusal is written. */
  public void settleBody(HttpServerRequest request, boolean close) {
    if (!request.decoderResult().isSuccess()) {
      request.connection().close();
      return;
    }
    if (request.isEnded()) {
      if (close) request.connection().close();
      return;
    }
    long[] discarded = {0};
    long lingerTimer = close ? vertx.setTimer(LINGER_MILLIS, t -> end(request, true)) : -1;
    request.handler(
        chunk -> {
          discarded[0] += chunk.length();
          if (discarded[0] > DISCARD_LIMIT) {
            request.pause();
            end(request, true);
          }
        });
    request.endHandler(
        ended -> {
          if (lingerTimer >= 0) vertx.cancelTimer(lingerTimer);
          if (close) end(request, false);
        });
    request.resume();
  }

  private static void end(HttpServerRequest request, boolean early) {
    if (request.version() == HttpVersion.HTTP_2) {
      // NO_ERROR: "stop sending, the answer is complete" (RFC 9113 §8.1).
      if (early) request.response().reset(0);
    } else {
      request.connection().close();
    }
  }

  private static boolean discardable(HttpServerRequest request, HttpError error) {
    // 408: the client is too slow to be waited for while its body is discarded.
    if (error.status() == 413 || error.status() == 408) return false;
    if (request.getHeader(HttpHeaders.EXPECT) != null) return false;
    long length = contentLength(request);
    return length >= 0 && length <= DISCARD_LIMIT;
  }

  private static boolean hasBody(HttpServerRequest request) {
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || contentLength(request) > 0;
  }

  /** The declared body length; -1 when none is declared or it is not a number. */
  private static long contentLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) return -1;
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static boolean hasDotSegment(String path) {
    for (String segment : path.split("/", -1)) {
      String dots = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (dots.equals(".") || dots.equals("..")) return true;
    }
    return false;
  }
}
