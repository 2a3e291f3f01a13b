package io.portcullis.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The response headers of every page: a Content-Security-Policy that allows scripts, styles and
 * everything else only from this origin (no inline script, no {@code eval}), framing by nobody, no
 * {@code <base>}, no plugins; {@code X-Frame-Options: DENY}; {@code nosniff}; no referrer; and
 * {@code Cache-Control: no-store} so that a page with data is not kept by the browser.
 */
public final class PageSecurity {
  /** The Content-Security-Policy of every page. */
  public static final String CSP =
      "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none';"
          + " base-uri 'none'; form-action 'self'";

  private PageSecurity() {}

  /** A handler that sets the headers and continues. */
  public static void headers(RoutingContext ctx) {
    apply(ctx.response()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    ctx.next();
  }

  /** Sets every header but {@code Cache-Control} (assets may be cached). */
  static HttpServerResponse apply(HttpServerResponse response) {
    return response
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }
}
