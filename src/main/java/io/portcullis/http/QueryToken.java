package io.portcullis.http;

/**
 * The {@code access_token} query parameter of RFC 6750 §2.3, which the gateway never reads and
 * never forwards: a token in a URL ends up in access logs, browser history and {@code Referer}
 * headers.
 *
 * <p>A parameter counts as {@code access_token} the way any common server could read it: the
 * parameters are separated by {@code &} or {@code ;}; the name is percent-decoded ({@code +} is a
 * space), compared without regard to case, and {@code .}, space and {@code [} count as {@code _}
 * (PHP reads {@code access.token} as {@code access_token}). Both methods are linear in the query.
 */
public final class QueryToken {
  /** The parameter's name. */
  public static final String NAME = "access_token";

  private QueryToken() {}

  /** Whether the raw query (without {@code ?}; null for none) carries an access token. */
  public static boolean present(String query) {
    if (query == null) return false;
    int start = 0;
    while (start <= query.length()) {
      int end = nextSeparator(query, start);
      if (isAccessToken(query, start, end)) return true;
      start = end + 1;
    }
    return false;
  }

  /**
   * The raw query without its access-token parameters, every other byte as sent; null when nothing
   * is left (or {@code query} is null), so that no bare {@code ?} is sent.
   */
  public static String strip(String query) {
    if (!present(query)) return query;
    StringBuilder kept = new StringBuilder(query.length());
    int start = 0;
    while (start <= query.length()) {
      int end = nextSeparator(query, start);
      if (!isAccessToken(query, start, end) && end > start) {
        if (!kept.isEmpty()) kept.append(start > 0 ? query.charAt(start - 1) : '&');
        kept.append(query, start, end);
      }
      start = end + 1;
    }
    return kept.isEmpty() ? null : kept.toString();
  }

  private static int nextSeparator(String query, int from) {
    for (int i = from; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '&' || c == ';') return i;
    }
    return query.length();
  }

  /** Whether the name of the parameter in {@code query[start..end)} reads as access_token. */
  private static boolean isAccessToken(String query, int start, int end) {
    int matched = 0;
    for (int i = start; i < end; i++) {
      char c = query.charAt(i);
      if (c == '=') break;
      if (c == '%' && i + 2 < end) {
        int high = Character.digit(query.charAt(i + 1), 16);
        int low = Character.digit(query.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          c = (char) (high << 4 | low);
          i += 2;
        }
      } else if (c == '+') {
        c = ' ';
      }
      if (c == '.' || c == ' ' || c == '[') c = '_';
      if (matched == NAME.length() || Character.toLowerCase(c) != NAME.charAt(matched)) {
        return false;
      }
      matched++;
    }
    return matched == NAME.length();
  }
}
