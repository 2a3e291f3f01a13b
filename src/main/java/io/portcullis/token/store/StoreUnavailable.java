package io.portcullis.token.store;

/**
 * Marks an exception that says the store is known to be unreachable, so that the call was refused
 * at once without trying the database (its circuit is open). Every layer may then answer "try
 * later" (503) without logging a stack trace: the outage itself is logged once, when it begins and
 * when it ends. Exceptions of the store layer carry it as a cause.
 */
public interface StoreUnavailable {

  /** Whether the failure, or one of its causes, says that the store is known to be unreachable. */
  static boolean causes(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof StoreUnavailable) return true;
    }
    return false;
  }
}
