package io.portcullis.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between a submitted HTML form and the JSON document of an entity (the shape the admin
 * API and the configuration file use), field by field as {@link FormField}s say. The form never
 * decides what is valid: the document goes to the same reader and validator as the admin API.
 */
public final class FormDocument {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FormDocument() {}

  /**
   * Builds the JSON document from the form.
   *
   * @param problems receives (path, message) for input that is not even the right shape (JSON)
   */
  public static ObjectNode read(
      List<FormField> fields, MultiMap form, Map<String, String> problems) {
    ObjectNode root = NODES.objectNode();
    for (FormField f : fields) {
      String raw = form.get(f.path());
      String text = raw == null ? "" : raw.strip();
      JsonNode value =
          switch (f.input()) {
            case TEXT, PASSWORD, CHOICE -> text.isEmpty() ? null : NODES.textNode(text);
            case TEXTAREA -> text.isEmpty() ? null : NODES.textNode(text.replace("\r\n", "\n"));
            case NUMBER -> number(text);
            case CHECKBOX -> NODES.booleanNode(raw != null);
            case CHOICES -> strings(form.getAll(f.path()));
            case LINES -> text.isEmpty() ? null : strings(List.of(text.split("\\R")));
            case WORDS -> text.isEmpty() ? null : strings(List.of(text.split("[\\s,]+")));
            case MAP -> text.isEmpty() ? null : map(text, f, problems);
            case CLAIM_SETS -> text.isEmpty() ? null : claimSets(text, f, problems);
            case JSON -> text.isEmpty() ? null : json(text, f, problems);
          };
      if (value != null) put(root, f.path(), value);
    }
    return root;
  }

  /** The form values of a stored document: path → the text the input shows. */
  public static Map<String, String> values(List<FormField> fields, JsonNode document) {
    Map<String, String> out = new LinkedHashMap<>();
    for (FormField f : fields) {
      JsonNode v = at(document, f.path());
      if (v == null || v.isNull() || f.input() == FormField.Input.PASSWORD) continue;
      out.put(
          f.path(),
          switch (f.input()) {
            case LINES, CHOICES -> join(v, "\n");
            case WORDS -> join(v, " ");
            case MAP -> mapText(v);
            case CLAIM_SETS -> claimSetsText(v);
            case JSON -> v.toPrettyString();
            default -> v.asText();
          });
    }
    return out;
  }

  /** The form values as a submitted form gives them back (to show the user's input again). */
  public static Map<String, String> values(List<FormField> fields, MultiMap form) {
    Map<String, String> out = new LinkedHashMap<>();
    for (FormField f : fields) {
      if (f.input() == FormField.Input.PASSWORD) continue;
      if (f.input() == FormField.Input.CHOICES) {
        out.put(f.path(), String.join("\n", form.getAll(f.path())));
      } else if (f.input() == FormField.Input.CHECKBOX) {
        out.put(f.path(), String.valueOf(form.get(f.path()) != null));
      } else if (form.get(f.path()) != null) {
        out.put(f.path(), form.get(f.path()));
      }
    }
    return out;
  }

  private static JsonNode number(String text) {
    if (text.isEmpty()) return null;
    try {
      return NODES.numberNode(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return NODES.textNode(text); // the reader names the field and what it expected
    }
  }

  private static ArrayNode strings(List<String> items) {
    ArrayNode list = NODES.arrayNode();
    items.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(list::add);
    return list;
  }

  private static ObjectNode map(String text, FormField f, Map<String, String> problems) {
    ObjectNode o = NODES.objectNode();
    for (String line : text.split("\\R")) {
      if (line.isBlank()) continue;
      int eq = line.indexOf('=');
      if (eq <= 0) {
        problems.put(f.path(), "expected key=value on each line; was \"" + line.strip() + "\"");
        return null;
      }
      o.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return o;
  }

  private static ArrayNode claimSets(String text, FormField f, Map<String, String> problems) {
    ArrayNode list = NODES.arrayNode();
    for (String line : text.split("\\R")) {
      if (line.isBlank()) continue;
      ObjectNode claims = NODES.objectNode();
      for (String pair : line.split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          problems.put(
              f.path(),
              "expected claim=value pairs separated by commas, one claim set a line; was \""
                  + line.strip()
                  + "\"");
          return null;
        }
        claims.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
      list.addObject().set("claims", claims);
    }
    return list;
  }

  private static JsonNode json(String text, FormField f, Map<String, String> problems) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      problems.put(
          f.path(), "expected JSON; " + e.getOriginalMessage() + " at line " + line(e) + "");
      return null;
    }
  }

  private static int line(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }

  private static void put(ObjectNode root, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = at.get(parts[i]);
      at = next instanceof ObjectNode o ? o : at.putObject(parts[i]);
    }
    at.set(parts[parts.length - 1], value);
  }

  private static JsonNode at(JsonNode root, String path) {
    JsonNode at = root;
    for (String part : path.split("\\.")) {
      if (at == null) return null;
      at = at.get(part);
    }
    return at;
  }

  private static String join(JsonNode v, String separator) {
    if (!v.isArray()) return v.asText();
    List<String> items = new ArrayList<>();
    v.forEach(item -> items.add(item.asText()));
    return String.join(separator, items);
  }

  private static String mapText(JsonNode v) {
    List<String> lines = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      lines.add(e.getKey() + "=" + e.getValue().asText());
    }
    return String.join("\n", lines);
  }

  private static String claimSetsText(JsonNode v) {
    List<String> lines = new ArrayList<>();
    for (JsonNode set : v) {
      JsonNode claims = set.get("claims");
      if (claims == null) continue;
      List<String> pairs = new ArrayList<>();
      claims.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
      lines.add(String.join(", ", pairs));
    }
    return String.join("\n", lines);
  }
}
