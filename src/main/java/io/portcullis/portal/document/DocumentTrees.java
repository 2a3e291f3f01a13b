package io.portcullis.portal.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a JSON or YAML text into a Jackson tree within fixed limits: nesting depth, number of
 * nodes, aliases, duplicate keys refused.
 *
 * <p>YAML goes through SnakeYAML's composer (no object construction, so no tags can instantiate
 * anything) with at most {@link #MAX_ALIASES} aliases to collections; the composed graph, in which
 * an alias is the same node reached twice and may even contain itself, is copied into the tree with
 * a node budget, so that neither an alias bomb nor a self-referencing alias can grow it without
 * bound.
 */
final class DocumentTrees {
  /** Deepest nesting of objects and arrays. */
  static final int MAX_DEPTH = 100;

  /** Most nodes in one tree (aliases count each time they are copied). */
  static final int MAX_NODES = 250_000;

  /** Most aliases to mappings or sequences in a YAML document. */
  static final int MAX_ALIASES = 20;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_DEPTH)
                      .maxStringLength(ApiDocuments.MAX_CHARS)
                      .build())
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  private DocumentTrees() {}

  /** The JSON text's tree; {@code kind} names the document in errors. */
  static JsonNode json(String text, String kind) {
    try (JsonParser p = JSON.createParser(text)) {
      JsonNode root = JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new ApiDocumentException(
            kind,
            "",
            "JSON syntax at line " + p.currentLocation().getLineNr() + ": text after the document");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new ApiDocumentException(
          kind, "", "nested deeper than " + MAX_DEPTH + " levels or a value too long");
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new ApiDocumentException(
          kind, "", "JSON syntax at line " + line + ": " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ApiDocumentException(kind, "", "cannot read: " + e.getMessage());
    }
  }

  /** The YAML text's tree (one document); {@code kind} names the document in errors. */
  static JsonNode yaml(String text, String kind) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(ApiDocuments.MAX_CHARS);
    options.setAllowDuplicateKeys(false);
    options.setProcessComments(false);
    Node node;
    try {
      Composer composer =
          new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options);
      node = composer.getSingleNode();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String at = mark == null ? "" : " at line " + (mark.getLine() + 1);
      String what = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new ApiDocumentException(kind, "", "YAML syntax" + at + ": " + what);
    } catch (YAMLException e) {
      throw new ApiDocumentException(kind, "", "YAML refused: " + e.getMessage());
    }
    if (node == null) throw new ApiDocumentException(kind, "", "the document is empty");
    return new Copier(kind).copy(node, "", 0);
  }

  /** Copies a composed YAML graph into a tree, counting nodes and depth. */
  private static final class Copier {
    private final String kind;
    private int nodes;

    Copier(String kind) {
      this.kind = kind;
    }

    JsonNode copy(Node node, String path, int depth) {
      if (++nodes > MAX_NODES) {
        throw new ApiDocumentException(
            kind,
            path,
            "more than " + MAX_NODES + " values once aliases are expanded (an alias bomb?)");
      }
      if (depth > MAX_DEPTH) {
        String where = path.length() > 80 ? path.substring(0, 80) + "…" : path;
        throw new ApiDocumentException(
            kind, where, "nested deeper than " + MAX_DEPTH + " levels (a recursive alias?)");
      }
      if (node instanceof MappingNode mapping) {
        ObjectNode object = NODES.objectNode();
        for (NodeTuple tuple : mapping.getValue()) {
          if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
            throw new ApiDocumentException(
                kind, path, "line " + line(tuple.getKeyNode()) + ": a key must be a plain value");
          }
          String name = key.getValue();
          String child = path.isEmpty() ? name : path + "." + name;
          if (object.has(name)) {
            throw new ApiDocumentException(
                kind, child, "line " + line(key) + ": duplicate key '" + name + "'");
          }
          object.set(name, copy(tuple.getValueNode(), child, depth + 1));
        }
        return object;
      }
      if (node instanceof SequenceNode sequence) {
        ArrayNode array = NODES.arrayNode();
        int i = 0;
        for (Node item : sequence.getValue()) {
          array.add(copy(item, path + "[" + i++ + "]", depth + 1));
        }
        return array;
      }
      return scalar((ScalarNode) node);
    }

    private static int line(Node node) {
      return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
  }

  /** A plain scalar typed as YAML 1.1 resolves it (int, float, bool, null); anything else text. */
  private static JsonNode scalar(ScalarNode node) {
    String value = node.getValue();
    Tag tag = node.getTag();
    if (Tag.NULL.equals(tag)) return NODES.nullNode();
    if (Tag.BOOL.equals(tag)) {
      String v = value.toLowerCase(Locale.ROOT);
      return NODES.booleanNode(
          v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y"));
    }
    if (Tag.INT.equals(tag)) {
      String digits = value.replace("_", "");
      try {
        return NODES.numberNode(Long.parseLong(digits));
      } catch (NumberFormatException e) {
        try {
          return NODES.numberNode(new BigInteger(digits));
        } catch (NumberFormatException notDecimal) {
          return NODES.textNode(value);
        }
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      try {
        return NODES.numberNode(new java.math.BigDecimal(value.replace("_", "")));
      } catch (NumberFormatException e) {
        return NODES.textNode(value);
      }
    }
    return NODES.textNode(value);
  }
}
