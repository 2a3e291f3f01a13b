package io.portcullis.token.verify;

import io.portcullis.token.verify.Verification.Verified;
import java.util.Optional;

/**
 * Tells a cache of verified tokens whether an earlier answer still holds, without the token: what
 * lets {@link CachingTokenVerifier} change the speed of verification and never its answer.
 */
public interface VerificationRecheck {

  /**
   * The answer that verifying the same token again would give now, when it can be told from the
   * earlier answer alone.
   *
   * <p>Never blocks.
   *
   * @param earlier a {@link Verified} this verifier returned
   * @return {@code earlier} itself while its issuer's configuration and key set are unchanged and
   *     its time claims still pass against the clock; an {@link Verification.Invalid} when a time
   *     check now fails ({@code exp}, {@code nbf}, {@code iat}, lifetime); empty when the issuer
   *     was removed or changed, or its keys changed since, so that the token must be verified again
   */
  Optional<Verification> recheck(Verified earlier);
}
