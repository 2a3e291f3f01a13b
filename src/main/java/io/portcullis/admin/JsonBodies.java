package io.portcullis.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portcullis.http.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Reads and writes the JSON bodies of the admin API. Reading is strict, as the configuration loader
 * is: a duplicate key or trailing content is an error, not a silent last-one-wins.
 */
final class JsonBodies {
  static final String MEDIA_TYPE = "application/json";

  private final ObjectMapper json =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * The request's body as a JSON tree.
   *
   * @throws ProblemException 415 for a Content-Type that is not JSON, 400 for an empty body or text
   *     that is not JSON (naming the line and column)
   */
  JsonNode read(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && !isJson(contentType)) {
      throw new ProblemException(
          Problem.of(
                  415,
                  "the Content-Type header must be application/json; was '"
                      + printable(contentType)
                      + "'")
              .with("field", "Content-Type"));
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ProblemException(Problem.of(400, "the request needs a JSON body; it had none"));
    }
    try {
      return json.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      Problem problem =
          Problem.of(
              400,
              "the body is not valid JSON at line "
                  + (at == null ? "?" : at.getLineNr())
                  + ", column "
                  + (at == null ? "?" : at.getColumnNr())
                  + ": "
                  + e.getOriginalMessage());
      if (at != null)
        problem = problem.with("line", at.getLineNr()).with("column", at.getColumnNr());
      throw new ProblemException(problem);
    } catch (java.io.IOException e) {
      throw new ProblemException(Problem.of(400, "the body cannot be read as JSON"));
    }
  }

  /** The tree as JSON text. */
  Buffer write(JsonNode node) {
    try {
      return Buffer.buffer(json.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static boolean isJson(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals(MEDIA_TYPE) || (type.startsWith("application/") && type.endsWith("+json"));
  }

  private static String printable(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return shown.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
