package io.portcullis.token.verify;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.AuthorizationServer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The answer of a {@link TokenVerifier}: either the token is {@link Verified} or it is {@link
 * Invalid}, with the reason.
 */
public sealed interface Verification permits Verification.Verified, Verification.Invalid {

  /**
   * A token whose signature, issuer, times, audience and type all passed.
   *
   * @param issuer the trusted authorization server whose key verified the signature
   * @param claims every claim of the token, as signed
   * @param subject the {@code sub} claim, or null when the token has none
   * @param scopes from {@code scope} (space-separated string) and {@code scp} (array or
   *     space-separated string), in token order without duplicates; empty when neither is present
   * @param expiresAt the {@code exp} claim
   * @param jti the {@code jti} claim, or null when the token has none
   * @param keyGeneration the generation of the issuer's key set that verified the signature; a
   *     cache of verified tokens compares it with the current one, see {@link VerificationRecheck}
   */
  record Verified(
      AuthorizationServer issuer,
      JWTClaimsSet claims,
      String subject,
      List<String> scopes,
      Instant expiresAt,
      String jti,
      long keyGeneration)
      implements Verification {
    public Verified {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(claims, "claims");
      Objects.requireNonNull(expiresAt, "expiresAt");
      scopes = List.copyOf(scopes);
    }
  }

  /**
   * A token that failed one check.
   *
   * @param reason which check failed, for code that reacts to it
   * @param description which check failed, for people: safe to send to the client (e.g. in an RFC
   *     6750 {@code error_description}); it never contains a key, the token or unprintable parts of
   *     it
   */
  record Invalid(Reason reason, String description) implements Verification {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(description, "description");
    }
  }

  /** Which check refused a token; one value per check of {@link JwtVerifier}'s order. */
  enum Reason {
    /** The compact token is longer than the configured maximum. */
    TOO_LARGE,
    /**
     * Not three base64url segments, a header or payload that is not a JSON object, duplicate member
     * names, a registered claim of the wrong type, a malformed {@code scope}/{@code scp}.
     */
    MALFORMED,
    /** {@code alg} is {@code none} (any case), HMAC, unknown, or not allowed for the issuer. */
    ALGORITHM_REJECTED,
    /** The header lists {@code crit} parameters that the gateway does not understand. */
    CRITICAL_HEADER_UNSUPPORTED,
    /** The token has no {@code iss}. */
    ISSUER_MISSING,
    /** No authorization server of the registry has this exact {@code iss}. */
    ISSUER_UNTRUSTED,
    /** The issuer's keys could not be loaded and no still-usable earlier set exists. */
    KEYS_UNAVAILABLE,
    /** No key of the issuer matches the token's {@code kid}, {@code alg} and key type. */
    NO_MATCHING_KEY,
    /** The signature does not verify with the selected key(s). */
    SIGNATURE_INVALID,
    /** The token has no {@code exp}. */
    EXPIRATION_MISSING,
    /** {@code exp} is past, beyond the clock skew. */
    EXPIRED,
    /** {@code nbf} is in the future, beyond the clock skew. */
    NOT_YET_VALID,
    /** {@code iat} is in the future, beyond the clock skew. */
    ISSUED_IN_FUTURE,
    /**
     * {@code exp - iat} (or {@code exp - now} without {@code iat}) exceeds the maximum lifetime.
     */
    LIFETIME_EXCEEDED,
    /** {@code aud} is missing or names none of the issuer's expected audiences. */
    AUDIENCE_REJECTED,
    /** A header {@code typ} other than JWT or at+jwt, or an OpenID Connect ID token. */
    TYPE_REJECTED
  }
}
