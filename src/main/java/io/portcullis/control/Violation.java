package io.portcullis.control;

/**
 * One thing wrong with an input.
 *
 * @param path where, in the input's own structure: {@code apis[0].basePath}, {@code
 *     authorizationServers.local.issuer}, {@code clientSecret}
 * @param message what is wrong and what was expected
 */
public record Violation(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }

  /** The same violation, with the path nested under a prefix ({@code apis[2]}). */
  public Violation under(String prefix) {
    if (prefix == null || prefix.isEmpty()) return this;
    return new Violation(path.isEmpty() ? prefix : prefix + "." + path, message);
  }
}
