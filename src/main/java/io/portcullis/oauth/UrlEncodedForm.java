package io.portcullis.oauth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict, linear-time parser of {@code application/x-www-form-urlencoded} text (the WHATWG URL
 * standard's encoding, as RFC 6749 appendix B uses it): {@code &}-separated {@code name=value}
 * pairs, {@code +} for a space, {@code %XX} for a byte, the bytes read as UTF-8.
 *
 * <p>Contract: one pass over the input, each byte looked at a bounded number of times, at most
 * {@code maxParameters} parameters kept (the parse stops at the first one beyond); so the work is
 * linear in the input and a crafted form costs no more than an ordinary one of the same size. It
 * refuses, naming the parameter (or its position when the name itself cannot be read):
 *
 * <ul>
 *   <li>more than {@code maxParameters} parameters;
 *   <li>a parameter sent more than once (RFC 6749 §3.1: parameters MUST NOT be included more than
 *       once);
 *   <li>a {@code %} not followed by two hexadecimal digits, and bytes that are not UTF-8;
 *   <li>an empty name ({@code =value}).
 * </ul>
 *
 * Empty pairs ({@code a=1&&b=2}, a trailing {@code &}) are skipped, as every form parser does.
 */
final class UrlEncodedForm {
  private UrlEncodedForm() {}

  /** The outcome of {@link #parse}. */
  sealed interface Result {}

  /**
   * @param parameters each name to its value (empty for {@code name} or {@code name=}), in the
   *     order sent; unmodifiable
   */
  record Parsed(Map<String, String> parameters) implements Result {}

  /**
   * @param description what is wrong, naming the parameter; safe to return to the client
   */
  record Malformed(String description) implements Result {}

  /**
   * Parses {@code bytes[0..length)}.
   *
   * @param maxParameters the most parameters accepted
   */
  static Result parse(byte[] bytes, int length, int maxParameters) {
    Map<String, String> parameters = new LinkedHashMap<>();
    byte[] scratch = new byte[length];
    int start = 0;
    int position = 0;
    while (start < length) {
      int end = start;
      int equals = -1;
      while (end < length && bytes[end] != '&') {
        if (equals < 0 && bytes[end] == '=') equals = end;
        end++;
      }
      if (end > start) {
        position++;
        if (parameters.size() == maxParameters) {
          return new Malformed(
              "the form has more than "
                  + maxParameters
                  + " parameters; OAuth requests need a handful");
        }
        int nameEnd = equals < 0 ? end : equals;
        String name = decode(bytes, start, nameEnd, scratch);
        if (name == null) {
          return new Malformed(
              "the name of form parameter "
                  + position
                  + " is not valid form encoding (a % must be followed by two hexadecimal digits,"
                  + " and the bytes must be UTF-8)");
        }
        if (name.isEmpty()) {
          return new Malformed("form parameter " + position + " has an empty name");
        }
        String value = equals < 0 ? "" : decode(bytes, equals + 1, end, scratch);
        if (value == null) {
          return new Malformed(
              "the value of form parameter "
                  + FormRequest.printable(name)
                  + " is not valid form encoding (a % must be followed by two hexadecimal digits,"
                  + " and the bytes must be UTF-8)");
        }
        if (parameters.putIfAbsent(name, value) != null) {
          return new Malformed(
              "parameter "
                  + FormRequest.printable(name)
                  + " is repeated; send each parameter once (RFC 6749 section 3.1)");
        }
      }
      start = end + 1;
    }
    return new Parsed(Collections.unmodifiableMap(parameters));
  }

  /** The text of {@code bytes[from..to)} after {@code +} and {@code %XX}; null when malformed. */
  private static String decode(byte[] bytes, int from, int to, byte[] scratch) {
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '+') {
        scratch[n++] = ' ';
      } else if (b == '%') {
        if (i + 2 >= to) return null;
        int high = Character.digit(bytes[i + 1], 16);
        int low = Character.digit(bytes[i + 2], 16);
        if (high < 0 || low < 0) return null;
        scratch[n++] = (byte) (high << 4 | low);
        i += 2;
      } else {
        scratch[n++] = b;
      }
    }
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return utf8.decode(ByteBuffer.wrap(scratch, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
