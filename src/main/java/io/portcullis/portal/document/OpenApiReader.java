package io.portcullis.portal.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the portal's view of an OpenAPI 3.x tree: title, version, operations and parameters. */
final class OpenApiReader {
  private static final String KIND = "openapi";
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final List<String> LOCATIONS = List.of("query", "header", "path", "cookie");
  private static final Pattern VERSION_3 = Pattern.compile("3\\.[0-9]+(\\.[0-9]+)?([-+].*)?");
  private static final int MAX_SUMMARY = 200;
  private static final ObjectWriter PRETTY = new ObjectMapper().writerWithDefaultPrettyPrinter();

  private final Refs refs;
  private final SchemaExamples examples;

  private OpenApiReader(JsonNode root) {
    this.refs = new Refs(root);
    this.examples = new SchemaExamples(refs);
  }

  static ApiDocument read(JsonNode root) {
    if (root.has("swagger")) {
      throw fail(
          "swagger",
          "only OpenAPI 3 documents are read; this is Swagger/OpenAPI "
              + quote(root.get("swagger").asText())
              + ": convert it to OpenAPI 3 first");
    }
    JsonNode version = root.get("openapi");
    if (version == null) {
      throw fail(
          "", "not an OpenAPI 3 document: 'openapi' (the version, such as \"3.0.3\") is missing");
    }
    if (!version.isValueNode() || !VERSION_3.matcher(version.asText()).matches()) {
      throw fail(
          "openapi",
          "must be an OpenAPI 3 version such as \"3.0.3\" or \"3.1.0\"; was "
              + (version.isValueNode() ? quote(version.asText()) : ApiDocuments.describe(version)));
    }
    JsonNode info = root.get("info");
    if (info == null || !info.isObject()) {
      throw fail("info", "must be a mapping with 'title' and 'version'");
    }
    String title = requiredText(info, "title", "info");
    String apiVersion = requiredText(info, "version", "info");
    return new ApiDocument(
        ApiDocument.Kind.OPENAPI, title, apiVersion, new OpenApiReader(root).resources(root));
  }

  private List<Resource> resources(JsonNode root) {
    List<Resource> resources = new ArrayList<>();
    JsonNode paths = root.path("paths");
    if (paths.isMissingNode()) return resources;
    if (!paths.isObject()) {
      throw fail("paths", "must be a mapping of paths to operations; was " + describe(paths));
    }
    for (Map.Entry<String, JsonNode> entry : paths.properties()) {
      String path = entry.getKey();
      String at = "paths." + path;
      if (!path.startsWith("/")) throw fail(at, "a path must start with '/'");
      JsonNode item = refs.resolve(entry.getValue(), at);
      if (!item.isObject()) {
        throw fail(at, "must be a mapping of methods to operations; was " + describe(item));
      }
      List<Parameter> common = parameters(item.path("parameters"), at + ".parameters");
      for (Map.Entry<String, JsonNode> op : item.properties()) {
        String method = op.getKey();
        if (!METHODS.contains(method)) continue;
        String opAt = at + "." + method;
        JsonNode operation = op.getValue();
        if (!operation.isObject()) {
          throw fail(opAt, "must be a mapping (an operation); was " + describe(operation));
        }
        List<Parameter> own = parameters(operation.path("parameters"), opAt + ".parameters");
        resources.add(
            new Resource(
                method.toUpperCase(Locale.ROOT),
                path,
                summary(operation),
                merge(common, own),
                requestBody(operation.path("requestBody"), opAt + ".requestBody"),
                "",
                ""));
      }
    }
    return resources;
  }

  private List<Parameter> parameters(JsonNode list, String at) {
    List<Parameter> parameters = new ArrayList<>();
    if (list.isMissingNode()) return parameters;
    if (!list.isArray()) throw fail(at, "must be a list of parameters; was " + describe(list));
    for (int i = 0; i < list.size(); i++) {
      String itemAt = at + "[" + i + "]";
      JsonNode p = refs.resolve(list.get(i), itemAt);
      if (!p.isObject()) throw fail(itemAt, "must be a mapping (a parameter); was " + describe(p));
      String name = requiredText(p, "name", itemAt);
      JsonNode in = p.get("in");
      if (in == null || !in.isTextual() || !LOCATIONS.contains(in.asText())) {
        String was = in == null ? "missing" : "was " + quote(in.asText());
        String hint =
            in != null && in.asText().equals("body")
                ? " (a body is 'requestBody' in OpenAPI 3)"
                : "";
        throw fail(itemAt, "'in' must be one of query, header, path, cookie; " + was + hint);
      }
      JsonNode required = p.get("required");
      if (required != null && !required.isBoolean()) {
        throw fail(itemAt, "'required' must be true or false; was " + describe(required));
      }
      boolean isPath = in.asText().equals("path");
      parameters.add(
          new Parameter(
              name,
              in.asText(),
              isPath || (required != null && required.asBoolean()),
              parameterType(p, itemAt),
              text(p, "description")));
    }
    return parameters;
  }

  /** The operation's parameters override the path's with the same name and location. */
  private static List<Parameter> merge(List<Parameter> common, List<Parameter> own) {
    if (common.isEmpty()) return own;
    Map<String, Parameter> merged = new LinkedHashMap<>();
    for (Parameter p : common) merged.put(p.in() + ":" + p.name(), p);
    for (Parameter p : own) merged.put(p.in() + ":" + p.name(), p);
    return new ArrayList<>(merged.values());
  }

  private String parameterType(JsonNode parameter, String at) {
    JsonNode schema = parameter.get("schema");
    if (schema == null) {
      JsonNode content = parameter.path("content");
      if (content.isObject() && content.size() > 0) {
        schema = content.elements().next().get("schema");
        at = at + ".content";
      }
    }
    if (schema == null) return "string";
    return SchemaExamples.type(refs.resolve(schema, at + ".schema"), "string");
  }

  private static String summary(JsonNode operation) {
    String summary = text(operation, "summary");
    if (summary.isBlank()) summary = text(operation, "operationId");
    if (summary.isBlank()) {
      String description = text(operation, "description").strip();
      int end = description.indexOf('\n');
      summary = end < 0 ? description : description.substring(0, end);
    }
    summary = summary.strip();
    return summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY) + "…" : summary;
  }

  private String requestBody(JsonNode body, String at) {
    if (body.isMissingNode()) return "";
    body = refs.resolve(body, at);
    if (!body.isObject())
      throw fail(at, "must be a mapping (a request body); was " + describe(body));
    JsonNode content = body.path("content");
    if (content.isMissingNode()) return "";
    if (!content.isObject()) {
      throw fail(at + ".content", "must be a mapping of media types; was " + describe(content));
    }
    String chosen = null;
    for (Map.Entry<String, JsonNode> media : content.properties()) {
      if (chosen == null || isJson(media.getKey()) && !isJson(chosen)) chosen = media.getKey();
    }
    if (chosen == null) return "";
    String mediaAt = at + ".content." + chosen;
    JsonNode media = content.get(chosen);
    if (!media.isObject()) {
      throw fail(mediaAt, "must be a mapping (a media type); was " + describe(media));
    }
    if (media.has("example")) return render(media.get("example"));
    JsonNode named = media.path("examples");
    if (named.isObject() && named.size() > 0) {
      Map.Entry<String, JsonNode> first = named.properties().iterator().next();
      JsonNode example = refs.resolve(first.getValue(), mediaAt + ".examples." + first.getKey());
      if (example.has("value")) return render(example.get("value"));
    }
    JsonNode schema = media.get("schema");
    if (schema == null) return "";
    JsonNode value =
        isJson(chosen)
            ? examples.example(schema, mediaAt + ".schema")
            : refs.resolve(schema, mediaAt + ".schema").get("example");
    return value == null ? "" : render(value);
  }

  private static boolean isJson(String mediaType) {
    String m = mediaType.toLowerCase(Locale.ROOT);
    return m.contains("/json") || m.contains("+json") || m.equals("*/*");
  }

  private static String render(JsonNode value) {
    if (value.isTextual()) return value.asText();
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static String requiredText(JsonNode object, String field, String at) {
    JsonNode value = object.get(field);
    String fieldAt = at + "." + field;
    if (value == null || value.isNull()) throw fail(fieldAt, "is required");
    if (!value.isValueNode()) throw fail(fieldAt, "must be a text; was " + describe(value));
    if (value.asText().isBlank()) throw fail(fieldAt, "must not be blank");
    return value.asText();
  }

  private static String text(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value != null && value.isValueNode() && !value.isNull() ? value.asText() : "";
  }

  private static String describe(JsonNode node) {
    return ApiDocuments.describe(node);
  }

  /** A value from the document, quoted and cut short for an error message. */
  static String quote(String value) {
    String v = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return "'" + v + "'";
  }

  static ApiDocumentException fail(String at, String problem) {
    return new ApiDocumentException(KIND, at, problem);
  }
}
