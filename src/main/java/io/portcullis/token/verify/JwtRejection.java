package io.portcullis.token.verify;

import io.portcullis.token.verify.Verification.Invalid;
import io.portcullis.token.verify.Verification.Reason;

/**
 * A check of {@link JwtChecker} (or of a role that composes it) failed: carries the {@link Invalid}
 * answer naming the check. Cheap to throw: no stack trace, since refusing a token is an expected
 * outcome, not an error.
 */
public final class JwtRejection extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Invalid invalid;

  /**
   * @param reason which check failed
   * @param description which check failed, for people; never the token or unprintable parts of it
   */
  public JwtRejection(Reason reason, String description) {
    super(description, null, false, false);
    this.invalid = new Invalid(reason, description);
  }

  /** The answer this refusal gives. */
  public Invalid invalid() {
    return invalid;
  }
}
