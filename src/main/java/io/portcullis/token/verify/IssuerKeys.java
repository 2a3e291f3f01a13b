package io.portcullis.token.verify;

import io.vertx.core.Future;
import java.util.Optional;

/** The keys of one trusted issuer, held in memory so that verification never waits for them. */
interface IssuerKeys {

  /**
   * The keys to verify with now. Answers from memory without blocking; may start a background
   * refresh when the keys are due for one.
   *
   * @return empty when no keys are usable: not loaded yet, flushed, failing for longer than the
   *     stale-if-error bound, or none configured
   */
  Optional<LoadedKeys> current();

  /**
   * Asks for the keys to be loaded again, because a token names a key that is not there or there
   * are no keys yet. At most one load runs at a time (callers share it) and loads are rate-limited:
   * when one may not start yet, the answer is the current keys at once.
   *
   * @return a future that never fails and completes, on the caller's Vert.x context when there is
   *     one, with {@link #current()} as it is after the load
   */
  Future<Optional<LoadedKeys>> refresh();

  /**
   * Drops the keys held and starts loading them again; until that load completes, tokens of this
   * issuer wait for it. Either way the generation changes, so cached verifications are redone.
   */
  void flush();

  /** Stops background refreshes; the keys are not used any more. */
  void close();
}
