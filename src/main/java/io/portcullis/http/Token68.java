package io.portcullis.http;

/**
 * The token68 characters of RFC 9110 §11.2, but {@code =}, which only pads the end. A table rather
 * than comparisons: this runs for every character of every bearer token.
 */
final class Token68 {
  private static final boolean[] CHARS = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) CHARS[c] = true;
    for (char c = 'a'; c <= 'z'; c++) CHARS[c] = true;
    for (char c = '0'; c <= '9'; c++) CHARS[c] = true;
    for (char c : "-._~+/".toCharArray()) CHARS[c] = true;
  }

  private Token68() {}

  static boolean isChar(char c) {
    return c < 128 && CHARS[c];
  }
}
