package io.portcullis.portal.document;

/**
 * An API document that cannot be read. The message reads {@code KIND: PATH: what is wrong}, such as
 * {@code openapi: paths./pets.get.parameters[0]: 'in' must be one of query, header, path, cookie;
 * was 'body'}, leaving out the path when the problem is not about one place.
 */
public final class ApiDocumentException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private final String path;
  private final String problem;

  /**
   * @param kind {@code openapi}, {@code wsdl} or {@code document} (not yet known which)
   * @param path where in the document, such as {@code paths./pets.get}; empty when nowhere in
   *     particular
   * @param problem what is wrong and what was expected
   */
  public ApiDocumentException(String kind, String path, String problem) {
    super(kind + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    this.kind = kind;
    this.path = path;
    this.problem = problem;
  }

  /** {@code openapi}, {@code wsdl} or {@code document}. */
  public String kind() {
    return kind;
  }

  /** Where in the document; empty when the problem is not about one place. */
  public String path() {
    return path;
  }

  /** What is wrong, without the kind and path. */
  public String problem() {
    return problem;
  }
}
