package io.portcullis.config;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file was refused; nothing of it was applied. The message lists every problem, one
 * per line, as {@code FILE:LINE: PATH: message}, sorted by line.
 */
public final class ConfigException extends RuntimeException {
  private final List<ConfigProblem> problems;

  /**
   * @param problems at least one, in the order they were found
   */
  public ConfigException(List<ConfigProblem> problems) {
    super(sorted(problems).stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = sorted(problems);
  }

  private static List<ConfigProblem> sorted(List<ConfigProblem> problems) {
    if (problems.isEmpty()) throw new IllegalArgumentException("no problems");
    // A stable sort: problems on one line keep the order in which they were found.
    return problems.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
  }

  /** Every problem, sorted by line. Never empty. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
