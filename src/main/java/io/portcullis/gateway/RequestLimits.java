package io.portcullis.gateway;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.portcullis.http.HttpError;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(RequestLimits.class);
  static final long DISCARD_LIMIT = 1024 * 1024;
  static final long LINGER_MILLIS = 2_000;

  private final Vertx vertx;
  private final GatewaySettings settings;

  public RequestLimits(Vertx vertx, GatewaySettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /**
   * Checks the request-target and records the path to route and forward in the context: too long
   * (414), or a path or query that cannot be forwarded safely (400, see {@link RequestPath}).
   */
  public Optional<HttpError> checkTarget(RequestContext ctx) {
    HttpServerRequest request = ctx.request();
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
    int verdict = path == null ? RequestPath.NOT_ABSOLUTE : RequestPath.check(path);
    if (verdict == RequestPath.REWRITE) {
      int[] kept = new int[1];
      path = RequestPath.rewrite(path, kept);
      if (path == null) {
        verdict = RequestPath.ABOVE_ROOT;
      } else {
        ctx.path(path, kept[0]);
      }
    }
    if (verdict >= 0) {
      String query = request.query();
      verdict = RequestPath.checkQuery(query);
      if (verdict == RequestPath.REWRITE) ctx.query(RequestPath.encodeQuery(query));
    }
    if (verdict < 0) {
      HttpError error = HttpError.of(400, RequestPath.describe(verdict));
      log.debug("refused request-target={} reason={}", RequestPath.escape(uri), error.detail());
      return Optional.of(error);
    }
    return Optional.empty();
  }

  /**
   * A request whose framing or target two readers may see differently (RFC 9112 §6.1, §3.2): a
   * {@code Transfer-Encoding} that is not exactly one {@code chunked}, or more than one {@code
   * Host}; and a header field with an empty name, which each reader parses its own way. HTTP/2
   * frames its messages itself and has no {@code Transfer-Encoding}.
   */
  public Optional<HttpError> checkFraming(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (headers.contains("")) {
      return Optional.of(HttpError.of(400, "a request header field has an empty name"));
    }
    if (request.version() == HttpVersion.HTTP_2) return Optional.empty();
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      List<String> codings = headers.getAll(HttpHeaders.TRANSFER_ENCODING);
      if (codings.size() != 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
        return Optional.of(
            HttpError.of(
                400,
                "Transfer-Encoding must be one header with the single value 'chunked', was "
                    + RequestPath.escape(String.join(" | ", codings))));
      }
    }
    if (headers.getAll(HttpHeaders.HOST).size() > 1) {
      return Optional.of(HttpError.of(400, "the request must have exactly one Host header"));
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
}
