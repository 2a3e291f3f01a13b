package io.portcullis.admin;

import io.portcullis.control.ConflictException;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.StaleVersionException;
import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;
import io.portcullis.http.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error answer of the admin server as {@code application/problem+json}: the failure
 * handler of all routes and the router's handler of unmatched requests. Unexpected failures are
 * logged once, here, with a correlation id that the answer carries instead of any detail.
 */
final class AdminFailures implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminFailures.class);

  private final FailureTranslator translator;
  private final long maxBodyBytes;

  AdminFailures(FailureTranslator translator, long maxBodyBytes) {
    this.translator = translator;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    HttpServerResponse response = ctx.response();
    Problem problem;
    if (failure instanceof ProblemException p) {
      p.headers().forEach(response::putHeader);
      problem = p.problem();
    } else if (failure instanceof ValidationException v) {
      problem = invalid(v.violations());
    } else if (failure instanceof NotFoundException) {
      problem = Problem.of(404, failure.getMessage());
    } else if (failure instanceof ConflictException c) {
      problem = Problem.of(409, c.getMessage());
      if (!c.field().isEmpty()) problem = problem.with("field", c.field());
    } else if (failure instanceof StaleVersionException stale) {
      problem = Problem.of(412, stale.getMessage()).with("currentVersion", stale.currentVersion());
      if (stale.currentVersion() != null) {
        response.putHeader(HttpHeaders.ETAG, EntityTags.of(stale.currentVersion()));
      }
    } else if (failure instanceof HttpException h) {
      problem = ofStatus(ctx, h.getStatusCode());
    } else if (failure == null) {
      problem = ofStatus(ctx, ctx.statusCode());
    } else {
      Optional<Problem> known = translator.translate(failure);
      problem = known.orElseGet(() -> unexpected(ctx, failure));
    }
    write(ctx, problem);
  }

  /** 400 naming every violation; {@code field} names the first. */
  static Problem invalid(List<Violation> violations) {
    Violation first = violations.get(0);
    String detail =
        (first.path().isEmpty() ? "the body" : first.path())
            + ": "
            + first.message()
            + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "");
    return Problem.of(400, detail).with("field", first.path()).with("errors", errors(violations));
  }

  /** The {@code errors} member: one {@code {field, message}} per violation, in order. */
  static List<Map<String, String>> errors(List<Violation> violations) {
    List<Map<String, String>> errors = new ArrayList<>();
    for (Violation v : violations) {
      Map<String, String> error = new LinkedHashMap<>();
      error.put("field", v.path());
      error.put("message", v.message());
      errors.add(error);
    }
    return errors;
  }

  private Problem ofStatus(RoutingContext ctx, int status) {
    return switch (status) {
      case 404 -> Problem.of(404, "no admin resource at " + ctx.normalizedPath());
      case 405 -> Problem.of(405, ctx.request().method() + " is not allowed on this resource");
      case 413 ->
          Problem.of(
              413, "the request body is larger than the limit of " + maxBodyBytes + " bytes");
      default -> status >= 400 && status < 600 ? Problem.of(status, null) : Problem.of(500, null);
    };
  }

  private static Problem unexpected(RoutingContext ctx, Throwable failure) {
    String correlationId = UUID.randomUUID().toString();
    LOG.atError()
        .setCause(failure)
        .addKeyValue("correlationId", correlationId)
        .addKeyValue("method", ctx.request().method())
        .addKeyValue("path", ctx.normalizedPath())
        .log("admin call failed");
    return Problem.of(
            500,
            "the admin call failed unexpectedly; the server log has the cause under correlation id "
                + correlationId)
        .with("correlationId", correlationId);
  }

  private static void write(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) return;
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(problem.toBuffer());
    // A refused request may still have body bytes on the way (it was paused for authentication):
    // let them drain so that the connection stays usable. One whose body was read whole (a write
    // refused after parsing) has nothing left; HTTP/2 refuses to resume it.
    if (!ctx.request().isEnded()) ctx.request().resume();
  }
}
