package io.portcullis.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Endpoints the gateway serves itself on its port, ahead of every API: the authorization server's
 * {@code /oauth2/…}, {@code /.well-known/…} and compatibility paths. The composition root builds
 * the handler (a Vert.x Web router, say), so that the gateway need not know the endpoints.
 *
 * @param pathPrefixes base paths, matched on whole segments like API base paths: {@code /oauth2}
 *     claims {@code /oauth2} and {@code /oauth2/token} but not {@code /oauth2x}
 * @param handler serves the claimed requests; it is shared by every event loop of the gateway, so
 *     it must be safe to call from several threads, and must not block. It must write each response
 *     on that request's own event loop (complete blocking work through futures of the request's
 *     context): the gateway's server runs in strict thread mode, where a write from another thread
 *     fails
 */
public record LocalRoutes(List<String> pathPrefixes, Handler<HttpServerRequest> handler) {

  /** No local endpoint: every path goes to the API routes. */
  public static final LocalRoutes NONE =
      new LocalRoutes(List.of(), request -> request.response().setStatusCode(404).end());

  public LocalRoutes {
    pathPrefixes = List.copyOf(pathPrefixes);
    Objects.requireNonNull(handler, "handler");
    for (String prefix : pathPrefixes) {
      if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
        throw new IllegalArgumentException(
            "local path prefix must start with / and not end with /, was " + prefix);
      }
    }
  }

  /**
   * These routes and one more endpoint at exactly {@code path}, which comes first: a request whose
   * path is {@code path} goes to {@code endpoint}, one below it ({@code path/x}) that no other
   * local route claims is 404, every other as before.
   *
   * @throws IllegalArgumentException when the path does not start with / or ends with /
   */
  public LocalRoutes plus(String path, Handler<HttpServerRequest> endpoint) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(endpoint, "endpoint");
    if (path.equals("/")) {
      throw new IllegalArgumentException("a local endpoint cannot take the whole gateway: /");
    }
    List<String> prefixes = new ArrayList<>(pathPrefixes);
    prefixes.add(path);
    Handler<HttpServerRequest> rest = handler;
    LocalRoutes self = this;
    return new LocalRoutes(
        prefixes,
        request -> {
          if (path.equals(request.path())) {
            endpoint.handle(request);
          } else if (self.claims(request.path())) {
            rest.handle(request);
          } else {
            request.response().setStatusCode(404).end();
          }
        });
  }

  /** Whether the path belongs to a local endpoint. */
  public boolean claims(String path) {
    if (path == null) return false;
    for (String prefix : pathPrefixes) {
      if (prefix.equals("/")) return true;
      if (path.startsWith(prefix)
          && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
        return true;
      }
    }
    return false;
  }
}
