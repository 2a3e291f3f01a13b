package io.portcullis.admin;

import io.portcullis.control.Actor;
import io.portcullis.control.DeveloperPortal;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.ValidationException;
import io.portcullis.registry.AccessRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The developer portal's access requests in the admin API (docs/ADMIN-API.md, "Access requests"):
 * {@code GET /access-requests?status=pending|approved|rejected&application=}, {@code GET
 * /access-requests/{id}}, {@code POST /access-requests/{id}/approve} (associates the application
 * with the API) and {@code POST /access-requests/{id}/reject}. A request decided already is 409.
 * The decisions are audited with the admin as actor.
 */
public final class AccessRequestRoutes implements AdminServer.Extension {
  private final Vertx vertx;
  private final DeveloperPortal portal;

  public AccessRequestRoutes(Vertx vertx, DeveloperPortal portal) {
    this.vertx = vertx;
    this.portal = portal;
  }

  @Override
  public void mount(Router router) {
    router.get("/access-requests").handler(this::list);
    router
        .get("/access-requests/:id")
        .handler(
            ctx -> {
              long id = id(ctx);
              blocking(ctx, () -> json(portal.accessRequest(id)));
            });
    router
        .post("/access-requests/:id/approve")
        .handler(ctx -> blocking(ctx, () -> json(portal.approve(id(ctx)))));
    router
        .post("/access-requests/:id/reject")
        .handler(ctx -> blocking(ctx, () -> json(portal.reject(id(ctx)))));
  }

  private void list(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    AccessRequest.Status wanted = null;
    if (status != null && !status.isBlank()) {
      try {
        wanted = AccessRequest.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        ctx.fail(
            new ValidationException(
                "status", "expected pending, approved or rejected; was \"" + status + "\""));
        return;
      }
    }
    AccessRequest.Status filter = wanted;
    String application = ctx.queryParams().get("application");
    blocking(
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          portal
              .accessRequests(
                  filter, application == null || application.isBlank() ? null : application)
              .forEach(r -> items.add(json(r)));
          return new JsonObject().put("items", items);
        });
  }

  private static long id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new NotFoundException("access request", id);
    }
  }

  /** One request as the admin API shows it. */
  static JsonObject json(AccessRequest r) {
    JsonObject o =
        new JsonObject()
            .put("id", r.id())
            .put("application", r.application())
            .put("api", r.api())
            .put("developer", r.developer())
            .put("status", r.status().word())
            .put("created", r.created().toString());
    if (r.decidedBy() != null) o.put("decidedBy", r.decidedBy());
    if (r.decided() != null) o.put("decided", r.decided().toString());
    return o;
  }

  private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
    String actor = ctx.get(Blocking.ACTOR);
    vertx
        .executeBlocking(() -> Actor.call(actor, work), false)
        .onSuccess(
            body ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(body.encodePrettily()))
        .onFailure(ctx::fail);
  }
}
