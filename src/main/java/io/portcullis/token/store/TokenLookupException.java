package io.portcullis.token.store;

/**
 * A token could not be looked up because the store did not answer: it failed (the cause says why;
 * {@link StoreUnavailable#causes} when it is known to be unreachable), did not answer in time, or
 * too many lookups were already waiting for it. Says nothing about the token: a caller answers "try
 * later" (503), not "invalid token" (401).
 */
public final class TokenLookupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenLookupException(String message, Throwable cause) {
    super(message, cause);
  }
}
