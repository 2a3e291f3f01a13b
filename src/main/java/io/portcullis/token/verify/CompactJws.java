package io.portcullis.token.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.token.verify.Verification.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compact JWS whose header and claims were parsed but are not trusted yet: the first step of
 * {@link JwtChecker}. Parsing is nimbus-jose-jwt's, with stricter rules in front of it.
 *
 * <p>{@link #parse} refuses, naming the check: longer than {@link JwtCheck#maxLength()} ({@code
 * TOO_LARGE}); other than exactly three non-empty segments of base64url characters without padding
 * or whitespace, e.g. an encrypted JWT (five segments) ({@code MALFORMED}); a header that is not a
 * JSON object with an {@code alg} ({@code MALFORMED}); {@code alg} {@code none} in any spelling, an
 * HMAC algorithm when the check accepts none, any algorithm outside {@link JwtCheck#algorithms()}
 * ({@code ALGORITHM_REJECTED}); a JWE header, an empty signature ({@code MALFORMED}); a {@code
 * crit} header ({@code CRITICAL_HEADER_UNSUPPORTED}); a payload that is not a JSON object whose
 * registered claims have their RFC 7519 types, a member name repeated at any depth of header or
 * payload, and a header {@code jwk} with private key parts ({@code MALFORMED}). The header
 * parameters {@code jku}, {@code x5u}, {@code jwk} and {@code x5c} are parsed, never followed: a
 * role that wants a key from the header (a DPoP proof's {@code jwk}) reads it from {@link
 * #header()} itself.
 *
 * @param header the JWS header
 * @param claims the claims, as sent
 * @param signingInput what the signature covers: the first two segments as sent (RFC 7515 §5.2)
 * @param signature the signature segment
 */
public record CompactJws(
    JWSHeader header, JWTClaimsSet claims, byte[] signingInput, Base64URL signature) {
  private static final Logger LOG = LoggerFactory.getLogger(CompactJws.class);
  private static final JsonFactory STRICT_JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * The end of the {@code MALFORMED} description of a JWT whose header's {@code jwk} has private
   * key parts: the sender has disclosed its key.
   */
  public static final String PRIVATE_JWK = "header jwk contains private key parts";

  /** The base64url alphabet by code point: a table, since this runs for every character. */
  private static final boolean[] BASE64URL = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) BASE64URL[c] = true;
    for (char c = 'a'; c <= 'z'; c++) BASE64URL[c] = true;
    for (char c = '0'; c <= '9'; c++) BASE64URL[c] = true;
    BASE64URL['-'] = true;
    BASE64URL['_'] = true;
  }

  /**
   * Parses a compact JWS as {@code check} allows. Never throws anything but {@link JwtRejection}.
   *
   * @param token the compact serialisation as sent; null is refused as malformed
   */
  public static CompactJws parse(String token, JwtCheck check) throws JwtRejection {
    String noun = check.noun();
    if (token == null || token.isEmpty()) {
      throw new JwtRejection(Reason.MALFORMED, noun + " is empty");
    }
    if (token.length() > check.maxLength()) {
      throw new JwtRejection(
          Reason.TOO_LARGE, noun + " is longer than " + check.maxLength() + " characters");
    }
    requireCompactShape(token, noun);
    try {
      Base64URL[] parts = JOSEObject.split(token);
      // Each segment is decoded once, with the JDK's decoder (the shape is checked above), and the
      // JSON texts are shared by nimbus's parse and the strict duplicate check.
      String headerJson = decode(parts[0]);
      Header header = parseHeader(headerJson, parts[0], noun);
      if (Algorithm.NONE.getName().equalsIgnoreCase(header.getAlgorithm().getName())) {
        throw new JwtRejection(Reason.ALGORITHM_REJECTED, "algorithm none is never accepted");
      }
      if (!(header instanceof JWSHeader jwsHeader)) {
        throw new JwtRejection(Reason.MALFORMED, noun + " header is not a JWS header");
      }
      requireAcceptedAlgorithm(jwsHeader.getAlgorithm(), check);
      if (jwsHeader.getCriticalParams() != null && !jwsHeader.getCriticalParams().isEmpty()) {
        throw new JwtRejection(
            Reason.CRITICAL_HEADER_UNSUPPORTED,
            "header crit names parameters that the gateway does not process");
      }
      if (parts[2].toString().isEmpty()) {
        throw new JwtRejection(Reason.MALFORMED, noun + " signature segment is empty");
      }
      String payloadJson = decode(parts[1]);
      JWTClaimsSet claims = parseClaims(payloadJson, noun);
      if (!isStrictJson(headerJson) || !isStrictJson(payloadJson)) {
        throw new JwtRejection(Reason.MALFORMED, noun + " header or payload repeats a member name");
      }
      byte[] signingInput =
          token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
      return new CompactJws(jwsHeader, claims, signingInput, new DecodedBase64URL(parts[2]));
    } catch (ParseException e) {
      throw new JwtRejection(Reason.MALFORMED, noun + " is not a compact signed JWT");
    } catch (RuntimeException e) {
      // Parsers must answer "malformed" to any input; an exception here is theirs, not the token's.
      LOG.debug("JWT parsing failed unexpectedly", e);
      throw new JwtRejection(Reason.MALFORMED, noun + " could not be parsed");
    }
  }

  /** A JWS nimbus parsed (and possibly signed) already, as the checker reads it. */
  public static CompactJws of(SignedJWT jwt) throws ParseException {
    return new CompactJws(
        jwt.getHeader(),
        jwt.getJWTClaimsSet(),
        jwt.getSigningInput(),
        new DecodedBase64URL(jwt.getSignature()));
  }

  private static void requireAcceptedAlgorithm(JWSAlgorithm algorithm, JwtCheck check)
      throws JwtRejection {
    if (check.algorithms().contains(algorithm)) {
      return;
    }
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      // The "secret" could be a public key (key confusion), and a secret cannot prove who signed.
      throw new JwtRejection(
          Reason.ALGORITHM_REJECTED,
          "algorithm "
              + algorithm.getName()
              + " is never accepted: a shared secret cannot prove who signed");
    }
    throw new JwtRejection(
        Reason.ALGORITHM_REJECTED,
        check.noun()
            + " alg "
            + JwtChecker.quoted(algorithm.getName())
            + " is not an accepted algorithm");
  }

  private static void requireCompactShape(String token, String noun) throws JwtRejection {
    int segments = 1;
    int length = 0;
    JwtRejection badSegment = null;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (badSegment == null) badSegment = badBase64UrlSegment(segments, length, noun);
        segments++;
        length = 0;
      } else if (c < 128 && BASE64URL[c]) {
        length++;
      } else {
        throw new JwtRejection(
            Reason.MALFORMED, noun + " contains a character that is neither base64url nor '.'");
      }
    }
    if (segments == 5) {
      throw new JwtRejection(
          Reason.MALFORMED,
          noun
              + " has 5 segments: an encrypted JWT is not accepted; it must be a signed JWT (JWS)");
    }
    // An empty third segment is an unsecured JWT: let it through to be refused for alg none.
    if (badSegment == null && (segments != 3 || length != 0)) {
      badSegment = badBase64UrlSegment(segments, length, noun);
    }
    if (badSegment != null) {
      throw badSegment;
    }
    if (segments != 3) {
      throw new JwtRejection(
          Reason.MALFORMED, noun + " has " + segments + " segments; a compact JWS has exactly 3");
    }
  }

  /** A refusal when the segment cannot be base64url, else null. */
  private static JwtRejection badBase64UrlSegment(int segment, int length, String noun) {
    // No base64 encoding is 1 character longer than a multiple of 4.
    return length == 0 || length % 4 == 1
        ? new JwtRejection(
            Reason.MALFORMED,
            noun + " is not a compact signed JWT: segment " + segment + " is not valid base64url")
        : null;
  }

  private static String decode(Base64URL segment) {
    return new String(Base64.getUrlDecoder().decode(segment.toString()), StandardCharsets.UTF_8);
  }

  private static Header parseHeader(String json, Base64URL encoded, String noun)
      throws JwtRejection {
    try {
      return Header.parse(json, encoded);
    } catch (ParseException e) {
      // nimbus refuses a jwk header parameter with private parts while parsing the header.
      if (e.getMessage() != null && e.getMessage().startsWith("Non-public key in jwk")) {
        throw new JwtRejection(Reason.MALFORMED, noun + " " + PRIVATE_JWK);
      }
      throw new JwtRejection(
          Reason.MALFORMED, noun + " header has no alg or is not a JSON object with one");
    }
  }

  private static JWTClaimsSet parseClaims(String json, String noun) throws JwtRejection {
    try {
      return JWTClaimsSet.parse(json);
    } catch (ParseException e) {
      throw new JwtRejection(
          Reason.MALFORMED,
          noun + " payload is not a JSON object of claims with correctly typed registered claims");
    }
  }

  private static boolean isStrictJson(String json) {
    try (JsonParser parser = STRICT_JSON.createParser(json)) {
      while (parser.nextToken() != null) {
        // reading to the end is the check
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A signature segment that nimbus's verifiers decode with the JDK's base64url decoder, once,
   * instead of nimbus's constant-time codec: that codec exists for secret key material, a signature
   * is public, and decoding the 342 characters of an RS256 signature with it cost as much as a
   * fifth of the Java time of a verification. The shape check has already admitted only the
   * base64url alphabet.
   */
  static final class DecodedBase64URL extends Base64URL {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    DecodedBase64URL(Base64URL encoded) {
      super(encoded.toString());
      this.bytes = Base64.getUrlDecoder().decode(encoded.toString());
    }

    @Override
    public byte[] decode() {
      return bytes.clone();
    }
  }
}
