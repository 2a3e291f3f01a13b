package io.portcullis.monitor.log;

/**
 * The one escaping of client-controlled text in log lines: every log line is one line of {@code
 * key=value} pairs whose values are in double quotes, so a value must not end the line or the
 * quotes. The logback converters of this package apply it to the message, every key/value pair and
 * exception messages; call sites log values as they are.
 */
public final class LogEscaping {
  private LogEscaping() {}

  /**
   * {@code \} and {@code "} gain a backslash; CR, LF and tab become {@code \r}, {@code \n}, {@code
   * \t}; every other control character (C0, DEL, C1) and the Unicode line and paragraph separators
   * become {@code \}{@code uXXXX}. Null stays null. Text that needs nothing is returned as is.
   */
  public static String escape(String text) {
    if (text == null) return null;
    int i = 0;
    while (i < text.length() && !needsEscape(text.charAt(i))) i++;
    if (i == text.length()) return text;
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (needsEscape(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20
        || c == '"'
        || c == '\\'
        || (c >= 0x7F && c <= 0x9F)
        || c == '\u2028'
        || c == '\u2029';
  }
}
