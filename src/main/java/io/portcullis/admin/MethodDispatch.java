package io.portcullis.admin;

import io.portcullis.http.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The handlers of one resource path by method; any other method is answered 405 with an {@code
 * Allow} header listing the methods the resource has.
 */
final class MethodDispatch implements Handler<RoutingContext> {
  private final Map<HttpMethod, Handler<RoutingContext>> handlers = new LinkedHashMap<>();

  MethodDispatch on(HttpMethod method, Handler<RoutingContext> handler) {
    handlers.put(method, handler);
    return this;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Handler<RoutingContext> handler = handlers.get(ctx.request().method());
    if (handler != null) {
      handler.handle(ctx);
      return;
    }
    String allow =
        handlers.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    ctx.fail(
        new ProblemException(
            Problem.of(
                405,
                ctx.request().method().name()
                    + " is not allowed on "
                    + ctx.normalizedPath()
                    + "; allowed: "
                    + allow),
            Map.of("Allow", allow)));
  }
}
