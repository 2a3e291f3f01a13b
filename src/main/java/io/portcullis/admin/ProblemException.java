package io.portcullis.admin;

import io.portcullis.http.Problem;
import java.util.Map;

/**
 * Ends an admin call with this problem (and these response headers): how a handler that found the
 * request wanting hands it to the one failure handler that writes every error answer.
 */
final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;
  private final Map<String, String> headers;

  ProblemException(Problem problem) {
    this(problem, Map.of());
  }

  ProblemException(Problem problem, Map<String, String> headers) {
    // An expected answer, not a fault: no stack trace to fill or log.
    super(problem.detail(), null, false, false);
    this.problem = problem;
    this.headers = Map.copyOf(headers);
  }

  Problem problem() {
    return problem;
  }

  /** Headers the answer carries, such as {@code WWW-Authenticate}. */
  Map<String, String> headers() {
    return headers;
  }
}
