package io.portcullis.config;

/**
 * One thing wrong with a configuration file, located in it.
 *
 * @param source the file name (or another name for the text)
 * @param line 1-based line, or 0 when no line applies (the file could not be read)
 * @param path the field in the file's structure, such as {@code apis[0].timeouts.connect}; empty
 *     when the problem is not about one field (a YAML syntax error)
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String source, int line, String path, String message) {
  /** {@code FILE:LINE: PATH: message}, leaving out the line or the path when there is none. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(source);
    if (line > 0) s.append(':').append(line);
    s.append(": ");
    if (!path.isEmpty()) s.append(path).append(": ");
    return s.append(message).toString();
  }
}
