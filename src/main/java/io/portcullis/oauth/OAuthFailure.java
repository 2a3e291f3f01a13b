package io.portcullis.oauth;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import io.portcullis.credential.FailureThrottle;
import java.time.Duration;
import java.util.Objects;

/**
 * An RFC 6749 §5.2 error answer: status, error code and a description that names the check that
 * failed. The description never contains a secret, a key or a whole token.
 *
 * @param status 400 or 401 (or 5xx when the server could not decide)
 * @param error the RFC 6749 error code
 * @param description which check failed; safe to send to the client and to log
 * @param retryAfter when the client may try again ({@code Retry-After}); null for no such header
 */
record OAuthFailure(int status, String error, String description, Duration retryAfter) {
  OAuthFailure {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(description, "description");
    description = legal(description);
  }

  OAuthFailure(int status, String error, String description) {
    this(status, error, description, null);
  }

  /**
   * 401 {@code invalid_client} with {@code Retry-After}: the client id or the address is locked by
   * the failure throttle, and the secret was not checked.
   */
  static OAuthFailure locked(Duration retryAfter) {
    return new OAuthFailure(
        401,
        OAuth2Error.INVALID_CLIENT.getCode(),
        "too many failed authentications of this client id or from this address; the secret was"
            + " not checked; try again in "
            + FailureThrottle.retryAfterSeconds(retryAfter)
            + " s",
        retryAfter);
  }

  /**
   * The description in the characters RFC 6749 section 5.2 allows ({@code %x20-21 / %x23-5B /
   * %x5D-7E}): a message from a library may carry quotes, a backslash or other characters.
   */
  private static String legal(String description) {
    StringBuilder out = new StringBuilder(description.length());
    for (int i = 0; i < description.length(); i++) {
      char c = description.charAt(i);
      if (c == '"') {
        out.append('\'');
      } else if (c == '\\') {
        out.append('/');
      } else if (c >= 0x20 && c <= 0x7E) {
        out.append(c);
      } else {
        out.append('?');
      }
    }
    return out.toString();
  }

  static OAuthFailure invalidRequest(String description) {
    return new OAuthFailure(400, OAuth2Error.INVALID_REQUEST.getCode(), description);
  }

  static OAuthFailure invalidClient(String description) {
    return new OAuthFailure(401, OAuth2Error.INVALID_CLIENT.getCode(), description);
  }

  static OAuthFailure invalidGrant(String description) {
    return new OAuthFailure(400, OAuth2Error.INVALID_GRANT.getCode(), description);
  }

  static OAuthFailure invalidScope(String description) {
    return new OAuthFailure(400, OAuth2Error.INVALID_SCOPE.getCode(), description);
  }

  static OAuthFailure unsupportedGrantType(String description) {
    return new OAuthFailure(400, OAuth2Error.UNSUPPORTED_GRANT_TYPE.getCode(), description);
  }

  static OAuthFailure unauthorizedClient(String description) {
    return new OAuthFailure(400, OAuth2Error.UNAUTHORIZED_CLIENT.getCode(), description);
  }

  static OAuthFailure serverError(String description) {
    return new OAuthFailure(500, OAuth2Error.SERVER_ERROR.getCode(), description);
  }

  static OAuthFailure unavailable(String description) {
    return new OAuthFailure(503, OAuth2Error.TEMPORARILY_UNAVAILABLE.getCode(), description);
  }

  /** The nimbus error object, whose JSON form is the response body. */
  ErrorObject toErrorObject() {
    return new ErrorObject(error, description, status);
  }
}
