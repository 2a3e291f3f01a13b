package io.portcullis.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An RFC 9457 problem detail, written as {@code application/problem+json}.
 *
 * @param type a URI naming the problem type; {@code about:blank} when the status says it all (then
 *     the title is the status' reason phrase)
 * @param title a short summary of the problem type
 * @param status the HTTP status code
 * @param detail what went wrong in this occurrence, naming the thing that is wrong; may be null
 * @param extensions extra members such as {@code field} or {@code errors}, in insertion order;
 *     values are JSON-compatible (strings, numbers, booleans, lists, maps)
 */
public record Problem(
    URI type, String title, int status, String detail, Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";
  public static final URI ABOUT_BLANK = URI.create("about:blank");

  private static final Set<String> STANDARD_MEMBERS =
      Set.of("type", "title", "status", "detail", "instance");

  public Problem {
    type = type == null ? ABOUT_BLANK : type;
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599, was " + status);
    }
    title = title == null ? reasonPhrase(status) : title;
    Map<String, Object> copy = new LinkedHashMap<>();
    if (extensions != null) {
      for (Map.Entry<String, Object> member : extensions.entrySet()) {
        if (STANDARD_MEMBERS.contains(member.getKey())) {
          throw new IllegalArgumentException(
              "extension member '" + member.getKey() + "' would overwrite a standard member");
        }
        copy.put(member.getKey(), member.getValue());
      }
    }
    extensions = Collections.unmodifiableMap(copy);
  }

  /** A problem of type {@code about:blank} whose title is the status' reason phrase. */
  public static Problem of(int status, String detail) {
    return new Problem(ABOUT_BLANK, null, status, detail, Map.of());
  }

  /** The problem that describes an error answer of any of Portcullis' HTTP endpoints. */
  public static Problem of(HttpError error) {
    Problem problem = new Problem(ABOUT_BLANK, error.title(), error.status(), error.detail(), null);
    return error.errorCode() == null ? problem : problem.with("error", error.errorCode());
  }

  /** This problem with one more extension member (replacing one of the same name). */
  public Problem with(String member, Object value) {
    Objects.requireNonNull(member, "member");
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(member, value);
    return new Problem(type, title, status, detail, more);
  }

  /** The JSON text: standard members first, then the extensions; a null detail is left out. */
  public String toJson() {
    JsonObject json = new JsonObject().put("type", type.toString()).put("title", title);
    json.put("status", status);
    if (detail != null) json.put("detail", detail);
    for (Map.Entry<String, Object> member : extensions.entrySet()) {
      json.put(member.getKey(), member.getValue());
    }
    return json.encode();
  }

  public Buffer toBuffer() {
    return Buffer.buffer(toJson());
  }

  static String reasonPhrase(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
