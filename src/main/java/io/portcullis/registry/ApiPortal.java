package io.portcullis.registry;

/**
 * How an API shows in the developer portal (docs/PORTAL.md).
 *
 * @param published whether the portal lists it (an inactive API never shows, published or not)
 * @param summary one line for the gallery card; may be null
 * @param description the API page's overview; may be null
 * @param openapi the OpenAPI 3 document describing its resources: the text itself, or a file path
 *     (see {@link #isInline}); null when it has none
 * @param wsdl the WSDL of a SOAP API, inline or a file path like {@code openapi}; null when none
 */
public record ApiPortal(
    boolean published, String summary, String description, String openapi, String wsdl) {

  /** Not published, nothing to show. */
  public static final ApiPortal NONE = new ApiPortal(false, null, null, null, null);

  /** The document (OpenAPI or WSDL), inline or a path; null when there is none. */
  public String document() {
    return openapi != null ? openapi : wsdl;
  }

  /**
   * Whether a document value is the document itself rather than a file path: it spans several
   * lines, or starts with {@code {} (JSON) or {@code <} (XML). A single line otherwise is a path.
   */
  public static boolean isInline(String value) {
    if (value == null) return false;
    String s = value.strip();
    return s.contains("\n") || s.startsWith("{") || s.startsWith("<");
  }
}
