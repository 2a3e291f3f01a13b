package io.portcullis.gateway;

/**
 * The request path as the gateway routes and forwards it: checked and normalized once, so that the
 * path the route table matches is the path the upstream reads.
 *
 * <p>Refused, because no upstream reading of them is safe to assume:
 *
 * <ul>
 *   <li>a path that is not absolute;
 *   <li>control bytes (0x00–0x1F, 0x7F) and spaces, raw; control bytes percent-encoded;
 *   <li>{@code \} raw or as {@code %5C}: some servers read it as {@code /};
 *   <li>a {@code %} not followed by two hex digits;
 *   <li>a dot segment that only some readers see: one with a percent-encoded dot ({@code %2e},
 *       {@code .%2e}), or one delimited by an encoded slash ({@code ..%2F}) or by a {@code ;}
 *       ({@code ..;/}, which Tomcat reads as {@code ..});
 *   <li>the bytes C0 and C1, raw or encoded, which begin only overlong UTF-8 encodings (old
 *       decoders read {@code %C0%AE} as {@code .} and {@code %C0%AF} as {@code /});
 *   <li>a {@code ..} that climbs above the root.
 * </ul>
 *
 * <p>Normalized: plain {@code .} and {@code ..} segments are resolved as RFC 3986 §5.2.4 does, and
 * bytes outside ASCII, in the path and in the query, (which arrive as the characters U+0080–U+00FF
 * of an ISO-8859-1 reading of the request line) are percent-encoded, so that the upstream gets
 * exactly the bytes the client sent. Everything else is forwarded as sent, percent-encodings
 * included: an encoded slash in a segment such as {@code group%2Fproject} stays one segment.
 *
 * <p>{@link #check} is one pass over the characters, without allocation for a path that needs no
 * rewriting (the common case).
 */
public final class RequestPath {
  /** Nothing to change: the path is routed and forwarded as it came. */
  static final int CLEAN = 0;

  /** Acceptable, but with dot segments to resolve or non-ASCII bytes to encode. */
  static final int REWRITE = 1;

  static final int NOT_ABSOLUTE = -1;
  static final int CONTROL = -2;
  static final int SPACE = -3;
  static final int BACKSLASH = -4;
  static final int BAD_PERCENT = -5;
  static final int HIDDEN_DOT_SEGMENT = -6;
  static final int NOT_A_BYTE = -7;
  static final int ABOVE_ROOT = -8;
  static final int OVERLONG = -9;

  /** How a piece of a segment is delimited, for the dot-segment check. */
  private static final int SLASH = 0;

  private static final int OTHER = 1;

  private RequestPath() {}

  /**
   * Checks a request path in one pass.
   *
   * @param path the path as Vert.x read it (each byte one character)
   * @return {@link #CLEAN}, {@link #REWRITE}, or a negative code naming the reason for refusal
   *     ({@link #describe} says it in words)
   */
  static int check(String path) {
    int length = path.length();
    if (length == 0 || path.charAt(0) != '/') return NOT_ABSOLUTE;
    int result = CLEAN;
    // The current piece: the text between two delimiters, where '/' delimits segments and an
    // encoded '/' or a ';' delimits pieces that some upstreams read as segments.
    int dots = 0;
    boolean encodedDot = false;
    boolean other = false;
    int opened = SLASH;
    for (int i = 1; i <= length; i++) {
      int c = i == length ? '/' : path.charAt(i);
      if (c < 0x80 && PLAIN[c]) {
        // The common case, one table look-up: a character that needs no further thought.
        other = true;
        continue;
      }
      int closing = -1;
      if (c == '/') {
        closing = SLASH;
      } else if (c == '%') {
        int decoded = i + 2 < length ? hex(path.charAt(i + 1), path.charAt(i + 2)) : -1;
        if (decoded < 0) return BAD_PERCENT;
        i += 2;
        if (decoded < 0x20 || decoded == 0x7f) return CONTROL;
        if (decoded == '\\') return BACKSLASH;
        if (decoded == 0xc0 || decoded == 0xc1) return OVERLONG;
        if (decoded == '/' || decoded == ';') {
          closing = OTHER;
        } else if (decoded == '.') {
          dots++;
          encodedDot = true;
        } else {
          other = true;
        }
      } else if (c == ';') {
        closing = OTHER;
      } else if (c == '.') {
        dots++;
      } else if (c == '\\') {
        return BACKSLASH;
      } else if (c < 0x20 || c == 0x7f) {
        return CONTROL;
      } else if (c == ' ') {
        return SPACE;
      } else if (c > 0xff) {
        return NOT_A_BYTE;
      } else if (c == 0xc0 || c == 0xc1) {
        return OVERLONG;
      } else {
        if (c >= 0x80) result = REWRITE;
        other = true;
      }
      if (closing < 0) continue;
      if (!other && (dots == 1 || dots == 2)) {
        if (encodedDot || opened != SLASH || closing != SLASH) return HIDDEN_DOT_SEGMENT;
        result = REWRITE;
      }
      dots = 0;
      encodedDot = false;
      other = false;
      opened = closing;
    }
    return result;
  }

  /**
   * The normalized form of a path {@link #check} found to need {@link #REWRITE}: dot segments
   * resolved, non-ASCII bytes percent-encoded.
   *
   * @param keptPrefix receives, at index 0, the length of the longest prefix of the result that no
   *     {@code ..} reached (the whole length when none climbed)
   * @return the path, or null when a {@code ..} climbs above the root
   */
  static String rewrite(String path, int[] keptPrefix) {
    StringBuilder out = new StringBuilder(path.length() + 16);
    int kept = Integer.MAX_VALUE;
    int start = 1;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) end = path.length();
      boolean last = end == path.length();
      int segment = end - start;
      if (segment == 2 && path.startsWith("..", start)) {
        if (out.isEmpty()) return null;
        out.setLength(out.lastIndexOf("/"));
        kept = Math.min(kept, Math.max(out.length(), 1));
        if (last) out.append('/');
      } else if (segment == 1 && path.charAt(start) == '.') {
        if (last) out.append('/');
      } else {
        appendEncoded(out.append('/'), path, start, end);
      }
      start = end + 1;
    }
    if (out.isEmpty()) out.append('/');
    keptPrefix[0] = Math.min(kept, out.length());
    return out.toString();
  }

  /**
   * Checks a query in one pass: control bytes and spaces, raw, are refused as in a path; bytes
   * outside ASCII make it {@link #REWRITE} ({@link #encodeQuery}).
   *
   * @param query the query as Vert.x read it, or null when there is none
   */
  static int checkQuery(String query) {
    if (query == null) return CLEAN;
    int result = CLEAN;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c < 0x20 || c == 0x7f) return CONTROL;
      if (c == ' ') return SPACE;
      if (c > 0xff) return NOT_A_BYTE;
      if (c >= 0x80) result = REWRITE;
    }
    return result;
  }

  /** A query with its bytes outside ASCII percent-encoded, the rest as sent. */
  static String encodeQuery(String query) {
    return appendEncoded(new StringBuilder(query.length() + 16), query, 0, query.length())
        .toString();
  }

  /** Appends {@code text[from, to)}, each byte outside ASCII percent-encoded. */
  private static StringBuilder appendEncoded(StringBuilder out, String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        out.append(c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out;
  }

  /**
   * A client's text made safe for one log line: printable ASCII as sent, but backslash and
   * everything else as a backslash, {@code x} and two hex digits (four after {@code u} beyond a
   * byte), at most 200 characters of it.
   */
  public static String escape(String text) {
    if (text == null) return null;
    int shown = Math.min(text.length(), 200);
    StringBuilder out = new StringBuilder(shown + 16);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out.append(c);
      } else if (c <= 0xff) {
        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
      }
    }
    if (shown < text.length()) out.append('…');
    return out.toString();
  }

  /** The reason for a refusal, for the client. */
  static String describe(int code) {
    return switch (code) {
      case NOT_ABSOLUTE -> "the request-target must be an absolute path";
      case CONTROL ->
          "the request-target must not contain control characters, raw (or %-encoded in the path)";
      case SPACE -> "the request-target must not contain a space";
      case BACKSLASH -> "the request path must not contain '\\', raw or as %5C";
      case BAD_PERCENT -> "the request path has a '%' that is not followed by two hex digits";
      case HIDDEN_DOT_SEGMENT ->
          "the request path has a '.' or '..' segment that is %-encoded or delimited by ';' or"
              + " %2F";
      case NOT_A_BYTE -> "the request path has a character that is not a byte";
      case ABOVE_ROOT -> "the request path climbs above '/' with '..'";
      case OVERLONG ->
          "the request path has a byte C0 or C1, which starts only overlong UTF-8 (such as %C0%AE"
              + " for '.')";
      default -> throw new IllegalArgumentException("not a refusal: " + code);
    };
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** ASCII that is neither a delimiter, a dot, a {@code %}, nor refused. */
  private static final boolean[] PLAIN = new boolean[0x80];

  static {
    for (int c = 0x21; c < 0x7f; c++) PLAIN[c] = "/%;.\\".indexOf(c) < 0;
  }

  private static int hex(char high, char low) {
    int h = Character.digit(high, 16);
    int l = Character.digit(low, 16);
    return h < 0 || l < 0 || high > 'f' || low > 'f' ? -1 : h << 4 | l;
  }
}
