package io.portcullis.web;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

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

  private static final Pattern BACK = Pattern.compile("[A-Za-z0-9/._~%?=&+,;:@!$()*-]*");

  private PageForms() {}

  /**
   * The sign-in page's words for a throttled attempt, in whole minutes rounded up; also sets {@code
   * Retry-After}.
   */
  public static String throttled(RoutingContext ctx, Duration wait) {
    long seconds = Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    long minutes = (seconds + 59) / 60;
    return "Too many failed sign-ins; wait "
        + minutes
        + (minutes == 1 ? " minute" : " minutes")
        + " and try again.";
  }

  /**
   * Where to send the browser back to after a form: the form field {@code back} when it is a path
   * of this site (starts with {@code prefix}, at most 2,000 characters, only characters a URL
   * carries unencoded: no control character, space, backslash or quote), else {@code fallback}. So
   * no form can redirect off the site or put a line break in {@code Location}.
   */
  public static String back(RoutingContext ctx, String prefix, String fallback) {
    String back = ctx.request().formAttributes().get("back");
    boolean ours =
        back != null
            && back.startsWith(prefix)
            && back.length() <= 2_000
            && BACK.matcher(back).matches();
    return ours ? back : fallback;
  }

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
