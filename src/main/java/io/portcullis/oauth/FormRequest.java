package io.portcullis.oauth;

import io.portcullis.http.ClientCertificates;
import io.portcullis.token.verify.JwtChecker;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The form parameters of an OAuth request (RFC 6749 §3.2: {@code
 * application/x-www-form-urlencoded}, each parameter at most once), parsed by {@link
 * UrlEncodedForm}. Parsed on the event loop: the parse is linear in the body, the body is at most
 * {@link #MAX_BODY} bytes and at most {@link #MAX_PARAMETERS} parameters are read, so a form costs
 * the loop a few microseconds whatever its content.
 *
 * @param parameters name to its single value
 * @param raw name to every value, as nimbus's client-authentication parser wants them
 * @param authorization every value of the {@code Authorization} header; empty when there is none
 * @param address the client's IP address, for the failure throttle; null when unknown
 * @param certificates the certificate chain the client presented on its TLS connection, its own
 *     first; empty over plain HTTP or without one
 */
record FormRequest(
    Map<String, String> parameters,
    Map<String, List<String>> raw,
    List<String> authorization,
    String address,
    List<X509Certificate> certificates) {

  /** The outcome of {@link #parse}. */
  sealed interface Parsed {}

  record Form(FormRequest form) implements Parsed {}

  record Refused(OAuthFailure failure) implements Parsed {}

  private static final String BODY = FormRequest.class.getName() + ".body";

  /** The largest form body accepted (a signed assertion or two fit with room to spare). */
  static final int MAX_BODY = 64 * 1024;

  /**
   * The most parameters a form may have. The richest OAuth request here (a JWT-bearer grant with
   * private_key_jwt client authentication and a scope) has seven.
   */
  static final int MAX_PARAMETERS = 64;

  /**
   * Reads the request body into the context for {@link #parse}, refusing more than {@code max}
   * bytes with 413. Vert.x's {@code BodyHandler} is not used here: it decodes form bodies itself
   * and fails with 500 on a form value over 8 KiB, which a JWT assertion may well be.
   */
  static Handler<RoutingContext> reader(int max) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      try {
        if (length != null && Long.parseLong(length.strip()) > max) {
          ctx.fail(413);
          return;
        }
      } catch (NumberFormatException e) {
        ctx.fail(400);
        return;
      }
      if (request.isEnded()) {
        ctx.put(BODY, Buffer.buffer());
        ctx.next();
        return;
      }
      Buffer body = Buffer.buffer();
      AtomicBoolean failed = new AtomicBoolean();
      request.handler(
          chunk -> {
            if (failed.get()) return;
            if (body.length() + chunk.length() > max) {
              failed.set(true);
              ctx.fail(413);
            } else {
              body.appendBuffer(chunk);
            }
          });
      request.exceptionHandler(
          e -> {
            if (failed.compareAndSet(false, true)) ctx.fail(400, e);
          });
      request.endHandler(
          v -> {
            if (failed.get()) return;
            ctx.put(BODY, body);
            ctx.next();
          });
      request.resume();
    };
  }

  /** The body {@link #reader} read; empty when there was none. */
  static Buffer body(RoutingContext ctx) {
    Buffer body = ctx.get(BODY);
    return body == null ? Buffer.buffer() : body;
  }

  /** The client's own TLS certificate, or null when it presented none. */
  X509Certificate certificate() {
    return certificates.isEmpty() ? null : certificates.get(0);
  }

  String get(String name) {
    return parameters.get(name);
  }

  /**
   * Reads the body of a POST, or the query of a GET when {@code queryAllowed}.
   *
   * @return the form, or the {@code invalid_request} naming the repeated parameter or the wrong
   *     content type
   */
  static Parsed parse(RoutingContext ctx, boolean queryAllowed) {
    byte[] bytes;
    if (queryAllowed && ctx.request().method().name().equals("GET")) {
      String query = ctx.request().query();
      // The request line's bytes, as Netty read them (one char per byte).
      bytes = query == null ? new byte[0] : query.getBytes(StandardCharsets.ISO_8859_1);
    } else {
      String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!media.equals("application/x-www-form-urlencoded")) {
        return new Refused(
            OAuthFailure.invalidRequest(
                "the request body must be application/x-www-form-urlencoded; Content-Type was "
                    + (type == null ? "missing" : printable(type))));
      }
      bytes = body(ctx).getBytes();
    }
    UrlEncodedForm.Result result = UrlEncodedForm.parse(bytes, bytes.length, MAX_PARAMETERS);
    if (result instanceof UrlEncodedForm.Malformed malformed) {
      return new Refused(OAuthFailure.invalidRequest(malformed.description()));
    }
    Map<String, String> all = ((UrlEncodedForm.Parsed) result).parameters();
    Map<String, String> single = new LinkedHashMap<>();
    Map<String, List<String>> raw = new LinkedHashMap<>();
    all.forEach(
        (name, value) -> {
          raw.put(name, List.of(value));
          // RFC 6749 §3.1: parameters sent without a value are treated as omitted.
          if (!value.isEmpty()) single.put(name, value);
        });
    return new Form(
        new FormRequest(
            Collections.unmodifiableMap(single),
            Collections.unmodifiableMap(raw),
            List.copyOf(ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION)),
            address(ctx.request()),
            ClientCertificates.presented(ctx.request())));
  }

  /** The client's IP address (the TCP peer: the gateway trusts no forwarding header for this). */
  static String address(HttpServerRequest request) {
    return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
  }

  /**
   * A client-supplied value as it may appear in a description: short printable ASCII, quoted, as
   * the JWT checks quote a JWT's values.
   */
  static String printable(String value) {
    return JwtChecker.quoted(value);
  }
}
