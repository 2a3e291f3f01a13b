package io.portcullis.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a request's {@code Authorization} header says, parsed once: nothing, HTTP Basic (RFC 7617),
 * a bearer token (RFC 6750 §2.1), a DPoP-bound token (RFC 9449 §7.1), another scheme, or a header
 * that cannot be used.
 *
 * <p>The {@code toString} of every variant hides secrets, so a result may be logged.
 */
public sealed interface Credentials
    permits Credentials.None,
        Credentials.Basic,
        Credentials.Bearer,
        Credentials.Dpop,
        Credentials.Unsupported,
        Credentials.Invalid {

  /** The header's name. */
  String HEADER = "Authorization";

  /** token68 (RFC 9110 §11.2), which is also RFC 6750's b64token. */
  Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  /** An auth-scheme, then at least one space: the start of a credential. */
  Pattern SCHEME_START = Pattern.compile("([!#$%&'*+\\-.^_`|~A-Za-z0-9]+) +(.*)", Pattern.DOTALL);

  /** No {@code Authorization} header. */
  record None() implements Credentials {}

  /**
   * HTTP Basic credentials, decoded from base64 as UTF-8.
   *
   * @param username the user-id, up to the first colon
   * @param password everything after the first colon
   */
  record Basic(String username, String password) implements Credentials {
    @Override
    public String toString() {
      return "Basic[username=" + username + ", password=***]";
    }
  }

  /**
   * A bearer token.
   *
   * @param token the token, exactly as sent
   */
  record Bearer(String token) implements Credentials {
    @Override
    public String toString() {
      return "Bearer[token=***(" + token.length() + " chars)]";
    }
  }

  /**
   * A DPoP-bound access token ({@code Authorization: DPoP <token>}, RFC 9449 §7.1), to be checked
   * with the request's {@code DPoP} proof.
   *
   * @param token the token, exactly as sent
   */
  record Dpop(String token) implements Credentials {
    @Override
    public String toString() {
      return "DPoP[token=***(" + token.length() + " chars)]";
    }
  }

  /** The access token of a {@link Bearer} or {@link Dpop} credential; null for any other. */
  static String accessToken(Credentials credentials) {
    if (credentials instanceof Bearer bearer) return bearer.token();
    if (credentials instanceof Dpop dpop) return dpop.token();
    return null;
  }

  /**
   * A well-formed header of a scheme Portcullis does not read (Digest, Negotiate …).
   *
   * @param scheme the scheme as sent
   */
  record Unsupported(String scheme) implements Credentials {}

  /**
   * A header that cannot be used.
   *
   * @param defect what is wrong with it
   * @param description says which header and what was expected, for an {@code invalid_request}
   *     answer; never contains the credentials
   */
  record Invalid(Defect defect, String description) implements Credentials {}

  /** Why an {@code Authorization} header is unusable. */
  enum Defect {
    /** Not {@code scheme SP credentials} as the scheme requires. */
    MALFORMED,
    /** The same scheme sent twice (two headers, or one header with two credentials). */
    DUPLICATED,
    /** Credentials of two different schemes in one request. */
    MULTIPLE_SCHEMES,
    /**
     * A bearer token in the header and another in the {@code access_token} query parameter (RFC
     * 6750 §2: a client MUST NOT use more than one method).
     */
    MULTIPLE_METHODS
  }

  /**
   * {@link #parse} of the header, refusing a bearer token that comes with an {@code access_token}
   * query parameter ({@link QueryToken#present}).
   *
   * @param query the raw query of the request; null for none
   */
  static Credentials parse(List<String> values, String query) {
    Credentials credentials = parse(values);
    if ((credentials instanceof Bearer || credentials instanceof Dpop)
        && QueryToken.present(query)) {
      return new Invalid(
          Defect.MULTIPLE_METHODS,
          "the request carries a bearer token in the Authorization header and another in the"
              + " access_token query parameter; send one, in the Authorization header");
    }
    return credentials;
  }

  /**
   * Parses the values of every {@code Authorization} header of a request.
   *
   * @param values the header's values in order; an empty list when there is none
   * @return never null: {@link None} for no header, {@link Invalid} for a header that must be
   *     refused with {@code 400 invalid_request}
   */
  static Credentials parse(List<String> values) {
    if (values == null || values.isEmpty()) return new None();
    if (values.size() == 1) {
      Bearer bearer = plainBearer(values.get(0));
      if (bearer != null) return bearer;
    }
    List<String> credentials = new ArrayList<>();
    for (String value : values) {
      List<String> split = splitCredentials(value);
      if (split == null) {
        return new Invalid(
            Defect.MALFORMED,
            "the Authorization header must be '<scheme> <credentials>', such as 'Bearer <token>'");
      }
      credentials.addAll(split);
    }
    if (credentials.size() > 1) {
      String first = scheme(credentials.get(0));
      boolean sameScheme =
          credentials.stream().allMatch(credential -> scheme(credential).equalsIgnoreCase(first));
      return sameScheme
          ? new Invalid(
              Defect.DUPLICATED,
              "the request carries "
                  + credentials.size()
                  + " credentials of the same scheme; send one")
          : new Invalid(
              Defect.MULTIPLE_SCHEMES,
              "the request carries credentials of more than one scheme; send one Authorization"
                  + " header");
    }
    return parseOne(credentials.get(0));
  }

  /**
   * The header of nearly every API call, {@code Bearer} (any case), spaces, one token68 and nothing
   * else, read without regular expressions; null for anything else, which the general rules below
   * read (to the same answer for this form: they were measured at a quarter of a proxied call's CPU
   * time).
   */
  private static Bearer plainBearer(String value) {
    if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    int start = 7;
    int end = value.length();
    while (start < end && value.charAt(start) == ' ') start++;
    int i = start;
    while (i < end && Token68.isChar(value.charAt(i))) i++;
    if (i == start) return null;
    while (i < end && value.charAt(i) == '=') i++;
    return i == end ? new Bearer(value.substring(start)) : null;
  }

  /**
   * Splits one header value into its credentials: a comma followed by {@code scheme SP} starts
   * another credential (what an intermediary makes of two headers), while a comma followed by
   * {@code name=value} continues the auth-params of the current one.
   *
   * @return null when the value is not a credential at all
   */
  private static List<String> splitCredentials(String value) {
    String trimmed = value == null ? "" : value.strip();
    if (trimmed.isEmpty()) return null;
    List<String> credentials = new ArrayList<>();
    StringBuilder current = null;
    for (String element : trimmed.split(",")) {
      String part = element.strip();
      boolean startsCredential =
          SCHEME_START.matcher(part).matches() && !part.split(" ", 2)[0].contains("=");
      if (startsCredential || current == null) {
        if (current != null) credentials.add(current.toString());
        current = new StringBuilder(part);
      } else {
        current.append(", ").append(part);
      }
    }
    credentials.add(current.toString());
    return credentials;
  }

  private static String scheme(String credential) {
    return credential.split(" ", 2)[0];
  }

  private static Credentials parseOne(String credential) {
    var start = SCHEME_START.matcher(credential);
    if (!start.matches()) {
      String word = credential.strip().toLowerCase(Locale.ROOT);
      // Never echo the value: a scheme-less header may well be a bare token.
      String description =
          word.equals("bearer") || word.equals("basic")
              ? "the Authorization header names a scheme but carries no credentials after it"
              : "the Authorization header must be '<scheme> <credentials>', such as 'Bearer"
                  + " <token>'";
      return new Invalid(Defect.MALFORMED, description);
    }
    String scheme = start.group(1);
    String rest = start.group(2).strip();
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer":
        if (!TOKEN68.matcher(rest).matches()) {
          return new Invalid(
              Defect.MALFORMED,
              "the Bearer token must be one b64token (letters, digits, -._~+/ and trailing =)");
        }
        return new Bearer(rest);
      case "basic":
        return parseBasic(rest);
      case "dpop":
        if (!TOKEN68.matcher(rest).matches()) {
          return new Invalid(
              Defect.MALFORMED,
              "the DPoP token must be one token68 (letters, digits, -._~+/ and trailing =)");
        }
        return new Dpop(rest);
      default:
        return new Unsupported(scheme);
    }
  }

  private static Credentials parseBasic(String encoded) {
    if (!TOKEN68.matcher(encoded).matches()) {
      return new Invalid(
          Defect.MALFORMED, "the Basic credentials must be one base64 token after 'Basic '");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return new Invalid(Defect.MALFORMED, "the Basic credentials are not valid base64");
    }
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return new Invalid(Defect.MALFORMED, "the Basic credentials are not valid UTF-8");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return new Invalid(
          Defect.MALFORMED, "the Basic credentials must be '<user-id>:<password>' in base64");
    }
    if (decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return new Invalid(
          Defect.MALFORMED, "the Basic user-id and password must not contain control characters");
    }
    return new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
  }
}
