package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.control.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the typed fields of one JSON object, appending a violation with the field's full path for
 * every field that is unknown, missing when required, or of the wrong type. A field whose value is
 * wrong reads as absent, so that its default applies and building can go on to find more problems;
 * {@link #failed()} tells whether a required field was missing or wrong.
 *
 * <p>A JSON {@code null} (in YAML: a key with nothing after it) counts as absent.
 */
final class FieldReader {
  private static final int SHOWN_CHARACTERS = 80;

  private final JsonNode node;
  private final String path;
  private final List<Violation> out;
  private boolean failed;

  private FieldReader(JsonNode node, String path, List<Violation> out) {
    this.node = node;
    this.path = path;
    this.out = out;
  }

  /**
   * A reader of the object, after reporting every field not in {@code fields}; null, with a
   * violation, when the node is not an object.
   *
   * @param what what the object is, for the message: "an API", "the timeouts"
   */
  static FieldReader open(
      JsonNode node, String path, List<Violation> out, List<String> fields, String what) {
    if (node == null || !node.isObject()) {
      out.add(
          new Violation(
              path,
              "expected "
                  + what
                  + " as an object with the fields "
                  + String.join(", ", fields)
                  + "; was "
                  + describe(node)));
      return null;
    }
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!fields.contains(name))
                out.add(
                    new Violation(
                        join(path, name),
                        "unknown field; expected one of " + String.join(", ", fields)));
            });
    return new FieldReader(node, path, out);
  }

  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** Whether a required field was missing or had a wrong value. */
  boolean failed() {
    return failed;
  }

  String at(String field) {
    return join(path, field);
  }

  /** The field's value, or null when it is absent or null. */
  JsonNode get(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  boolean has(String field) {
    return get(field) != null;
  }

  void wrong(String field, String message) {
    out.add(new Violation(at(field), message));
  }

  /** Marks the reader failed, for a required field whose violation is already reported. */
  void fail() {
    failed = true;
  }

  /** Reports the field as required and marks the reader failed. */
  void missing(String field, String hint) {
    failed = true;
    out.add(new Violation(at(field), "is required" + (hint == null ? "" : ": " + hint)));
  }

  /**
   * A string field; numbers are accepted in their text form ({@code version: 2}). Null when absent
   * or wrong.
   */
  String text(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    String s = text(v);
    if (s == null) wrong(field, "expected a string; was " + describeForText(v));
    return s;
  }

  /** Like {@link #text} for a secret: a wrong value is described by its kind only. */
  String secret(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    String s = text(v);
    if (s == null) wrong(field, "expected a string; was " + kind(v));
    return s;
  }

  /** A string field that must be given. */
  String requiredText(String field, String hint) {
    if (!has(field)) {
      missing(field, hint);
      return null;
    }
    String s = text(field);
    if (s == null) failed = true;
    return s;
  }

  /** A whole number; null when absent or wrong. */
  Long whole(String field, String expected) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (v.isIntegralNumber() && v.canConvertToLong()) return v.longValue();
    wrong(field, "expected " + expected + "; was " + describe(v));
    return null;
  }

  /** A whole number that fits an {@code int}; null when absent or wrong. */
  Integer wholeInt(String field, String expected) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
    wrong(field, "expected " + expected + "; was " + describe(v));
    return null;
  }

  /** A boolean; null when absent or wrong. */
  Boolean bool(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (v.isBoolean()) return v.booleanValue();
    wrong(field, "expected true or false; was " + describe(v));
    return null;
  }

  /** An enum constant, matched ignoring case; null when absent or wrong. */
  <E extends Enum<E>> E choice(String field, Class<E> type) {
    JsonNode v = get(field);
    if (v == null) return null;
    return choice(v, at(field), type, out);
  }

  static <E extends Enum<E>> E choice(JsonNode v, String path, Class<E> type, List<Violation> out) {
    if (v.isTextual()) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(v.textValue())) return e;
      }
    }
    out.add(
        new Violation(
            path,
            "expected one of "
                + Arrays.stream(type.getEnumConstants())
                    .map(Enum::name)
                    .collect(Collectors.joining(", "))
                + "; was "
                + describe(v)));
    return null;
  }

  /** A list of enum constants, matched ignoring case; null when absent or wrong. */
  <E extends Enum<E>> Set<E> choices(String field, Class<E> type) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (!v.isArray()) {
      wrong(
          field,
          "expected a list such as ["
              + type.getEnumConstants()[0].name()
              + "]; was "
              + describe(v));
      return null;
    }
    Set<E> result = new LinkedHashSet<>();
    for (int i = 0; i < v.size(); i++) {
      E e = choice(v.get(i), index(at(field), i), type, out);
      if (e != null) result.add(e);
    }
    return result;
  }

  /** A list of strings; null when absent or wrong, wrong items left out. */
  List<String> texts(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (!v.isArray()) {
      wrong(field, "expected a list of strings; was " + describe(v));
      return null;
    }
    return items(v, at(field));
  }

  /** One string or a list of them; null when absent or wrong. */
  List<String> textOrTexts(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (v.isArray()) return items(v, at(field));
    String s = text(v);
    if (s == null) {
      wrong(field, "expected a string or a list of strings; was " + describe(v));
      return null;
    }
    return List.of(s);
  }

  private List<String> items(JsonNode list, String listPath) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      String s = text(item);
      if (s == null) {
        out.add(
            new Violation(index(listPath, i), "expected a string; was " + describeForText(item)));
      } else {
        result.add(s);
      }
    }
    return result;
  }

  /**
   * A map of names to strings; numbers and booleans are taken in their text form ({@code admin:
   * true} is {@code "true"}). Null when absent or wrong.
   */
  Map<String, String> textMap(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    return textMap(v, at(field), out);
  }

  static Map<String, String> textMap(JsonNode v, String path, List<Violation> out) {
    if (!v.isObject()) {
      out.add(new Violation(path, "expected an object of names to strings; was " + describe(v)));
      return null;
    }
    Map<String, String> result = new LinkedHashMap<>();
    v.properties()
        .forEach(
            e -> {
              JsonNode value = e.getValue();
              if (value.isValueNode() && !value.isNull()) {
                result.put(e.getKey(), value.isBoolean() ? value.asText() : text(value));
              } else {
                out.add(
                    new Violation(
                        join(path, e.getKey()), "expected a string; was " + describe(value)));
              }
            });
    return result;
  }

  /** The text of a string or number node; null for anything else. */
  static String text(JsonNode v) {
    if (v == null) return null;
    if (v.isTextual()) return v.textValue();
    if (v.isBigDecimal()) return v.decimalValue().toPlainString();
    if (v.isNumber()) return v.asText();
    return null;
  }

  private static String describeForText(JsonNode v) {
    String d = describe(v);
    return v != null && v.isBoolean() ? d + " (quote text that YAML reads as a boolean: 'yes')" : d;
  }

  /** How a wrong value is shown in a message: strings quoted and shortened, others by kind. */
  static String describe(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "nothing";
    if (v.isTextual()) {
      String s = v.textValue();
      if (s.length() > SHOWN_CHARACTERS) s = s.substring(0, SHOWN_CHARACTERS) + "…";
      return "\"" + s.replace("\n", "\\n") + "\"";
    }
    if (v.isValueNode()) return text(v) == null ? v.asText() : text(v);
    return kind(v);
  }

  static String kind(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "nothing";
    if (v.isObject()) return "an object";
    if (v.isArray()) return "a list";
    if (v.isTextual()) return "a string";
    if (v.isNumber()) return "a number";
    if (v.isBoolean()) return "a boolean";
    return "a " + v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
