package io.portcullis.portal.document;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the document an API publishes to the developer portal: OpenAPI 3.x (JSON or YAML) or WSDL
 * 1.1 (XML).
 *
 * <p>Limits, so that a hostile document costs little: at most {@link #MAX_CHARS} characters;
 * JSON/YAML nested at most 100 levels, at most 250,000 values once YAML aliases are expanded, at
 * most 20 aliases to collections, no duplicate keys; XML with no DOCTYPE at all (so no entities,
 * external or internal, and no DTD fetched), nested at most 100 elements. Only references inside
 * the document ({@code #/…}) are followed, each chain at most 32 long, cycles refused; nothing is
 * ever fetched. Example bodies generated from schemas are bounded in depth and size.
 *
 * <p>Parsing is CPU work proportional to the document: call it off the event loop.
 */
public final class ApiDocuments {
  /** The largest document read, in characters (1 MiB). */
  public static final int MAX_CHARS = 1 << 20;

  private ApiDocuments() {}

  /**
   * Reads an OpenAPI 3 or WSDL 1.1 document.
   *
   * @throws ApiDocumentException when the text is too large, not such a document, or malformed; the
   *     message names where and what was expected
   */
  public static ApiDocument parse(String text) {
    if (text == null) throw new ApiDocumentException("document", "", "no document given");
    if (text.length() > MAX_CHARS) {
      throw new ApiDocumentException(
          "document",
          "",
          "too large: " + text.length() + " characters; at most " + MAX_CHARS + " are read");
    }
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    char first = firstVisible(body);
    if (first == 0) throw new ApiDocumentException("document", "", "the document is empty");
    if (first == '<') return WsdlReader.read(body);
    JsonNode root =
        first == '{' || first == '['
            ? DocumentTrees.json(body, "document")
            : DocumentTrees.yaml(body, "document");
    if (!root.isObject()) {
      throw new ApiDocumentException(
          "document",
          "",
          "expected an OpenAPI 3 document (a JSON or YAML mapping with 'openapi') or a WSDL 1.1"
              + " document (XML); was "
              + describe(root));
    }
    return OpenApiReader.read(root);
  }

  private static char firstVisible(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) return c;
    }
    return 0;
  }

  static String describe(JsonNode node) {
    if (node.isArray()) return "a list";
    if (node.isObject()) return "a mapping";
    if (node.isNull()) return "nothing";
    if (node.isTextual()) return "a text";
    if (node.isNumber()) return "a number";
    if (node.isBoolean()) return "a boolean";
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
