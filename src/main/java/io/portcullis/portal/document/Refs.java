package io.portcullis.portal.document;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Follows an OpenAPI document's {@code $ref}s inside the document: only {@code #/…} JSON pointers,
 * chains of at most {@link #MAX_CHAIN}, cycles refused. Nothing outside the document is fetched.
 */
final class Refs {
  /** Longest chain of references followed from one place. */
  static final int MAX_CHAIN = 32;

  private final JsonNode root;

  Refs(JsonNode root) {
    this.root = root;
  }

  /** True when the node is a reference object (a mapping with a text {@code $ref}). */
  static boolean isRef(JsonNode node) {
    return node.isObject() && node.has("$ref");
  }

  /**
   * The node itself when it is no reference, else what its chain of references ends at.
   *
   * @param at where the node is, for errors
   * @throws ApiDocumentException for a reference outside the document, to nothing, or in a cycle
   */
  JsonNode resolve(JsonNode node, String at) {
    JsonNode current = node;
    Set<String> seen = null;
    while (isRef(current)) {
      JsonNode ref = current.get("$ref");
      String refAt = at + ".$ref";
      if (!ref.isTextual()) {
        throw OpenApiReader.fail(
            refAt,
            "must be a text such as '#/components/schemas/Pet'; was " + ApiDocuments.describe(ref));
      }
      String target = ref.asText();
      if (!target.startsWith("#/")) {
        throw OpenApiReader.fail(
            refAt,
            "only references inside the document ('#/…') are followed; was "
                + OpenApiReader.quote(target));
      }
      if (seen == null) seen = new HashSet<>();
      if (!seen.add(target)) {
        throw OpenApiReader.fail(refAt, "reference cycle through " + OpenApiReader.quote(target));
      }
      if (seen.size() > MAX_CHAIN) {
        throw OpenApiReader.fail(refAt, "more than " + MAX_CHAIN + " references in a chain");
      }
      JsonNode next = root.at(pointer(target, refAt));
      if (next.isMissingNode()) {
        throw OpenApiReader.fail(
            refAt, OpenApiReader.quote(target) + " points to nothing in the document");
      }
      current = next;
    }
    return current;
  }

  private static JsonPointer pointer(String target, String at) {
    try {
      return JsonPointer.compile(percentDecode(target.substring(1)));
    } catch (IllegalArgumentException e) {
      throw OpenApiReader.fail(
          at,
          "not a JSON pointer such as '#/components/schemas/Pet': " + OpenApiReader.quote(target));
    }
  }

  /** A URI fragment's %XX escapes decoded as UTF-8; '+' stays '+'. */
  private static String percentDecode(String fragment) {
    if (fragment.indexOf('%') < 0) return fragment;
    return URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
