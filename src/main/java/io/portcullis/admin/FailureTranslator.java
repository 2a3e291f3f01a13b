package io.portcullis.admin;

import io.portcullis.http.Problem;
import java.util.Optional;

/**
 * Turns failures that only the composition root can recognise into answers: the admin package may
 * not import the store, so the store's unique-value conflict (409) or an unreachable database (503)
 * are named to it this way.
 */
@FunctionalInterface
public interface FailureTranslator {
  /** Knows no failure: every unexpected one becomes a 500. */
  FailureTranslator NONE = failure -> Optional.empty();

  /**
   * The answer to a failure of an admin call.
   *
   * @param failure what the call threw
   * @return the problem to answer with, or empty when this translator does not know the failure
   */
  Optional<Problem> translate(Throwable failure);
}
