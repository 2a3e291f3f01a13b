package io.portcullis.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.control.Precondition;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.Violation;
import io.portcullis.manager.Views.Row;
import io.portcullis.registry.Versioned;
import io.portcullis.web.FormField;
import java.util.List;

/**
 * One kind of registry entity as the Manager shows it: its form fields (named by the JSON paths of
 * the admin API's documents), its list, and its reads and writes through the control plane.
 */
interface Kind {
  /** The URL segment, such as {@code apis}. */
  String path();

  /** The plural title, such as {@code APIs}. */
  String title();

  /** The singular, such as {@code API}. */
  String singular();

  /** The form's fields; {@code variant} is a sub-type (an authorization server's type) or null. */
  List<FormField> fields(String variant);

  /** The document a create form starts with. */
  ObjectNode template(String variant);

  /** The key fields, read only when editing. */
  List<String> keyFields();

  /** The list's column titles. */
  List<String> columns();

  /** The list's statuses for the chips filter (such as active, inactive); empty for none. */
  List<String> statuses();

  /** The rows matching the search text and status. */
  List<Row> rows(RegistryContent content, String q, String status);

  /** The stored document and version; the variant is in {@link #variant(JsonNode)}. */
  Versioned<ObjectNode> read(String key);

  /** The sub-type of a stored document, or null. */
  default String variant(JsonNode document) {
    return null;
  }

  /**
   * Creates (key null) or replaces the entity from the form's document.
   *
   * @param violations receives what the reader refuses; nothing is written then
   * @return the saved entity's key and version, or null when the reader refused the document
   */
  Stored save(ObjectNode document, String key, Precondition expected, List<Violation> violations);

  /** Deletes the entity. */
  void delete(String key, Precondition expected);

  /** A saved entity's key and version. */
  record Stored(String key, long version) {}
}
