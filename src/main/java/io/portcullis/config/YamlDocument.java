package io.portcullis.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One YAML document read into a JSON tree, with the line of every path, environment variables
 * resolved inside scalars (see {@link VariableReferences}) and duplicate keys refused.
 *
 * <p>Jackson's tree reader would silently keep the last of two equal keys and forget where
 * everything was, so the tree is built here from the parser's tokens.
 */
final class YamlDocument {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?");

  /** A problem found while reading: the path is empty for syntax errors. */
  record Problem(int line, String path, String message) {}

  private final JsonNode root;
  private final SourceLines lines;
  private final List<Problem> problems;
  private final Set<String> unresolved;
  private final boolean readable;

  private YamlDocument(
      JsonNode root,
      SourceLines lines,
      List<Problem> problems,
      Set<String> unresolved,
      boolean readable) {
    this.root = root;
    this.lines = lines;
    this.problems = problems;
    this.unresolved = unresolved;
    this.readable = readable;
  }

  /** The root object; an empty object for an empty document. */
  JsonNode root() {
    return root;
  }

  SourceLines lines() {
    return lines;
  }

  /** Syntax errors, duplicate keys, unresolved variables, in the order they were found. */
  List<Problem> problems() {
    return problems;
  }

  /**
   * Paths whose value is already reported (a variable that could not be resolved, an alias): other
   * complaints about them would only repeat the problem.
   */
  Set<String> unresolved() {
    return unresolved;
  }

  /** False when a syntax error stopped the reading: the tree is then incomplete. */
  boolean readable() {
    return readable;
  }

  static YamlDocument read(String source, Map<String, String> env) {
    VariableReferences refs = VariableReferences.scan(source);
    Builder b = new Builder(refs, env);
    refs.problems().forEach(p -> b.problems.add(new Problem(p.line(), "", p.message())));
    JsonNode root = NODES.objectNode();
    boolean readable = true;
    try (JsonParser p = YAML.createParser(refs.text())) {
      b.parser = (YAMLParser) p;
      JsonToken first = p.nextToken();
      if (first != null) {
        JsonNode value = b.value(first, "");
        if (value.isObject()) {
          root = value;
        } else {
          b.problems.add(
              new Problem(
                  b.lines.lineOf(""),
                  "",
                  "expected a mapping of sections (gateway, admin, store, demo, files,"
                      + " monitoring, users,"
                      + " authorizationServers, scopes, apis, applications); was "
                      + FieldReader.kind(value)));
        }
        if (p.nextToken() != null) {
          b.problems.add(
              new Problem(
                  b.line(), "", "only one YAML document is allowed; found the start of another"));
        }
      }
    } catch (MarkedYAMLException e) {
      readable = false;
      String context =
          e.getContext() == null || e.getContextMark() == null
              ? ""
              : " (" + e.getContext() + " at line " + (e.getContextMark().getLine() + 1) + ")";
      int line = e.getProblemMark() == null ? b.lastLine : e.getProblemMark().getLine() + 1;
      b.problems.add(new Problem(line, "", "YAML syntax: " + e.getProblem() + context));
    } catch (JsonProcessingException e) {
      readable = false;
      JsonLocation at = e.getLocation();
      int line = at == null || at.getLineNr() < 1 ? b.lastLine : at.getLineNr();
      b.problems.add(new Problem(line, "", "YAML syntax: " + e.getOriginalMessage()));
    } catch (IOException e) {
      readable = false;
      b.problems.add(new Problem(b.lastLine, "", "cannot read: " + e.getMessage()));
    }
    return new YamlDocument(root, b.lines, b.problems, b.unresolved, readable);
  }

  private static final class Builder {
    final VariableReferences refs;
    final Map<String, String> env;
    final SourceLines lines = new SourceLines();
    final List<Problem> problems = new ArrayList<>();
    final Set<String> unresolved = new HashSet<>();
    YAMLParser parser;
    int lastLine = 1;

    Builder(VariableReferences refs, Map<String, String> env) {
      this.refs = refs;
      this.env = env;
    }

    int line() {
      JsonLocation at = parser.currentTokenLocation();
      if (at != null && at.getLineNr() > 0) lastLine = at.getLineNr();
      return lastLine;
    }

    JsonNode value(JsonToken token, String path) throws IOException {
      int line = line();
      lines.put(path, line);
      switch (token) {
        case START_OBJECT:
          return object(path);
        case START_ARRAY:
          return array(path);
        case VALUE_STRING:
          return scalar(path, line);
        case VALUE_NUMBER_INT:
          return integer();
        case VALUE_NUMBER_FLOAT:
          return decimal();
        case VALUE_TRUE:
          return NODES.booleanNode(true);
        case VALUE_FALSE:
          return NODES.booleanNode(false);
        case VALUE_NULL:
          return NODES.nullNode();
        default:
          problems.add(
              new Problem(line, path, "unsupported YAML value (" + token + "); expected a scalar"));
          return NODES.nullNode();
      }
    }

    private JsonNode object(String path) throws IOException {
      ObjectNode o = NODES.objectNode();
      Map<String, Integer> seen = new HashMap<>();
      JsonToken t;
      while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
        int line = line();
        String name = text(parser.getText(), path, line);
        String child = FieldReader.join(path, name);
        Integer first = seen.putIfAbsent(name, line);
        if (first != null) {
          problems.add(
              new Problem(
                  line,
                  child,
                  "duplicate key; first given at line " + first + " (YAML would keep only one)"));
          parser.nextToken();
          parser.skipChildren();
          continue;
        }
        lines.put(child, line);
        o.set(name, value(parser.nextToken(), child));
      }
      if (t != JsonToken.END_OBJECT) throw new IllegalStateException("unexpected " + t);
      return o;
    }

    private JsonNode array(String path) throws IOException {
      ArrayNode a = NODES.arrayNode();
      JsonToken t;
      while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
        a.add(value(t, FieldReader.index(path, a.size())));
      }
      return a;
    }

    private JsonNode scalar(String path, int line) throws IOException {
      if (parser.isCurrentAlias()) {
        problems.add(
            new Problem(
                line,
                path,
                "YAML aliases (*" + parser.getText() + ") are not supported; repeat the value"));
        unresolved.add(path);
        return NODES.nullNode();
      }
      String raw = parser.getText();
      if (!VariableReferences.hasPlaceholder(raw)) return NODES.textNode(raw);
      VariableReferences.Reference whole = refs.whole(raw);
      String resolved = text(raw, path, line);
      // An unquoted reference that is the whole value is typed as YAML would type the value
      // written in its place (connect: ${TIMEOUT} is a number); quoted, it stays text.
      if (whole != null && !unresolved.contains(path) && isPlain()) return typed(resolved);
      return NODES.textNode(resolved);
    }

    /** Whether the current scalar was written without quotes, block indicator or tag. */
    private boolean isPlain() {
      long offset = parser.currentTokenLocation().getCharOffset();
      String text = refs.text();
      return offset >= 0
          && offset < text.length()
          && text.charAt((int) offset) == VariableReferences.OPEN;
    }

    private String text(String raw, String path, int line) {
      if (!VariableReferences.hasPlaceholder(raw)) return raw;
      VariableReferences.Resolved r = refs.resolve(raw, env);
      for (VariableReferences.LineMessage m : r.problems()) {
        problems.add(new Problem(m.line(), path, m.message()));
        unresolved.add(path);
      }
      return r.text();
    }

    private JsonNode integer() throws IOException {
      return switch (parser.getNumberType()) {
        case INT -> NODES.numberNode(parser.getIntValue());
        case LONG -> NODES.numberNode(parser.getLongValue());
        default -> NODES.numberNode(parser.getBigIntegerValue());
      };
    }

    private JsonNode decimal() throws IOException {
      try {
        return NODES.numberNode(parser.getDecimalValue());
      } catch (JsonProcessingException | NumberFormatException e) {
        // .inf and .nan: YAML floats that BigDecimal cannot hold; no field takes them.
        return NODES.textNode(parser.getText());
      }
    }
  }

  /** A resolved variable value typed as a plain YAML scalar: whole number, decimal, boolean. */
  static JsonNode typed(String value) {
    if (INTEGER.matcher(value).matches()) {
      BigInteger n = new BigInteger(value);
      return n.bitLength() < 64 ? NODES.numberNode(n.longValue()) : NODES.numberNode(n);
    }
    if (DECIMAL.matcher(value).matches()) return NODES.numberNode(new BigDecimal(value));
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false"))
      return NODES.booleanNode(lower.equals("true"));
    return NODES.textNode(value);
  }
}
