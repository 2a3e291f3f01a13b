package io.portcullis.manager;

import io.portcullis.control.ConflictException;
import io.portcullis.control.DeveloperPortal;
import io.portcullis.control.UserSpec;
import io.portcullis.manager.Views.AccessRequestsPage;
import io.portcullis.manager.Views.RequestRow;
import io.portcullis.registry.AccessRequest;
import io.portcullis.web.Templates;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Manager's Access requests screen ({@code /ui/access-requests}): the developer portal's access
 * requests, pending first, with Approve and Reject, and the developer accounts that wait for an
 * administrator (sign-up by approval), with Approve. Behind the Manager's guard: a session, the
 * CSRF token, role admin for the POSTs. Decisions go through {@link DeveloperPortal}, audited with
 * the signed-in admin as actor.
 */
final class AccessRequestScreen {
  private static final Logger LOG = LoggerFactory.getLogger(AccessRequestScreen.class);
  static final String PATH = "/ui/access-requests";

  private final ManagerPages pages;
  private final DeveloperPortal portal;
  private final Templates templates;

  AccessRequestScreen(ManagerPages pages, DeveloperPortal portal, Templates templates) {
    this.pages = pages;
    this.portal = portal;
    this.templates = templates;
  }

  void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.post(PATH + "/:id/:decision").handler(this::decide);
    router.post(PATH + "/sign-ups/:username/approve").handler(this::approveSignUp);
  }

  private void list(RoutingContext ctx) {
    String given = ctx.queryParams().get("status");
    String status =
        given == null
            ? "pending"
            : List.of("pending", "approved", "rejected", "all").contains(given) ? given : "pending";
    pages.blocking(
        ctx,
        () -> {
          AccessRequest.Status filter =
              status.equals("all")
                  ? null
                  : AccessRequest.Status.valueOf(status.toUpperCase(Locale.ROOT));
          List<RequestRow> rows =
              portal.accessRequests(filter, null).stream()
                  .map(
                      r ->
                          new RequestRow(
                              String.valueOf(r.id()),
                              r.application(),
                              r.api(),
                              r.developer(),
                              r.status().word(),
                              r.created().toString(),
                              r.decidedBy() == null ? "" : r.decidedBy()))
                  .toList();
          List<String> signUps = portal.pendingSignUps().stream().map(UserSpec::username).toList();
          String done = ctx.queryParams().get("done");
          String flash = done != null && done.matches("[A-Za-z0-9 :._@+/~-]{1,200}") ? done : "";
          return () ->
              templates.send(
                  ctx,
                  200,
                  "manager/access-requests.jte",
                  new AccessRequestsPage(
                      pages.chrome(ctx, "Access requests", "access-requests", flash),
                      status,
                      rows,
                      signUps));
        });
  }

  private void decide(RoutingContext ctx) {
    String decision = ctx.pathParam("decision");
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      pages.message(ctx, 404, "Not found", "There is no such access request.");
      return;
    }
    if (!decision.equals("approve") && !decision.equals("reject")) {
      pages.message(ctx, 404, "Not found", "There is no such page.");
      return;
    }
    pages.blocking(
        ctx,
        () -> {
          try {
            AccessRequest r = decision.equals("approve") ? portal.approve(id) : portal.reject(id);
            LOG.atInfo()
                .addKeyValue("id", id)
                .addKeyValue("decision", decision)
                .addKeyValue("application", r.application())
                .addKeyValue("api", r.api())
                .log("access request decided in the Manager");
            String done =
                (decision.equals("approve") ? "Approved: " : "Rejected: ")
                    + r.application()
                    + " to "
                    + r.api();
            return () -> ManagerPages.redirect(ctx, PATH + "?done=" + Kinds.enc(done));
          } catch (ConflictException e) {
            return () -> pages.message(ctx, 409, "Already decided", e.getMessage());
          }
        });
  }

  private void approveSignUp(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    pages.blocking(
        ctx,
        () -> {
          boolean waiting =
              portal.pendingSignUps().stream().anyMatch(u -> u.username().equals(username));
          if (!waiting) {
            return () ->
                pages.message(ctx, 404, "Not found", "No sign-up of " + username + " waits.");
          }
          portal.approveSignUp(username);
          LOG.atInfo().addKeyValue("developer", username).log("sign-up approved in the Manager");
          return () ->
              ManagerPages.redirect(
                  ctx, PATH + "?done=" + Kinds.enc("Approved: developer account " + username));
        });
  }
}
