package io.portcullis.control;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * A write's {@link Precondition} did not hold: the entity was changed (or deleted) since the writer
 * read it. Nothing was written; the writer should read the entity again and redo its change.
 */
public final class StaleVersionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Long currentVersion;

  StaleVersionException(String kind, String key, Set<Long> expected, Long currentVersion) {
    super(message(kind, key, expected, currentVersion), null, false, false);
    this.currentVersion = currentVersion;
  }

  /** The entity's version now, or null when it does not exist. */
  public Long currentVersion() {
    return currentVersion;
  }

  private static String message(String kind, String key, Set<Long> expected, Long current) {
    String wanted =
        expected.isEmpty()
            ? "any version"
            : "version "
                + expected.stream().map(String::valueOf).collect(Collectors.joining(" or "));
    String now = current == null ? "does not exist" : "is at version " + current;
    return kind
        + " '"
        + key
        + "' "
        + now
        + ", not "
        + wanted
        + ": it was changed since it was read; read it again and redo the change";
  }
}
