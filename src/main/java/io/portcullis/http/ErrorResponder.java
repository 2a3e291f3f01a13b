package io.portcullis.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes one {@link HttpError} in the shape its client understands: {@code
 * application/problem+json} for REST and JSON endpoints, a SOAP Fault for SOAP APIs.
 */
public enum ErrorResponder {
  /** RFC 9457 problem details; the RFC 6750 error code, if any, as the {@code error} member. */
  PROBLEM_JSON {
    @Override
    Buffer body(HttpServerRequest request, HttpError error, HttpServerResponse response) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
      return Problem.of(error).toBuffer();
    }
  },
  /**
   * A SOAP Fault: SOAP 1.2 when the request's Content-Type is {@code application/soap+xml}, SOAP
   * 1.1 otherwise. The HTTP status stays the error's, so that clients and intermediaries still see
   * 401, 404 or 502 rather than a generic 500.
   */
  SOAP_FAULT {
    @Override
    Buffer body(HttpServerRequest request, HttpError error, HttpServerResponse response) {
      SoapFault.Version version =
          SoapFault.Version.ofContentType(request.getHeader(HttpHeaders.CONTENT_TYPE));
      response.putHeader(HttpHeaders.CONTENT_TYPE, version.contentType());
      return SoapFault.of(version, error).toBuffer();
    }
  };

  /** The responder for SOAP APIs when {@code soap}, else the problem responder. */
  public static ErrorResponder forSoap(boolean soap) {
    return soap ? SOAP_FAULT : PROBLEM_JSON;
  }

  /**
   * Ends the request's response with the error as status and body. Headers already put on the
   * response (such as {@code WWW-Authenticate}) are kept.
   *
   * @return the future of the response's end; when the response head is already on the wire the
   *     response is reset instead (nothing else can tell the client that the answer broke off), and
   *     when the response has already ended nothing is written and a succeeded future is returned
   */
  public Future<Void> respond(HttpServerRequest request, HttpError error) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) return Future.succeededFuture();
    if (response.headWritten()) return response.reset();
    response.setStatusCode(error.status());
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    Buffer body = body(request, error, response);
    return response.end(body);
  }

  /**
   * Ends a response with a problem built by the caller (for instance with a {@code field} or {@code
   * errors} member), under the same rules as {@link #respond}.
   */
  public static Future<Void> respond(HttpServerResponse response, Problem problem) {
    if (response.ended() || response.closed()) return Future.succeededFuture();
    if (response.headWritten()) return response.reset();
    response.setStatusCode(problem.status());
    response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    return response.end(problem.toBuffer());
  }

  abstract Buffer body(HttpServerRequest request, HttpError error, HttpServerResponse response);
}
