package io.portcullis.control;

/**
 * A write conflicts with the current state of the registry, which may have been changed a moment
 * before by another admin, on this node or another: nothing was written.
 */
public final class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** A create named a key that exists. */
    EXISTS,
    /** A value that must be unique (base path, client id, issuer) is another entity's. */
    TAKEN,
    /** The change would leave no enabled user with role admin. */
    LAST_ADMIN
  }

  private final Reason reason;
  private final String field;

  ConflictException(Reason reason, String field, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.field = field;
  }

  public Reason reason() {
    return reason;
  }

  /** The field of the written entity that conflicts; empty for the entity as a whole. */
  public String field() {
    return field;
  }
}
