package io.portcullis.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code WWW-Authenticate} challenge as a client reads it (RFC 9110 §11.6.1): the scheme and its
 * auth-params, quoted-strings unescaped. Parsing it strictly here is part of the test: a challenge
 * this cannot read is one a client could not read either.
 *
 * @param scheme the auth-scheme, such as {@code Bearer}
 * @param params auth-param names (lower case) to values, in order
 */
record Challenge(String scheme, Map<String, String> params) {

  static Challenge parse(String header) {
    if (header == null) throw new IllegalArgumentException("no WWW-Authenticate header");
    int space = header.indexOf(' ');
    if (space < 0) return new Challenge(header, Map.of());
    String scheme = header.substring(0, space);
    Map<String, String> params = new LinkedHashMap<>();
    int i = space + 1;
    while (i < header.length()) {
      int equals = header.indexOf('=', i);
      if (equals < 0) throw new IllegalArgumentException("auth-param without '=' in " + header);
      String name = header.substring(i, equals).strip().toLowerCase(java.util.Locale.ROOT);
      i = equals + 1;
      StringBuilder value = new StringBuilder();
      if (i < header.length() && header.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= header.length()) {
            throw new IllegalArgumentException("unterminated quoted-string in " + header);
          }
          char c = header.charAt(i++);
          if (c == '"') break;
          if (c == '\\') c = header.charAt(i++);
          value.append(c);
        }
      } else {
        while (i < header.length() && header.charAt(i) != ',') value.append(header.charAt(i++));
      }
      if (params.put(name, value.toString().strip()) != null) {
        throw new IllegalArgumentException("auth-param " + name + " twice in " + header);
      }
      while (i < header.length() && (header.charAt(i) == ',' || header.charAt(i) == ' ')) i++;
    }
    return new Challenge(scheme, params);
  }

  String param(String name) {
    return params.get(name);
  }
}
