package io.portcullis.portal.document;

import java.util.List;
import java.util.Objects;

/**
 * What the developer portal shows of an API's document: its title, version and resources.
 *
 * @param kind whether it was read from an OpenAPI 3 document or a WSDL 1.1 document
 * @param title {@code info.title} of an OpenAPI document; the {@code name} of a WSDL's {@code
 *     definitions} (else of its {@code service}, else of the binding read)
 * @param version {@code info.version} of an OpenAPI document; empty for a WSDL, which has none
 * @param resources the operations, in document order
 */
public record ApiDocument(Kind kind, String title, String version, List<Resource> resources) {
  /** The two kinds of document the portal reads. */
  public enum Kind {
    /** OpenAPI 3.0 or 3.1, as JSON or YAML. */
    OPENAPI,
    /** WSDL 1.1 with a SOAP 1.1 or SOAP 1.2 binding. */
    WSDL
  }

  public ApiDocument {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(version, "version");
    resources = List.copyOf(resources);
  }
}
