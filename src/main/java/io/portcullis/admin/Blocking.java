package io.portcullis.admin;

import io.portcullis.control.Actor;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Runs the blocking part of an admin call (the control plane's JDBC and password hashing) on the
 * admin worker pool and sends its reply on the event loop; a failure goes to the failure handler.
 */
final class Blocking {
  /** The context key under which the authentication leaves the admin's username. */
  static final String ACTOR = "portcullis.admin.user";

  private final WorkerExecutor workers;

  Blocking(WorkerExecutor workers) {
    this.workers = workers;
  }

  /** As {@link #reply}, on Vert.x's own worker pool: for routes mounted as extensions. */
  static void reply(Vertx vertx, RoutingContext ctx, Callable<Reply> work) {
    vertx
        .executeBlocking(work, false)
        .onComplete(
            done -> {
              if (done.succeeded()) done.result().send(ctx);
              else ctx.fail(done.cause());
            });
  }

  void reply(RoutingContext ctx, Callable<Reply> work) {
    // Unordered: calls of one connection's context need not wait for each other.
    // The control plane's writes record the authenticated admin as their actor (audit log).
    String actor = ctx.get(ACTOR);
    workers
        .executeBlocking(() -> Actor.call(actor, work), false)
        .onComplete(
            done -> {
              if (done.succeeded()) done.result().send(ctx);
              else ctx.fail(done.cause());
            });
  }
}
