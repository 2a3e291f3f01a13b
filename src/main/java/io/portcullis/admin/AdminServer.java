package io.portcullis.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.ConfigWriter;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.ControlPlane;
import io.portcullis.credential.Authenticator;
import io.portcullis.http.TlsListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: the admin REST API, {@code /health} and {@code /metrics} (docs/ADMIN-API.md
 * describes every route).
 *
 * <p>Every call but {@code /health}, {@code /health/ready} and {@code /health/live} needs HTTP
 * Basic credentials of an enabled user with role {@code admin}. Every error is {@code
 * application/problem+json}. Control plane calls and password checks run on a small worker pool of
 * their own, never on the event loop.
 */
public final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final int WORKERS = 4;
  private static final int MAX_FORM_FIELD_BYTES = 256 * 1024;

  /**
   * Mounts more routes on the admin router, such as {@code
   * /authorization-servers/{alias}/keys/rotate} or {@code /applications/{name}/tokens}.
   *
   * <p>The routes are behind the same authentication as the rest of the admin API and get its error
   * answers: a handler that fails its context with a {@code ValidationException} gets 400 naming
   * the fields, a {@code NotFoundException} 404, anything the {@link FailureTranslator} knows its
   * answer, anything else 500 with a correlation id. The request body (up to the configured limit)
   * is already read: {@code ctx.body()}. Blocking work must run off the event loop ({@code
   * vertx.executeBlocking}).
   */
  @FunctionalInterface
  public interface Extension {
    /** Adds routes to the router; called once, after the built-in routes, before listening. */
    void mount(Router router);
  }

  private final Vertx vertx;
  private final AdminSettings settings;
  private final ControlPlane control;
  private final Authenticator authenticator;
  private final RegistryCodec codec;
  private final ConfigWriter writer;
  private final AdminMetrics metrics;
  private final Readiness readiness;
  private final FailureTranslator failures;
  private final List<Extension> extensions;
  private final List<Extension> pages;
  private WorkerExecutor workers;
  private HttpServer server;

  /**
   * @param vertx the Vert.x instance to run on
   * @param settings where to listen and the body limit
   * @param control the one writer of the registry
   * @param authenticator checks the admin's Basic credentials
   * @param codec reads and writes the JSON of every entity
   * @param writer writes {@code /export}
   * @param metrics what {@code /metrics} shows
   * @param readiness what {@code /health} reports
   * @param failures answers for failures only the composition root can recognise (such as the
   *     store's unique-value conflict: 409); {@link FailureTranslator#NONE} for none
   * @param extensions more routes, mounted in order; may be empty
   */
  public AdminServer(
      Vertx vertx,
      AdminSettings settings,
      ControlPlane control,
      Authenticator authenticator,
      RegistryCodec codec,
      ConfigWriter writer,
      AdminMetrics metrics,
      Readiness readiness,
      FailureTranslator failures,
      List<Extension> extensions) {
    this(
        vertx,
        settings,
        control,
        authenticator,
        codec,
        writer,
        metrics,
        readiness,
        failures,
        extensions,
        List.of());
  }

  /**
   * As above, with pages that have their own authentication (the Manager's sign-in and session):
   * mounted before the admin API's Basic authentication, so their routes never ask for it. Their
   * paths must not be admin API paths.
   *
   * @param pages routes with their own authentication, mounted first; may be empty
   */
  public AdminServer(
      Vertx vertx,
      AdminSettings settings,
      ControlPlane control,
      Authenticator authenticator,
      RegistryCodec codec,
      ConfigWriter writer,
      AdminMetrics metrics,
      Readiness readiness,
      FailureTranslator failures,
      List<Extension> extensions,
      List<Extension> pages) {
    this.pages = List.copyOf(pages);
    this.vertx = vertx;
    this.settings = settings;
    this.control = control;
    this.authenticator = authenticator;
    this.codec = codec;
    this.writer = writer;
    this.metrics = metrics;
    this.readiness = readiness;
    this.failures = failures;
    this.extensions = List.copyOf(extensions);
  }

  /**
   * Builds the routes and starts listening.
   *
   * @return this server once it listens; failed when the port cannot be bound
   * @throws IllegalStateException when called twice
   */
  public synchronized Future<AdminServer> start() {
    if (server != null) throw new IllegalStateException("the admin server was already started");
    workers = vertx.createSharedWorkerExecutor("portcullis-admin", WORKERS);
    server =
        vertx.createHttpServer(
            TlsListener.apply(
                new HttpServerOptions()
                    .setHost(settings.host())
                    .setPort(settings.port())
                    // One form field may be as large as a whole Manager form (an API's inline
                    // OpenAPI document): the body limits refuse larger ones with 413, where the
                    // default 8 KiB per field failed with 500.
                    .setMaxFormAttributeSize(MAX_FORM_FIELD_BYTES),
                settings.tls()));
    return server
        .requestHandler(router(workers))
        .listen()
        .map(
            listening -> {
              LOG.atInfo()
                  .addKeyValue("host", settings.host())
                  .addKeyValue("port", listening.actualPort())
                  .log("admin API listening");
              return this;
            });
  }

  /**
   * The port the server listens on (the chosen one when the settings said 0).
   *
   * @throws IllegalStateException before {@link #start()} succeeded
   */
  public synchronized int port() {
    if (server == null || server.actualPort() <= 0)
      throw new IllegalStateException("the admin server is not listening");
    return server.actualPort();
  }

  /** Serves new connections with these TLS options, read again from their files. */
  public synchronized Future<Boolean> updateTls(ServerSSLOptions options) {
    return server.updateSSLOptions(options, true);
  }

  /** Stops listening and releases the worker pool; calls in progress are cut. Idempotent. */
  public synchronized Future<Void> close() {
    if (server == null) return Future.succeededFuture();
    HttpServer closing = server;
    WorkerExecutor pool = workers;
    return closing.close().eventually(pool::close);
  }

  private Router router(WorkerExecutor workers) {
    Router router = Router.router(vertx);
    JsonBodies bodies = new JsonBodies();
    Blocking blocking = new Blocking(workers);
    AdminAuthentication authentication = new AdminAuthentication(control, authenticator, workers);
    AdminFailures answers = new AdminFailures(failures, settings.maxBodyBytes());
    router.route().failureHandler(answers);
    router.errorHandler(404, answers);
    router.errorHandler(405, answers);

    pages.forEach(page -> page.mount(router));

    // Open, so that orchestrators and load balancers can probe without credentials.
    router
        .route("/health/live")
        .handler(new MethodDispatch().on(HttpMethod.GET, ctx -> status(bodies, true).send(ctx)));
    for (String path : List.of("/health", "/health/ready")) {
      router
          .route(path)
          .handler(
              new MethodDispatch().on(HttpMethod.GET, ctx -> health(ctx, authentication, bodies)));
    }

    router
        .route()
        .handler(
            ctx -> {
              // The body must wait for the (asynchronous) credential check, or it would be lost.
              ctx.request().pause();
              authentication
                  .authenticate(ctx.request())
                  .onSuccess(
                      admin -> {
                        ctx.put(Blocking.ACTOR, admin);
                        audit(ctx, admin);
                        ctx.next();
                      })
                  .onFailure(ctx::fail);
            });
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    router
        .route("/metrics")
        .handler(
            new MethodDispatch()
                .on(
                    HttpMethod.GET,
                    ctx ->
                        blocking.reply(
                            ctx, () -> Reply.text(AdminMetrics.CONTENT_TYPE, metrics.scrape()))));
    new RegistryRoutes(control, codec, writer, bodies, blocking).mount(router);
    new AuditRoutes(control, bodies, blocking).mount(router);
    extensions.forEach(extension -> extension.mount(router));
    return router;
  }

  /**
   * Readiness, from kept state (never a query, so it answers at once during a database outage): 200
   * while the node can serve, else 503, with the store's state in the body. Without credentials the
   * verdict and the store; with admin credentials every check too; with credentials that fail, 401
   * or 403 as everywhere.
   */
  private void health(RoutingContext ctx, AdminAuthentication authentication, JsonBodies bodies) {
    if (!AdminAuthentication.hasCredentials(ctx.request())) {
      readiness(bodies, false).send(ctx);
      return;
    }
    authentication
        .authenticate(ctx.request())
        .onSuccess(admin -> readiness(bodies, true).send(ctx))
        .onFailure(ctx::fail);
  }

  private static Reply status(JsonBodies bodies, boolean up) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("status", up(up));
    return Reply.json(up ? 200 : 503, bodies.write(body));
  }

  private Reply readiness(JsonBodies bodies, boolean detailed) {
    Readiness.Checks checks = readiness.check();
    ObjectNode body =
        JsonNodeFactory.instance
            .objectNode()
            .put("status", up(checks.ready()))
            .put("store", up(checks.store()));
    if (detailed) {
      body.putObject("checks")
          .put("store", up(checks.store()))
          .put("snapshot", up(checks.snapshot()));
    }
    return Reply.json(checks.ready() ? 200 : 503, bodies.write(body));
  }

  private static String up(boolean up) {
    return up ? "UP" : "DOWN";
  }

  /** One log line per change made through the admin API: who, what, and the outcome. */
  private static void audit(RoutingContext ctx, String admin) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) return;
    ctx.addEndHandler(
        ended ->
            LOG.atInfo()
                .addKeyValue("user", admin)
                .addKeyValue("method", method)
                .addKeyValue("path", ctx.normalizedPath())
                .addKeyValue("status", ctx.response().getStatusCode())
                .log("admin change"));
  }
}
