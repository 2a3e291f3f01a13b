package io.portcullis.web;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;

/**
 * What every site's pages do alike with a request: check a POST's CSRF token (the {@value
 * #CSRF_HEADER} header or the form field {@value #CSRF_FIELD}) and keep the chosen theme in a
 * cookie.
 */
public final class PageForms {
  /** The form field that carries the session's CSRF token. */
  public static final String CSRF_FIELD = "_csrf";

  /** The header that carries it for script requests (htmx). */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private PageForms() {}

  /** Whether the request carries the session's CSRF token. */
  public static boolean csrfValid(RoutingContext ctx, WebSession session) {
    String given = ctx.request().getHeader(CSRF_HEADER);
    if (given == null) given = ctx.request().formAttributes().get(CSRF_FIELD);
    return Sessions.sameToken(session.csrfToken(), given);
  }

  /**
   * Stores the theme of the form field {@code theme} ({@code light}, {@code dark}, else {@code
   * system}) in the cookie for a year.
   */
  public static void saveTheme(RoutingContext ctx, Sessions sessions, String cookie) {
    String theme = ctx.request().formAttributes().get("theme");
    if (!List.of("light", "dark", "system").contains(theme)) theme = "system";
    ctx.response().addCookie(sessions.cookie(ctx.request(), cookie, theme, Duration.ofDays(365)));
  }

  /** The theme in the cookie: {@code light}, {@code dark} or {@code system}. */
  public static String theme(RoutingContext ctx, String cookie) {
    Cookie c = ctx.request().getCookie(cookie);
    return c != null && List.of("light", "dark").contains(c.getValue()) ? c.getValue() : "system";
  }
}
