package io.portcullis.portal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Makes an example value from an OpenAPI schema: the schema's own {@code example}, {@code
 * examples}, {@code default}, {@code const} or first {@code enum} value where it has one, else a
 * value of its type. Bounded: at most {@link #MAX_DEPTH} levels, {@link #MAX_VALUES} values and
 * {@link #MAX_PROPERTIES} properties per object; a schema that contains itself (through a {@code
 * $ref}) stops where it would repeat. Read-only properties are left out (they are not sent).
 */
final class SchemaExamples {
  static final int MAX_DEPTH = 8;
  static final int MAX_VALUES = 500;
  static final int MAX_PROPERTIES = 50;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Refs refs;
  private int values;

  SchemaExamples(Refs refs) {
    this.refs = refs;
  }

  /** An example for the schema, or null when none can be made. */
  JsonNode example(JsonNode schema, String at) {
    values = 0;
    return value(schema, at, 0, new ArrayDeque<>());
  }

  /**
   * The schema's {@code type}: its text, the first that is not {@code null} of a list (OpenAPI
   * 3.1), {@code object} or {@code array} when it has properties or items, else {@code otherwise}.
   */
  static String type(JsonNode schema, String otherwise) {
    JsonNode type = schema.get("type");
    if (type != null && type.isTextual()) return type.asText();
    if (type != null && type.isArray()) {
      for (JsonNode t : type) {
        if (t.isTextual() && !t.asText().equals("null")) return t.asText();
      }
    }
    if (schema.has("properties")) return "object";
    if (schema.has("items")) return "array";
    return otherwise;
  }

  private JsonNode value(JsonNode schema, String at, int depth, Deque<String> active) {
    if (depth > MAX_DEPTH || ++values > MAX_VALUES || !schema.isObject()) return null;
    if (Refs.isRef(schema)) {
      String ref = schema.get("$ref").asText();
      if (active.contains(ref)) return null;
      JsonNode target = refs.resolve(schema, at);
      active.push(ref);
      try {
        return value(target, at, depth, active);
      } finally {
        active.pop();
      }
    }
    if (schema.has("example")) return schema.get("example");
    JsonNode examples = schema.get("examples");
    if (examples != null && examples.isArray() && !examples.isEmpty()) return examples.get(0);
    if (schema.has("default")) return schema.get("default");
    if (schema.has("const")) return schema.get("const");
    JsonNode choices = schema.get("enum");
    if (choices != null && choices.isArray() && !choices.isEmpty()) return choices.get(0);
    JsonNode allOf = schema.get("allOf");
    if (allOf != null && allOf.isArray() && !allOf.isEmpty())
      return allOf(allOf, at, depth, active);
    for (String alternatives : new String[] {"oneOf", "anyOf"}) {
      JsonNode list = schema.get(alternatives);
      if (list != null && list.isArray() && !list.isEmpty()) {
        return value(list.get(0), at + "." + alternatives + "[0]", depth + 1, active);
      }
    }
    switch (type(schema, "")) {
      case "object":
        return object(schema, at, depth, active);
      case "array":
        ArrayNode array = NODES.arrayNode();
        JsonNode items = schema.get("items");
        JsonNode item = items == null ? null : value(items, at + ".items", depth + 1, active);
        if (item != null) array.add(item);
        return array;
      case "string":
        return NODES.textNode(string(schema.path("format").asText("")));
      case "integer":
        return schema.path("minimum").isIntegralNumber()
            ? schema.get("minimum")
            : NODES.numberNode(0);
      case "number":
        return schema.path("minimum").isNumber() ? schema.get("minimum") : NODES.numberNode(0);
      case "boolean":
        return NODES.booleanNode(true);
      default:
        return null;
    }
  }

  private JsonNode allOf(JsonNode allOf, String at, int depth, Deque<String> active) {
    ObjectNode merged = NODES.objectNode();
    JsonNode first = null;
    for (int i = 0; i < allOf.size(); i++) {
      JsonNode part = value(allOf.get(i), at + ".allOf[" + i + "]", depth + 1, active);
      if (part == null) continue;
      if (part.isObject()) merged.setAll((ObjectNode) part);
      else if (first == null) first = part;
    }
    return merged.isEmpty() && first != null ? first : merged;
  }

  private JsonNode object(JsonNode schema, String at, int depth, Deque<String> active) {
    ObjectNode object = NODES.objectNode();
    JsonNode properties = schema.path("properties");
    if (!properties.isObject()) return object;
    int count = 0;
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      if (count++ >= MAX_PROPERTIES) break;
      String propertyAt = at + ".properties." + property.getKey();
      JsonNode propertySchema = property.getValue();
      if (refs.resolve(propertySchema, propertyAt).path("readOnly").asBoolean(false)) continue;
      JsonNode v = value(propertySchema, propertyAt, depth + 1, active);
      if (v != null) object.set(property.getKey(), v);
    }
    return object;
  }

  private static String string(String format) {
    switch (format) {
      case "date-time":
        return "2024-01-01T00:00:00Z";
      case "date":
        return "2024-01-01";
      case "email":
        return "user@example.com";
      case "uuid":
        return "3fa85f64-5717-4562-b3fc-2c963f66afa6";
      case "uri":
      case "url":
        return "https://example.com/";
      default:
        return "string";
    }
  }
}
