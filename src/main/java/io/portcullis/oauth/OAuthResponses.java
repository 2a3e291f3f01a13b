package io.portcullis.oauth;

import io.portcullis.credential.FailureThrottle;
import io.portcullis.http.ErrorResponder;
import io.portcullis.http.HttpError;
import io.portcullis.http.LocalRefusals;
import io.portcullis.token.store.StoreUnavailable;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/** How the authorization-server endpoints answer: JSON, never cached, errors as problems. */
final class OAuthResponses {
  static final String BASIC_CHALLENGE = "Basic realm=\"portcullis\", charset=\"UTF-8\"";

  private OAuthResponses() {}

  /** 200 with the JSON body and the RFC 6749 §5.1 no-cache headers. */
  /**
   * The log line of a request that failed for want of the store: an error with its stack trace,
   * except while the store is known to be unreachable, whose outage the store logs once (then a
   * debug line with the reason only).
   */
  static LoggingEventBuilder logFailure(Logger log, Throwable failure) {
    if (StoreUnavailable.causes(failure)) {
      return log.atDebug().addKeyValue("error", failure.getMessage());
    }
    return log.atError().setCause(failure);
  }

  static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    return response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Pragma", "no-cache")
        .end(body.encode());
  }

  /**
   * An RFC 6749 §5.2 error: {@code application/json} with {@code error} and {@code
   * error_description} (nimbus's {@code ErrorObject} form), never cached. A 401 carries a Basic
   * challenge, as RFC 6749 §5.2 asks for {@code invalid_client}.
   */
  static Future<Void> oauthError(RoutingContext ctx, OAuthFailure failure) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) return Future.succeededFuture();
    LocalRefusals.refused(response, failure.error());
    if (failure.status() == 401) response.putHeader("WWW-Authenticate", BASIC_CHALLENGE);
    if (failure.retryAfter() != null) {
      response.putHeader(
          "Retry-After", Long.toString(FailureThrottle.retryAfterSeconds(failure.retryAfter())));
    }
    return json(ctx, failure.status(), new JsonObject(failure.toErrorObject().toJSONObject()));
  }

  static Future<Void> error(RoutingContext ctx, HttpError error) {
    // The code or the status' reason phrase: a detail may quote what the request sent.
    LocalRefusals.refused(
        ctx.response(), error.errorCode() == null ? error.title() : error.errorCode());
    return ErrorResponder.PROBLEM_JSON.respond(ctx.request(), error);
  }

  /** 401 asking for HTTP Basic credentials. */
  static Future<Void> basicRequired(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", BASIC_CHALLENGE);
    return error(ctx, HttpError.of(401, detail));
  }
}
