package io.portcullis.control;

import java.util.List;
import java.util.stream.Collectors;

/** An input was refused as a whole; nothing of it was applied. */
public final class ValidationException extends RuntimeException {
  private final List<Violation> violations;

  public ValidationException(List<Violation> violations) {
    super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    if (violations.isEmpty()) throw new IllegalArgumentException("no violations");
    this.violations = List.copyOf(violations);
  }

  public ValidationException(String path, String message) {
    this(List.of(new Violation(path, message)));
  }

  /** Every violation found, in input order. Never empty. */
  public List<Violation> violations() {
    return violations;
  }
}
