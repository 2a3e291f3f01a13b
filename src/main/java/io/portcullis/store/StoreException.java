package io.portcullis.store;

/**
 * The store could not do what was asked: the database is unreachable, a statement failed, or a
 * stored document cannot be read. The message names the database or table and the key involved,
 * never a password.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
