package io.portcullis.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.ValidationException;
import io.portcullis.registry.AuditEntry;
import io.portcullis.registry.AuditLog;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /audit?from=&to=&actor=&entity=&cursor=&limit=}: the audit log, newest first, as
 * {@code {"items":[{"time","actor","action","entity","before","after"}],"next"}}; {@code next} is
 * the cursor of the following page, null on the last one. A parameter that cannot be read is 400
 * naming it.
 */
final class AuditRoutes {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ControlPlane control;
  private final JsonBodies bodies;
  private final Blocking blocking;

  AuditRoutes(ControlPlane control, JsonBodies bodies, Blocking blocking) {
    this.control = control;
    this.bodies = bodies;
    this.blocking = blocking;
  }

  void mount(Router router) {
    router.route("/audit").handler(new MethodDispatch().on(HttpMethod.GET, this::list));
  }

  private void list(RoutingContext ctx) {
    AuditLog.Query query = query(ctx);
    blocking.reply(ctx, () -> Reply.json(200, bodies.write(page(control.audit(query)))));
  }

  /** Reads the query parameters; shared with nothing else so that the rules stay here. */
  static AuditLog.Query query(RoutingContext ctx) {
    var params = ctx.queryParams();
    Instant from = instant("from", params.get("from"));
    Instant to = instant("to", params.get("to"));
    Long cursor = whole("cursor", params.get("cursor"), 1, Long.MAX_VALUE);
    Long limit = whole("limit", params.get("limit"), 1, MAX_LIMIT);
    return new AuditLog.Query(
        from,
        to,
        blankToNull(params.get("actor")),
        blankToNull(params.get("entity")),
        cursor,
        limit == null ? DEFAULT_LIMIT : limit.intValue());
  }

  static ObjectNode page(AuditLog.Page page) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode items = body.putArray("items");
    for (AuditEntry e : page.items()) {
      ObjectNode item = items.addObject();
      item.put("time", e.time().toString());
      item.put("actor", e.actor());
      item.put("action", e.action());
      item.put("entity", e.entity());
      item.set("before", tree(e.before()));
      item.set("after", tree(e.after()));
    }
    if (page.next() == null) body.putNull("next");
    else body.put("next", String.valueOf(page.next()));
    return body;
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
    if (json == null) return JsonNodeFactory.instance.nullNode();
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(json);
    }
  }

  private static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) return null;
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ValidationException(
          name, "expected an RFC 3339 instant such as 2026-01-31T12:00:00Z; was \"" + value + "\"");
    }
  }

  private static Long whole(String name, String value, long min, long max) {
    if (value == null || value.isBlank()) return null;
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ValidationException(
        name, "expected a whole number from " + min + " to " + max + "; was \"" + value + "\"");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
