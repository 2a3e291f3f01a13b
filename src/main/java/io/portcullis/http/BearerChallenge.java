package io.portcullis.http;

import java.util.List;

/**
 * An RFC 6750 §3 {@code WWW-Authenticate: Bearer} challenge.
 *
 * <p>Every value is written as a quoted-string: {@code "} and {@code \} are escaped as
 * quoted-pairs, and characters that may not appear in a header (controls, non-ASCII) become {@code
 * ?}, so that no value can break the header or inject another one.
 *
 * @param realm the protection space, typically the API's name; may be null
 * @param error the error code ({@code invalid_request}, {@code invalid_token}, {@code
 *     insufficient_scope}); null when the request carried no credentials at all (RFC 6750 §3.1)
 * @param errorDescription human-readable explanation; may be null
 * @param scope space-delimited scopes needed for access; may be null
 */
public record BearerChallenge(String realm, String error, String errorDescription, String scope) {

  public static final String HEADER = "WWW-Authenticate";

  /** A challenge without an error: what a request without credentials gets. */
  public static BearerChallenge realm(String realm) {
    return new BearerChallenge(realm, null, null, null);
  }

  /** The challenge for a request that failed with this error in this realm. */
  public static BearerChallenge of(String realm, HttpError error, List<String> scopes) {
    String scope = scopes == null || scopes.isEmpty() ? null : String.join(" ", scopes);
    String description = error.errorCode() == null ? null : error.detail();
    return new BearerChallenge(realm, error.errorCode(), description, scope);
  }

  /** The header value, e.g. {@code Bearer realm="petstore", error="invalid_token"}. */
  public String toHeaderValue() {
    return toHeaderValue("Bearer");
  }

  /**
   * The header value of the same challenge in another scheme that takes RFC 6750's parameters, such
   * as {@code DPoP} (RFC 9449 §7.1).
   */
  public String toHeaderValue(String scheme) {
    StringBuilder value = new StringBuilder(scheme);
    String separator = " ";
    String[][] params = {
      {"realm", realm}, {"error", error}, {"error_description", errorDescription}, {"scope", scope}
    };
    for (String[] param : params) {
      if (param[1] == null) continue;
      value.append(separator).append(param[0]).append('=');
      appendQuoted(value, param[1]);
      separator = ", ";
    }
    return value.toString();
  }

  private static void appendQuoted(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
        out.append(c);
      } else {
        out.append('?');
      }
    }
    out.append('"');
  }
}
