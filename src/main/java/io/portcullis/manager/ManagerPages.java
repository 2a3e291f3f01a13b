package io.portcullis.manager;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.admin.AdminServer;
import io.portcullis.admin.AnalyticsRoutes;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.Actor;
import io.portcullis.control.ConflictException;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.Precondition;
import io.portcullis.control.StaleVersionException;
import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.credential.UserStamps;
import io.portcullis.manager.Views.Chrome;
import io.portcullis.manager.Views.ConfirmPage;
import io.portcullis.manager.Views.FieldView;
import io.portcullis.manager.Views.FormPage;
import io.portcullis.manager.Views.ListPage;
import io.portcullis.manager.Views.LoginPage;
import io.portcullis.manager.Views.MessagePage;
import io.portcullis.manager.Views.Option;
import io.portcullis.registry.AuditLog;
import io.portcullis.registry.User;
import io.portcullis.registry.Versioned;
import io.portcullis.web.FormDocument;
import io.portcullis.web.FormField;
import io.portcullis.web.PageForms;
import io.portcullis.web.PageSecurity;
import io.portcullis.web.SessionStore;
import io.portcullis.web.Sessions;
import io.portcullis.web.StaticAssets;
import io.portcullis.web.Templates;
import io.portcullis.web.WebSession;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Manager: server-rendered pages on the admin port (docs/MANAGER.md).
 *
 * <p>Routes: {@code GET /} (to the dashboard or the sign-in page), {@code GET|POST /login}, {@code
 * POST /logout}, {@code /ui/...} for the screens and their forms, {@code /assets/...} for the style
 * sheet and scripts. None of them is a path of the admin REST API, which keeps its Basic
 * authentication. Pages call the {@link ControlPlane}, as the admin API does, so one reader and one
 * validator decide what is valid. Every POST carries the session's CSRF token; a viewer's POST
 * under {@code /ui/} is refused 403 before anything is read.
 */
public final class ManagerPages implements AdminServer.Extension {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerPages.class);
  private static final String LOGIN_COOKIE = "portcullis_login";
  private static final String THEME_COOKIE = "portcullis_theme";
  private static final Pattern VALIDATOR_PREFIX = Pattern.compile("^[A-Za-z]+\\[[^\\]]*\\]\\.");
  private static final int FORM_LIMIT = 256 * 1024;
  private static final String SIGNING_KEYS = "portcullis.manager.signingKeys";
  private static final String TOKENS = "portcullis.manager.tokens";
  private static final String DIFFERENCES = "portcullis.manager.differences";
  private static final int TOKEN_PAGE = 20;
  private static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9_-]{8,43}");
  private static final DateTimeFormatter SHOWN_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final String LANDING = "/ui/dashboard";

  private final Vertx vertx;
  private final ControlPlane control;
  private final Authenticator authenticator;
  private final Sessions sessions;
  private final KeyOperations keys;
  private final TokenOperations tokens;
  private final Templates templates = new Templates();
  private final Map<String, Kind> kinds = new LinkedHashMap<>();
  private final String store;
  private final TrafficScreens traffic;
  private AccessRequestScreen accessRequests;
  private Predicate<Throwable> storeDown = failure -> false;

  /**
   * @param vertx runs the blocking control-plane calls on its workers
   * @param control reads and writes the registry
   * @param authenticator checks sign-in passwords; its throttle, shared with every other door that
   *     checks a password, refuses sign-ins after repeated failures
   * @param sessions the browser sessions
   * @param keys signing-key rotation and issuers' key-set flush
   * @param tokens applications' live tokens and their revocation
   * @param store what the top bar names as the store (a JDBC URL without credentials)
   * @param traffic the dashboard and transactions screens' queries
   */
  public ManagerPages(
      Vertx vertx,
      ControlPlane control,
      Authenticator authenticator,
      Sessions sessions,
      KeyOperations keys,
      TokenOperations tokens,
      String store,
      TrafficScreens traffic) {
    this.vertx = vertx;
    this.control = control;
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.keys = keys;
    this.tokens = tokens;
    this.store = store;
    this.traffic = traffic;
    Kinds.all(control, new RegistryCodec()).forEach(k -> kinds.put(k.path(), k));
  }

  /**
   * Names the failures that mean the store cannot be reached (the Manager may not know the store's
   * types): their pages answer 503 with a sentence instead of 500.
   */
  public ManagerPages withStoreDown(Predicate<Throwable> storeDown) {
    this.storeDown = storeDown;
    return this;
  }

  /** Adds the Access requests screen of the developer portal; call before mounting. */
  public ManagerPages withDeveloperPortal(io.portcullis.control.DeveloperPortal portal) {
    this.accessRequests = new AccessRequestScreen(this, portal, templates);
    return this;
  }

  /** The site's name in the session store. */
  public static final String SITE = "manager";

  /**
   * The Manager's sessions in the shared store ({@link Sessions.Settings#defaults}): a session
   * lasts while its user exists, is enabled, may view the Manager and keeps password and roles.
   */
  public static Sessions sessions(
      Vertx vertx, SessionStore store, ControlPlane control, java.time.Clock clock) {
    return new Sessions(
        vertx,
        store,
        SITE,
        Sessions.Settings.defaults(),
        clock,
        Sessions.COOKIE,
        "/",
        username ->
            control
                .snapshot()
                .user(username)
                .filter(User::enabled)
                .filter(User::mayView)
                .map(UserStamps::of));
  }

  /** A store URL as the top bar shows it: no user, password or parameters. */
  public static String describeStore(String jdbcUrl) {
    if (jdbcUrl == null) return "";
    String shown = jdbcUrl.replaceAll("//[^/@]*@", "//");
    int cut = shown.length();
    for (char c : new char[] {'?', ';'}) {
      int at = shown.indexOf(c);
      if (at >= 0) cut = Math.min(cut, at);
    }
    return shown.substring(0, cut);
  }

  @Override
  public void mount(Router router) {
    new StaticAssets()
        .add("manager.css", "web/manager.css", "text/css; charset=utf-8")
        .add("favicon.svg", "web/favicon.svg", "image/svg+xml")
        .add("htmx.min.js", StaticAssets.HTMX, "text/javascript; charset=utf-8")
        .mount(router);
    for (String path : List.of("/", "/login", "/logout")) {
      router.route(path).handler(PageSecurity::headers);
    }
    router.route("/ui/*").handler(PageSecurity::headers);
    router.route("/login").handler(BodyHandler.create(false).setBodyLimit(8 * 1024));
    router.route("/logout").handler(BodyHandler.create(false).setBodyLimit(8 * 1024));
    router.route("/ui/*").handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT));

    router
        .get("/")
        .handler(ctx -> withSession(ctx, s -> redirect(ctx, s.isPresent() ? LANDING : "/login")));
    router.get("/favicon.ico").handler(ctx -> redirect(ctx, "/assets/favicon.svg"));
    router.get("/login").handler(this::loginPage);
    router.post("/login").handler(this::login);
    router.post("/logout").handler(this::logout);

    // Every /ui route needs a session; every POST its CSRF token and, but for the theme, an admin.
    router.route("/ui/*").handler(this::guard);
    router.post("/ui/theme").handler(this::theme);
    router.get("/ui/audit").handler(this::audit);
    router.get("/ui/dashboard").handler(this::dashboard);
    router.get("/ui/transactions").handler(this::transactions);
    router.get("/ui/transactions.csv").handler(this::transactionsCsv);
    if (accessRequests != null) accessRequests.mount(router);
    router.get("/ui/new/:kind").handler(ctx -> withKind(ctx, kind -> newForm(ctx, kind)));
    router.post("/ui/new/:kind").handler(ctx -> withKind(ctx, kind -> create(ctx, kind)));
    router.getWithRegex("/ui/([a-z-]+)").handler(ctx -> withKind(ctx, kind -> list(ctx, kind)));
    router
        .getWithRegex("/ui/([a-z-]+)/(.+)")
        .handler(ctx -> withKind(ctx, kind -> entity(ctx, kind)));
    router
        .postWithRegex("/ui/([a-z-]+)/(.+)")
        .handler(ctx -> withKind(ctx, kind -> change(ctx, kind)));
    router.route("/ui/*").handler(ctx -> message(ctx, 404, "Not found", "There is no such page."));
  }

  // ---------------------------------------------------------------- sign-in

  private void loginPage(RoutingContext ctx) {
    withSession(
        ctx,
        session -> {
          if (session.isPresent()) redirect(ctx, LANDING);
          else showLogin(ctx, 200, "", "");
        });
  }

  /**
   * Runs the action with the request's session (looked up off the event loop); answers 503 when the
   * store cannot tell.
   */
  private void withSession(RoutingContext ctx, Consumer<Optional<WebSession>> action) {
    sessions
        .find(ctx.request())
        .onSuccess(action::accept)
        .onFailure(failure -> storeDown(ctx, failure));
  }

  private static void storeDown(RoutingContext ctx, Throwable failure) {
    LOG.atWarn()
        .addKeyValue("path", ctx.normalizedPath())
        .addKeyValue("error", failure.toString())
        .log("store unavailable");
    ctx.response()
        .setStatusCode(503)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(HttpHeaders.RETRY_AFTER, "5")
        .end(
            "The Manager cannot reach its store (the database that keeps sessions and the"
                + " registry); try again in a few seconds.");
  }

  private void showLogin(RoutingContext ctx, int status, String error, String username) {
    // Login CSRF: the form's token must equal this cookie's (double submit), so another site
    // cannot sign a browser in to an account of its choosing.
    String token = Sessions.randomToken();
    ctx.response()
        .addCookie(sessions.cookie(ctx.request(), LOGIN_COOKIE, token, Duration.ofHours(1)));
    templates.send(
        ctx, status, "manager/login.jte", new LoginPage(token, error, username, themeOf(ctx)));
  }

  private void login(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String username = form.get("username") == null ? "" : form.get("username").strip();
    String password = form.get("password") == null ? "" : form.get("password");
    Cookie cookie = ctx.request().getCookie(LOGIN_COOKIE);
    if (cookie == null || !Sessions.sameToken(cookie.getValue(), form.get(PageForms.CSRF_FIELD))) {
      showLogin(ctx, 403, "The sign-in form expired; please sign in again.", username);
      return;
    }
    String address = ctx.request().remoteAddress().hostAddress();
    // Counted as a failure before the password is checked (taken back when it is right), so that
    // guesses sent at once cannot all pass before the first failure is counted.
    FailureThrottle throttle = authenticator.throttle();
    Optional<Duration> locked = throttle.attempt(username, address);
    if (locked.isPresent()) {
      LOG.atWarn()
          .addKeyValue("user", username)
          .addKeyValue("client", address)
          .log("sign-in throttled");
      showLogin(ctx, 429, PageForms.throttled(ctx, locked.get()), username);
      return;
    }
    vertx
        .executeBlocking(
            () -> authenticator.authenticateUser(control.snapshot(), username, password), false)
        .onSuccess(
            user -> {
              if (user.isEmpty() || !user.get().mayView()) {
                LOG.atInfo()
                    .addKeyValue("user", username)
                    .addKeyValue("client", address)
                    .log("sign-in refused");
                showLogin(
                    ctx,
                    401,
                    "The username or password is wrong, or the user may not use the Manager.",
                    username);
                return;
              }
              throttle.succeeded(username, address);
              User u = user.get();
              ctx.response()
                  .addCookie(sessions.cookie(ctx.request(), LOGIN_COOKIE, "", Duration.ZERO));
              sessions
                  .start(
                      ctx.request(),
                      ctx.response(),
                      u.username(),
                      u.isAdmin() ? User.ADMIN_ROLE : User.VIEWER_ROLE,
                      u.isAdmin())
                  .onSuccess(
                      s -> {
                        LOG.atInfo()
                            .addKeyValue("user", u.username())
                            .log("signed in to the Manager");
                        redirect(ctx, LANDING);
                      })
                  .onFailure(failure -> storeDown(ctx, failure));
            })
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    withSession(
        ctx,
        session -> {
          if (session.isPresent() && !csrfValid(ctx, session.get())) {
            ctx.put("session", session.get());
            message(ctx, 403, "Refused", "The request did not carry this session's CSRF token.");
            return;
          }
          sessions
              .end(ctx.request(), ctx.response())
              .onSuccess(v -> redirect(ctx, "/login"))
              .onFailure(failure -> storeDown(ctx, failure));
        });
  }

  // ---------------------------------------------------------------- guard and theme

  private void guard(RoutingContext ctx) {
    withSession(ctx, session -> guard(ctx, session));
  }

  private void guard(RoutingContext ctx, Optional<WebSession> session) {
    if (session.isEmpty()) {
      if (ctx.request().method() == io.vertx.core.http.HttpMethod.GET) redirect(ctx, "/login");
      else message(ctx, 401, "Signed out", "Your session ended; sign in again.");
      return;
    }
    ctx.put("session", session.get());
    if (ctx.request().method() != io.vertx.core.http.HttpMethod.GET
        && ctx.request().method() != io.vertx.core.http.HttpMethod.HEAD) {
      if (!csrfValid(ctx, session.get())) {
        LOG.atWarn()
            .addKeyValue("user", session.get().username())
            .addKeyValue("path", ctx.normalizedPath())
            .log("CSRF token missing or wrong; refused");
        message(ctx, 403, "Refused", "The request did not carry this session's CSRF token.");
        return;
      }
      if (!session.get().canChange() && !ctx.normalizedPath().equals("/ui/theme")) {
        message(ctx, 403, "Read only", "Role viewer may look but change nothing.");
        return;
      }
    }
    ctx.next();
  }

  private static boolean csrfValid(RoutingContext ctx, WebSession session) {
    return PageForms.csrfValid(ctx, session);
  }

  private void theme(RoutingContext ctx) {
    PageForms.saveTheme(ctx, sessions, THEME_COOKIE);
    redirect(ctx, PageForms.back(ctx, "/ui/", "/ui/apis"));
  }

  private String themeOf(RoutingContext ctx) {
    return PageForms.theme(ctx, THEME_COOKIE);
  }

  // ---------------------------------------------------------------- screens

  private void withKind(RoutingContext ctx, Consumer<Kind> action) {
    String name = ctx.pathParam("kind");
    if (name == null) name = ctx.pathParam("param0");
    Kind kind = kinds.get(name);
    if (kind == null) {
      message(ctx, 404, "Not found", "There is no such page.");
      return;
    }
    action.accept(kind);
  }

  private void list(RoutingContext ctx, Kind kind) {
    String q = ctx.queryParams().get("q");
    String status = ctx.queryParams().get("status");
    blocking(
        ctx,
        () -> {
          var rows = kind.rows(control.export(), q, status);
          boolean creatable = session(ctx).map(WebSession::canChange).orElse(false);
          List<List<String>> create = new ArrayList<>();
          if (creatable) {
            if (kind.path().equals("authorization-servers")) {
              create.add(
                  List.of("/ui/new/authorization-servers?type=external", "New external issuer"));
              create.add(
                  List.of("/ui/new/authorization-servers?type=internal", "New internal server"));
            } else {
              create.add(List.of("/ui/new/" + kind.path(), "New " + kind.singular()));
            }
          }
          String empty =
              (q != null && !q.isBlank()) || (status != null && !status.isBlank())
                  ? "Nothing matches this search; clear it to see every " + kind.singular() + "."
                  : "No "
                      + kind.title().toLowerCase(java.util.Locale.ROOT)
                      + " yet — create one or load a configuration file.";
          return (Runnable)
              () ->
                  templates.send(
                      ctx,
                      200,
                      "manager/list.jte",
                      new ListPage(
                          chrome(ctx, kind.title(), kind.path(), ""),
                          kind.path(),
                          kind.singular(),
                          kind.columns(),
                          rows,
                          q == null ? "" : q,
                          status == null ? "" : status,
                          kind.statuses(),
                          empty,
                          create));
        });
  }

  private void audit(RoutingContext ctx) {
    String actor = blank(ctx.queryParams().get("actor"));
    String entity = blank(ctx.queryParams().get("entity"));
    Long cursor;
    try {
      String c = ctx.queryParams().get("cursor");
      cursor = c == null || c.isBlank() ? null : Long.parseLong(c);
    } catch (NumberFormatException e) {
      message(ctx, 400, "Refused", "The cursor must be a whole number.");
      return;
    }
    AuditLog.Query query = new AuditLog.Query(null, null, actor, entity, cursor, 25);
    blocking(
        ctx,
        () -> {
          AuditLog.Page page = control.audit(query);
          List<AuditView.Entry> entries = page.items().stream().map(AuditView::of).toList();
          String next =
              page.next() == null
                  ? ""
                  : "/ui/audit?cursor="
                      + page.next()
                      + (actor == null ? "" : "&actor=" + Kinds.enc(actor))
                      + (entity == null ? "" : "&entity=" + Kinds.enc(entity));
          return () ->
              templates.send(
                  ctx,
                  200,
                  "manager/audit.jte",
                  new Views.AuditPage(
                      chrome(ctx, "Audit log", "audit", ""),
                      actor == null ? "" : actor,
                      entity == null ? "" : entity,
                      entries,
                      next));
        });
  }

  private void dashboard(RoutingContext ctx) {
    String range = ctx.queryParams().get("range");
    blocking(
        ctx,
        () -> {
          TrafficScreens.Dashboard d = traffic.dashboard(range);
          return () ->
              templates.send(
                  ctx,
                  200,
                  "manager/dashboard.jte",
                  new Views.DashboardPage(chrome(ctx, "Dashboard", "dashboard", ""), d));
        });
  }

  private void transactions(RoutingContext ctx) {
    TrafficScreens.Filters filters = TrafficScreens.filters(ctx.queryParams());
    String cursor = ctx.queryParams().get("cursor");
    String csv = TrafficScreens.link("/ui/transactions.csv", filters);
    blocking(
        ctx,
        () -> {
          TrafficScreens.Listing listing;
          String error = "";
          int status = 200;
          try {
            listing = traffic.transactions(filters, cursor);
          } catch (ValidationException e) {
            listing = new TrafficScreens.Listing(List.of(), "");
            error = e.getMessage();
            status = 400;
          }
          TrafficScreens.Listing shown = listing;
          String refusal = error;
          int code = status;
          return () ->
              templates.send(
                  ctx,
                  code,
                  "manager/transactions.jte",
                  new Views.TransactionsPage(
                      chrome(ctx, "Transactions", "transactions", ""),
                      filters,
                      shown,
                      csv,
                      refusal));
        });
  }

  /** The records of the transactions screen's filters as CSV, as the admin API exports them. */
  private void transactionsCsv(RoutingContext ctx) {
    io.portcullis.monitor.TransactionFilter filter;
    try {
      filter = traffic.filter(TrafficScreens.filters(ctx.queryParams()));
    } catch (ValidationException e) {
      message(ctx, 400, "Refused", e.getMessage());
      return;
    }
    AnalyticsRoutes.streamCsv(vertx, traffic.repository(), ctx.response(), filter);
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private void newForm(RoutingContext ctx, Kind kind) {
    String variant = ctx.queryParams().get("type");
    List<FormField> fields = kind.fields(variant);
    Map<String, String> values = FormDocument.values(fields, kind.template(variant));
    sendForm(ctx, 200, kind, null, variant, null, values, Map.of(), List.of(), "");
  }

  private void entity(RoutingContext ctx, Kind kind) {
    String key = key(ctx);
    String confirm = ctx.queryParams().get("confirm");
    blocking(
        ctx,
        () -> {
          Versioned<ObjectNode> stored = kind.read(key);
          if (confirm != null) {
            Preview preview = preview(kind, key, confirm, ctx.queryParams().get("token"));
            return () -> confirm(ctx, kind, key, stored, confirm, preview);
          }
          String variant = kind.variant(stored.value());
          Map<String, String> values = FormDocument.values(kind.fields(variant), stored.value());
          ctx.put(SIGNING_KEYS, "internal".equals(variant) ? keys.signingKeys() : List.of());
          if (kind instanceof Kinds.Applications) {
            ctx.put(TOKENS, tokenList(ctx, kind, key, ctx.queryParams().get("tokens")));
          }
          return () ->
              sendForm(
                  ctx, 200, kind, key, variant, stored.version(), values, Map.of(), List.of(), "");
        });
  }

  private void create(RoutingContext ctx, Kind kind) {
    MultiMap form = ctx.request().formAttributes();
    String variant = form.get("type");
    List<FormField> fields = kind.fields(variant);
    Map<String, String> problems = new LinkedHashMap<>();
    ObjectNode doc = FormDocument.read(fields, form, problems);
    blocking(
        ctx,
        () -> {
          List<Violation> violations = new ArrayList<>();
          problems.forEach((path, message) -> violations.add(new Violation(path, message)));
          Kind.Stored stored = null;
          String failure = "";
          try {
            if (violations.isEmpty()) stored = kind.save(doc, null, Precondition.NONE, violations);
          } catch (ValidationException e) {
            violations.addAll(e.violations());
          } catch (ConflictException e) {
            failure = e.getMessage();
          }
          if (stored != null) {
            Kind.Stored saved = stored;
            LOG.atInfo()
                .addKeyValue("user", user(ctx))
                .addKeyValue("kind", kind.path())
                .addKeyValue("key", saved.key())
                .log("created in the Manager");
            return () -> redirect(ctx, href(kind, saved.key()) + "?saved=created");
          }
          String conflict = failure;
          return () ->
              sendForm(
                  ctx,
                  400,
                  kind,
                  null,
                  variant,
                  null,
                  FormDocument.values(fields, form),
                  errorsByField(fields, violations),
                  generalErrors(fields, violations),
                  conflict);
        });
  }

  private void change(RoutingContext ctx, Kind kind) {
    String key = key(ctx);
    MultiMap form = ctx.request().formAttributes();
    String operation = form.get("_action") == null ? "save" : form.get("_action");
    if (operation.equals("revoke")) {
      revokeToken(ctx, kind, key, form.get("token"));
      return;
    }
    long version;
    try {
      version = Long.parseLong(form.get("_version"));
    } catch (NumberFormatException | NullPointerException e) {
      message(ctx, 400, "Refused", "The form did not carry the version it was read at.");
      return;
    }
    Precondition expected = Precondition.version(version);
    switch (operation) {
      case "delete" ->
          blocking(
              ctx,
              () -> {
                try {
                  kind.delete(key, expected);
                } catch (StaleVersionException e) {
                  return () -> message(ctx, 412, "Changed by someone else", e.getMessage());
                } catch (ValidationException e) {
                  return () -> message(ctx, 400, "Not deleted", e.getMessage());
                }
                LOG.atInfo()
                    .addKeyValue("user", user(ctx))
                    .addKeyValue("kind", kind.path())
                    .addKeyValue("key", key)
                    .log("deleted in the Manager");
                return () -> redirect(ctx, "/ui/" + kind.path() + "?saved=deleted");
              });
      case "activate", "deactivate" ->
          blocking(
              ctx,
              () -> {
                if (!(kind instanceof Kinds.Apis))
                  throw new NotFoundException("operation", "activate");
                String[] parts = Kinds.Apis.split(key);
                try {
                  control.setApiActive(parts[0], parts[1], operation.equals("activate"), expected);
                } catch (StaleVersionException e) {
                  return () -> message(ctx, 412, "Changed by someone else", e.getMessage());
                }
                LOG.atInfo()
                    .addKeyValue("user", user(ctx))
                    .addKeyValue("api", key)
                    .addKeyValue("operation", operation)
                    .log("API activation changed in the Manager");
                return () -> redirect(ctx, href(kind, key) + "?saved=" + operation + "d");
              });
      case "rotate", "flush" ->
          blocking(
              ctx,
              () -> {
                if (!(kind instanceof Kinds.Servers))
                  throw new NotFoundException("operation", operation);
                String done;
                if (operation.equals("rotate")) {
                  done = "Rotated: the new active signing key is " + keys.rotate(key);
                } else {
                  done =
                      keys.flush(key)
                          ? "Flushed: the next token from " + key + " fetches its keys again"
                          : "Nothing to flush: no key set of " + key + " was cached";
                }
                LOG.atInfo()
                    .addKeyValue("user", user(ctx))
                    .addKeyValue("server", key)
                    .addKeyValue("operation", operation)
                    .log("key operation in the Manager");
                return () -> redirect(ctx, href(kind, key) + "?done=" + Kinds.enc(done));
              });
      default -> save(ctx, kind, key, form, expected);
    }
  }

  private void save(
      RoutingContext ctx, Kind kind, String key, MultiMap form, Precondition expected) {
    blocking(
        ctx,
        () -> {
          String variant = kind.variant(kind.read(key).value());
          List<FormField> fields = kind.fields(variant);
          Map<String, String> problems = new LinkedHashMap<>();
          ObjectNode doc = FormDocument.read(fields, form, problems);
          List<Violation> violations = new ArrayList<>();
          problems.forEach((path, message) -> violations.add(new Violation(path, message)));
          try {
            if (violations.isEmpty()) {
              Kind.Stored stored = kind.save(doc, key, expected, violations);
              if (stored != null) {
                LOG.atInfo()
                    .addKeyValue("user", user(ctx))
                    .addKeyValue("kind", kind.path())
                    .addKeyValue("key", key)
                    .log("saved in the Manager");
                return () -> redirect(ctx, href(kind, key) + "?saved=saved");
              }
            }
          } catch (ValidationException e) {
            violations.addAll(e.violations());
          } catch (StaleVersionException e) {
            // Show what is stored now, with the newer version, and say why the save was refused.
            Versioned<ObjectNode> current = kind.read(key);
            String conflict =
                "Not saved: someone else changed this "
                    + kind.singular()
                    + " since you opened it (it is now at version "
                    + current.version()
                    + "). The form shows the current values; redo your change and save again.";
            Map<String, String> values = FormDocument.values(fields, current.value());
            ctx.put(DIFFERENCES, differences(fields, FormDocument.values(fields, form), values));
            return () ->
                sendForm(
                    ctx,
                    412,
                    kind,
                    key,
                    variant,
                    current.version(),
                    values,
                    Map.of(),
                    List.of(),
                    conflict);
          } catch (ConflictException e) {
            String conflict = e.getMessage();
            return () ->
                sendForm(
                    ctx,
                    409,
                    kind,
                    key,
                    variant,
                    versionOf(expected),
                    FormDocument.values(fields, form),
                    Map.of(),
                    List.of(),
                    conflict);
          }
          return () ->
              sendForm(
                  ctx,
                  400,
                  kind,
                  key,
                  variant,
                  versionOf(expected),
                  FormDocument.values(fields, form),
                  errorsByField(fields, violations),
                  generalErrors(fields, violations),
                  "");
        });
  }

  /** The fields where the refused form and the stored entity differ, in the form's order. */
  static List<Views.Difference> differences(
      List<FormField> fields, Map<String, String> yours, Map<String, String> stored) {
    List<Views.Difference> out = new ArrayList<>();
    for (FormField f : fields) {
      if (f.input() == FormField.Input.PASSWORD) continue;
      String mine = comparable(f, yours.get(f.path()));
      String now = comparable(f, stored.get(f.path()));
      if (!mine.equals(now)) out.add(new Views.Difference(f.label(), mine, now));
    }
    return out;
  }

  /** A field's value as compared: trimmed, one kind of line end, a checkbox never empty. */
  private static String comparable(FormField f, String value) {
    String v = value == null ? "" : value.replace("\r\n", "\n").strip();
    if (f.input() == FormField.Input.CHECKBOX) return String.valueOf(v.equals("true"));
    if (f.input() == FormField.Input.WORDS) return String.join(" ", v.split("\\s+")).strip();
    if (f.input() == FormField.Input.CHOICES) {
      return v.lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .sorted()
          .collect(java.util.stream.Collectors.joining("\n"));
    }
    return v;
  }

  private static Long versionOf(Precondition expected) {
    return expected.versions().iterator().next();
  }

  /**
   * What a confirmation shows beyond the entity: the applications associated with an API and its
   * last day of calls, or the token to revoke (null when it is not live). Read on a worker.
   */
  private record Preview(
      List<String> applications, TrafficScreens.DayOfCalls day, TokenOperations.LiveToken token) {}

  private Preview preview(Kind kind, String key, String op, String tokenId) {
    if (kind instanceof Kinds.Apis && List.of("activate", "deactivate", "delete").contains(op)) {
      return new Preview(associatedApplications(key), traffic.lastDay(key), null);
    }
    if (kind instanceof Kinds.Applications && op.equals("revoke") && validTokenId(tokenId)) {
      TokenOperations.LiveToken token =
          tokens.live(key, 0, Integer.MAX_VALUE).items().stream()
              .filter(t -> t.id().equals(tokenId))
              .findFirst()
              .orElse(null);
      return new Preview(List.of(), null, token);
    }
    return new Preview(List.of(), null, null);
  }

  private void confirm(
      RoutingContext ctx,
      Kind kind,
      String key,
      Versioned<ObjectNode> stored,
      String op,
      Preview preview) {
    List<String> consequences = new ArrayList<>();
    List<List<String>> fields = new ArrayList<>();
    List<String> link = List.of();
    String hidden = "";
    String heading;
    String message;
    String button;
    switch (op) {
      case "activate", "deactivate" -> {
        if (!(kind instanceof Kinds.Apis)) {
          message(ctx, 404, "Not found", "There is no such page.");
          return;
        }
        List<String> apps = preview.applications();
        heading = (op.equals("activate") ? "Activate" : "Deactivate") + " API " + key + "?";
        message =
            op.equals("activate")
                ? "The gateway starts routing "
                    + stored.value().path("basePath").asText()
                    + " to its upstream at once."
                : "The gateway answers 404 on "
                    + stored.value().path("basePath").asText()
                    + " at once.";
        consequences.add(
            apps.isEmpty()
                ? "No application is associated with this API."
                : apps.size()
                    + (apps.size() == 1 ? " application uses" : " applications use")
                    + " this API: "
                    + String.join(", ", apps));
        TrafficScreens.DayOfCalls day = preview.day();
        consequences.add(
            day.requests() == 0
                ? "No calls reached this API in the last 24 hours."
                : "In the last 24 hours this API answered "
                    + calls(day.requests())
                    + ", "
                    + calls(day.errors()).replace("call", "error")
                    + " ("
                    + Math.round(100.0 * day.errors() / day.requests())
                    + "%)"
                    + (op.equals("deactivate") ? "; from now on such calls get 404." : "."));
        if (day.requests() > 0) link = List.of(day.href(), "See those calls");
        button = op.equals("activate") ? "Activate" : "Deactivate";
      }
      case "revoke" -> {
        TokenOperations.LiveToken token = preview.token();
        if (!(kind instanceof Kinds.Applications) || token == null) {
          message(
              ctx,
              404,
              "No such token",
              "Application "
                  + key
                  + " has no live token with this id: it was revoked or expired meanwhile, or"
                  + " never existed.");
          return;
        }
        heading = "Revoke token " + token.id() + " of application " + key + "?";
        message =
            "Every call with this token is refused from now on, on every node; the client must get"
                + " a new one.";
        fields.add(List.of("Id", token.id()));
        fields.add(List.of("Kind", token.kind()));
        fields.add(List.of("Subject", token.subject().isEmpty() ? "(none)" : token.subject()));
        fields.add(
            List.of(
                "Scopes", token.scopes().isEmpty() ? "(none)" : String.join(" ", token.scopes())));
        fields.add(List.of("Issued", SHOWN_TIME.format(token.issuedAt())));
        fields.add(List.of("Expires", SHOWN_TIME.format(token.expiresAt())));
        if (token.kind().equals("refresh")) {
          consequences.add(
              "A refresh token is revoked with every token of its grant: the access tokens issued"
                  + " with it and from it.");
        }
        hidden = token.id();
        button = "Revoke";
      }
      case "rotate", "flush" -> {
        if (!(kind instanceof Kinds.Servers)) {
          message(ctx, 404, "Not found", "There is no such page.");
          return;
        }
        heading =
            op.equals("rotate")
                ? "Rotate the signing key of " + key + "?"
                : "Flush the cached keys of " + key + "?";
        message =
            op.equals("rotate")
                ? "A new key signs every token from now on; the current key stays published until"
                    + " the tokens it signed have expired, so they keep working."
                : "The next token from this issuer fetches its key set again.";
        button = op.equals("rotate") ? "Rotate" : "Flush";
      }
      case "delete" -> {
        heading = "Delete " + kind.singular() + " " + key + "?";
        message = "This cannot be undone.";
        if (kind instanceof Kinds.Apis) {
          List<String> apps = preview.applications();
          if (!apps.isEmpty()) consequences.add("Used by: " + String.join(", ", apps));
        }
        button = "Delete";
      }
      default -> {
        message(ctx, 404, "Not found", "There is no such page.");
        return;
      }
    }
    templates.send(
        ctx,
        200,
        "manager/confirm.jte",
        new ConfirmPage(
            chrome(ctx, heading, kind.path(), ""),
            heading,
            message,
            consequences,
            href(kind, key),
            op,
            stored.version(),
            button,
            href(kind, key),
            fields,
            link,
            hidden));
  }

  private static String calls(long n) {
    return n + (n == 1 ? " call" : " calls");
  }

  private static boolean validTokenId(String id) {
    return id != null && TOKEN_ID.matcher(id).matches();
  }

  /** One page of the application's live tokens, from {@code offset} (a page's first index). */
  private Views.TokenList tokenList(RoutingContext ctx, Kind kind, String key, String offset) {
    int first;
    try {
      first = offset == null ? 0 : Math.max(0, Integer.parseInt(offset));
    } catch (NumberFormatException e) {
      first = 0;
    }
    TokenOperations.Page page = tokens.live(key, first, TOKEN_PAGE);
    boolean canChange = session(ctx).map(WebSession::canChange).orElse(false);
    String base = href(kind, key);
    List<Views.TokenRow> rows =
        page.items().stream()
            .map(
                t ->
                    new Views.TokenRow(
                        t.id(),
                        t.kind(),
                        t.subject(),
                        String.join(" ", t.scopes()),
                        SHOWN_TIME.format(t.issuedAt()),
                        SHOWN_TIME.format(t.expiresAt()),
                        canChange ? base + "?confirm=revoke&token=" + t.id() : ""))
            .toList();
    String newer =
        first == 0 ? "" : base + "?tokens=" + Math.max(0, first - TOKEN_PAGE) + "#tokens";
    String older =
        first + TOKEN_PAGE < page.total()
            ? base + "?tokens=" + (first + TOKEN_PAGE) + "#tokens"
            : "";
    return new Views.TokenList(rows, first + 1, page.total(), newer, older);
  }

  /** Revokes a live token of an application, after its confirmation; recorded in the audit log. */
  private void revokeToken(RoutingContext ctx, Kind kind, String key, String id) {
    if (!(kind instanceof Kinds.Applications)) {
      message(ctx, 404, "Not found", "There is no such page.");
      return;
    }
    if (!validTokenId(id)) {
      message(
          ctx,
          400,
          "Refused",
          "token: expected the id of a token as the application's page lists it (8 to 43"
              + " characters of A-Z a-z 0-9 - _)");
      return;
    }
    blocking(
        ctx,
        () -> {
          TokenOperations.LiveToken token = tokens.revoke(key, id);
          if (token == null) {
            return () ->
                message(
                    ctx,
                    404,
                    "Not revoked",
                    "Application "
                        + key
                        + " has no live token "
                        + id
                        + ": it was revoked or expired meanwhile, or never existed.");
          }
          Map<String, Object> before = new LinkedHashMap<>();
          before.put("id", token.id());
          before.put("kind", token.kind());
          before.put("subject", token.subject());
          before.put("scopes", token.scopes());
          before.put("issuedAt", token.issuedAt().toString());
          before.put("expiresAt", token.expiresAt().toString());
          before.put("state", "active");
          Map<String, Object> after = new LinkedHashMap<>(before);
          after.put("state", "revoked");
          control.recordAction(
              "revoke", "applications/" + key + "/tokens/" + token.id(), before, after);
          LOG.atInfo()
              .addKeyValue("user", user(ctx))
              .addKeyValue("application", key)
              .addKeyValue("token", token.id())
              .addKeyValue("kind", token.kind())
              .log("token revoked in the Manager");
          String done = "Revoked: " + token.kind() + " token " + token.id();
          return () -> redirect(ctx, href(kind, key) + "?done=" + Kinds.enc(done) + "#tokens");
        });
  }

  private List<String> associatedApplications(String apiKey) {
    String name = Kinds.Apis.split(apiKey)[0];
    return control.export().applications().stream()
        .filter(a -> a.apis().contains(apiKey) || a.apis().contains(name))
        .map(a -> a.name())
        .sorted()
        .toList();
  }

  private void sendForm(
      RoutingContext ctx,
      int status,
      Kind kind,
      String key,
      String variant,
      Long version,
      Map<String, String> values,
      Map<String, List<String>> errors,
      List<String> general,
      String conflict) {
    boolean canChange = session(ctx).map(WebSession::canChange).orElse(false);
    List<FormField> fields = kind.fields(variant);
    List<FieldView> views = new ArrayList<>();
    for (FormField f : fields) {
      String value = values.getOrDefault(f.path(), "");
      List<String> selected = List.of(value.split("\\R"));
      List<Option> options =
          f.choices().stream().map(c -> new Option(c, selected.contains(c))).toList();
      boolean readOnly =
          !canChange
              || (key != null && kind.keyFields().contains(f.path()))
              || (key == null && f.path().equals("type") && kind instanceof Kinds.Servers);
      views.add(
          new FieldView(
              f,
              value,
              "true".equals(value),
              options,
              errors.getOrDefault(f.path(), List.of()),
              readOnly));
    }
    List<List<String>> actions = new ArrayList<>();
    String chip = "";
    boolean chipOk = true;
    if (key != null) {
      if (kind instanceof Kinds.Apis) {
        boolean active = "true".equals(values.get("active"));
        chip = active ? "active" : "inactive";
        chipOk = active;
        if (canChange)
          actions.add(
              List.of(
                  href(kind, key) + "?confirm=" + (active ? "deactivate" : "activate"),
                  active ? "Deactivate…" : "Activate…"));
      }
      if (kind instanceof Kinds.Servers && canChange) {
        actions.add(
            "internal".equals(variant)
                ? List.of(href(kind, key) + "?confirm=rotate", "Rotate signing key…")
                : List.of(href(kind, key) + "?confirm=flush", "Flush JWKS…"));
      }
      if (kind instanceof Kinds.Applications && ctx.get(TOKENS) != null) {
        actions.add(List.of("#tokens", "Live tokens"));
      }
      if (canChange) actions.add(List.of(href(kind, key) + "?confirm=delete", "Delete…"));
    }
    String saved = ctx.queryParams().get("saved");
    String done = ctx.queryParams().get("done");
    String flash =
        done != null
                && (done.startsWith("Rotated: ")
                    || done.startsWith("Flushed: ")
                    || done.startsWith("Revoked: ")
                    || done.startsWith("Nothing to flush: "))
            ? done
            : saved == null || !saved.matches("[a-z]+")
                ? ""
                : Character.toUpperCase(saved.charAt(0))
                    + saved.substring(1)
                    + ": "
                    + kind.singular()
                    + " "
                    + key
                    + (version == null ? "" : " (version " + version + ")");
    String heading =
        key == null
            ? "New " + kind.singular()
            : kind.singular().substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                + kind.singular().substring(1)
                + " "
                + key;
    templates.send(
        ctx,
        status,
        "manager/form.jte",
        new FormPage(
            chrome(ctx, heading, kind.path(), flash),
            heading,
            key == null ? "/ui/new/" + kind.path() : href(kind, key),
            version,
            views,
            general,
            conflict,
            chip,
            chipOk,
            actions,
            signingKeys(ctx),
            ctx.get(TOKENS),
            ctx.get(DIFFERENCES) == null ? List.of() : ctx.get(DIFFERENCES)));
  }

  private static List<KeyOperations.SigningKey> signingKeys(RoutingContext ctx) {
    List<KeyOperations.SigningKey> list = ctx.get(SIGNING_KEYS);
    return list == null ? List.of() : list;
  }

  /** Violations by the form field they name; the validator's "apis[key]." prefix is dropped. */
  static Map<String, List<String>> errorsByField(
      List<FormField> fields, List<Violation> violations) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Violation v : violations) {
      String field = field(fields, v.path());
      if (field != null) out.computeIfAbsent(field, k -> new ArrayList<>()).add(v.message());
    }
    return out;
  }

  private static List<String> generalErrors(List<FormField> fields, List<Violation> violations) {
    return violations.stream()
        .map(
            v ->
                field(fields, v.path()) == null
                    ? v.toString()
                    : label(fields, v) + ": " + v.message())
        .toList();
  }

  private static String label(List<FormField> fields, Violation v) {
    String field = field(fields, v.path());
    return fields.stream()
        .filter(f -> f.path().equals(field))
        .map(FormField::label)
        .findFirst()
        .orElse(v.path());
  }

  private static String field(List<FormField> fields, String path) {
    String p = VALIDATOR_PREFIX.matcher(path == null ? "" : path).replaceFirst("");
    String best = null;
    for (FormField f : fields) {
      String name = f.path();
      if (p.equals(name) || p.startsWith(name + ".") || p.startsWith(name + "[")) {
        if (best == null || name.length() > best.length()) best = name;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- helpers

  /** The session the guard found (every {@code /ui/} route); empty elsewhere. */
  private static Optional<WebSession> session(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get("session"));
  }

  private String user(RoutingContext ctx) {
    return session(ctx).map(WebSession::username).orElse("");
  }

  Chrome chrome(RoutingContext ctx, String title, String nav, String flash) {
    WebSession s = session(ctx).orElseThrow();
    String path = ctx.request().path();
    // The node as this request reached it: the admin listener's own address and port.
    String node =
        ctx.request().localAddress().hostAddress() + ":" + ctx.request().localAddress().port();
    return new Chrome(
        title,
        nav,
        node,
        store,
        s.username(),
        s.role(),
        s.canChange(),
        s.csrfToken(),
        themeOf(ctx),
        path,
        flash);
  }

  private static String key(RoutingContext ctx) {
    String encoded = ctx.pathParam("param1");
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A stray '%' names no entity (keys are looked up as given): the page answers 404, not 500.
      return encoded;
    }
  }

  /**
   * The page of an entity: an API's name and version as two segments, any other key as one (a scope
   * named by a URI keeps its slashes encoded, as the list links it).
   */
  private static String href(Kind kind, String key) {
    if (!(kind instanceof Kinds.Apis)) return "/ui/" + kind.path() + "/" + Kinds.enc(key);
    StringBuilder b = new StringBuilder("/ui/").append(kind.path());
    for (String segment : key.split("/")) b.append('/').append(Kinds.enc(segment));
    return b.toString();
  }

  void message(RoutingContext ctx, int status, String heading, String text) {
    if (session(ctx).isEmpty()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end(text);
      return;
    }
    templates.send(
        ctx,
        status,
        "manager/message.jte",
        new MessagePage(chrome(ctx, heading, "", ""), heading, text));
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
  }

  /** Runs the control-plane work on a worker, then the returned rendering on the event loop. */
  void blocking(RoutingContext ctx, Callable<Runnable> work) {
    // The control plane's writes record the signed-in user as their actor (audit log).
    String actor = user(ctx);
    vertx
        .executeBlocking(() -> Actor.call(actor, work), false)
        .onSuccess(Runnable::run)
        .onFailure(
            failure -> {
              if (failure instanceof NotFoundException) {
                message(ctx, 404, "Not found", failure.getMessage());
              } else if (storeDown.test(failure)) {
                storeDown(ctx, failure);
              } else {
                LOG.atError()
                    .setCause(failure)
                    .addKeyValue("path", ctx.normalizedPath())
                    .log("Manager page failed");
                message(
                    ctx,
                    500,
                    "Something went wrong",
                    "The page could not be shown; the log has the details.");
              }
            });
  }
}
