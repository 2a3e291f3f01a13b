package io.portcullis.portal;

import io.portcullis.control.Actor;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.ConflictException;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.DeveloperPortal;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.PublicKeys;
import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.credential.UserStamps;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.portal.PortalViews.ApiPage;
import io.portcullis.portal.PortalViews.AppChoice;
import io.portcullis.portal.PortalViews.AppPage;
import io.portcullis.portal.PortalViews.AppRow;
import io.portcullis.portal.PortalViews.AppsPage;
import io.portcullis.portal.PortalViews.Card;
import io.portcullis.portal.PortalViews.Chrome;
import io.portcullis.portal.PortalViews.ConsolePage;
import io.portcullis.portal.PortalViews.GalleryPage;
import io.portcullis.portal.PortalViews.LoginPage;
import io.portcullis.portal.PortalViews.MessagePage;
import io.portcullis.portal.PortalViews.RequestRow;
import io.portcullis.portal.PortalViews.SecretPage;
import io.portcullis.portal.PortalViews.SignUpPage;
import io.portcullis.registry.AccessRequest;
import io.portcullis.registry.Api;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.User;
import io.portcullis.web.PageForms;
import io.portcullis.web.PageSecurity;
import io.portcullis.web.SessionStore;
import io.portcullis.web.Sessions;
import io.portcullis.web.StaticAssets;
import io.portcullis.web.Templates;
import io.portcullis.web.WebSession;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The developer portal: server-rendered pages on the gateway port under {@value #PREFIX}
 * (docs/PORTAL.md), on the same web foundation as the Manager ({@code io.portcullis.web}).
 *
 * <p>Every page but sign-in, sign-up and the assets needs a developer's session (a gateway user
 * with role {@code developer}); every POST carries the session's CSRF token. A developer sees only
 * published, active APIs and only the applications they act for; anything else answers 404, the
 * same as what does not exist. Registry changes go through {@link DeveloperPortal} (and so the
 * {@link ControlPlane}) on worker threads, with the developer as the audit log's actor. The portal
 * never fetches a URL on a developer's behalf: the Try API console calls the gateway from the
 * browser.
 */
public final class PortalPages {
  /** The portal's path on the gateway port. */
  public static final String PREFIX = "/portal";

  private static final Logger LOG = LoggerFactory.getLogger(PortalPages.class);
  private static final String SESSION_COOKIE = "portcullis_portal";
  private static final String LOGIN_COOKIE = "portcullis_portal_login";
  private static final String THEME_COOKIE = "portcullis_portal_theme";
  private static final String EXTRA_SCRIPT = "web/portal/portal-extra.js";
  private static final int FORM_LIMIT = 16 * 1024;

  /** Sign-ups accepted from one address per hour. */
  public static final int SIGN_UPS_PER_ADDRESS = 5;

  private final Vertx vertx;
  private final ControlPlane control;
  private final DeveloperPortal portal;
  private final Authenticator authenticator;
  private final Sessions sessions;
  private final FailureThrottle signUps;
  private final TransactionRepository traffic;
  private final ApiDocumentSource documents;
  private final Clock clock;
  private final Templates templates = new Templates();
  private final Router router;
  private boolean extraScript;
  private Predicate<Throwable> storeDown = failure -> false;

  /**
   * @param vertx runs the blocking work on its workers
   * @param control reads the registry
   * @param portal the rules for developers' applications and access requests
   * @param authenticator checks sign-in passwords
   * @param traffic the traffic records, for an application's last day
   * @param documents reads an API's OpenAPI or WSDL document into its resources
   * @param sessions the developers' sessions ({@link #sessions})
   */
  public PortalPages(
      Vertx vertx,
      ControlPlane control,
      DeveloperPortal portal,
      Authenticator authenticator,
      TransactionRepository traffic,
      ApiDocumentSource documents,
      Sessions sessions,
      Clock clock) {
    this.vertx = vertx;
    this.control = control;
    this.portal = portal;
    this.authenticator = authenticator;
    this.traffic = traffic;
    this.documents = documents;
    this.clock = clock;
    this.sessions = sessions;
    this.signUps =
        new FailureThrottle(
            new FailureThrottle.Settings(0, SIGN_UPS_PER_ADDRESS, Duration.ofHours(1), 100_000),
            clock);
    this.router = Router.router(vertx);
    mount(router);
  }

  /** The site's name in the session store. */
  public static final String SITE = "portal";

  /**
   * The developers' sessions in the shared store ({@link Sessions.Settings#defaults}), with their
   * own cookie under {@value #PREFIX}: a session lasts while its user is an enabled developer and
   * keeps password and roles.
   */
  public static Sessions sessions(
      Vertx vertx, SessionStore store, ControlPlane control, Clock clock) {
    return new Sessions(
        vertx,
        store,
        SITE,
        Sessions.Settings.defaults(),
        clock,
        SESSION_COOKIE,
        PREFIX,
        username ->
            control
                .snapshot()
                .user(username)
                .filter(DeveloperPortal::isDeveloper)
                .map(UserStamps::of));
  }

  /**
   * Names the failures that mean the store cannot be reached (the portal may not know the store's
   * types): their pages answer 503 with a sentence instead of 500.
   */
  public PortalPages withStoreDown(Predicate<Throwable> storeDown) {
    this.storeDown = storeDown;
    return this;
  }

  /** Serves the requests under {@value #PREFIX}; safe from any event loop; never blocks. */
  public Handler<HttpServerRequest> handler() {
    return router::handle;
  }

  private void mount(Router router) {
    StaticAssets assets =
        new StaticAssets(PREFIX + "/assets/")
            .add("base.css", "web/manager.css", "text/css; charset=utf-8")
            .add("portal.css", "web/portal/portal.css", "text/css; charset=utf-8")
            .add("portal.js", "web/portal/portal.js", "text/javascript; charset=utf-8")
            .add("favicon.svg", "web/favicon.svg", "image/svg+xml");
    extraScript =
        assets.addIfPresent("portal-extra.js", EXTRA_SCRIPT, "text/javascript; charset=utf-8");
    assets.mount(router);
    router.route(PREFIX + "/*").handler(PageSecurity::headers);
    router.route(PREFIX).handler(PageSecurity::headers);
    router.route(PREFIX + "/*").handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT));
    // Vert.x matches the route /portal for /portal/ too: only the bare path is sent on.
    router
        .get(PREFIX)
        .handler(
            ctx -> {
              if (ctx.request().path().equals(PREFIX)) redirect(ctx, PREFIX + "/");
              else ctx.next();
            });
    router.get(PREFIX + "/login").handler(this::loginPage);
    router.post(PREFIX + "/login").handler(this::login);
    router.get(PREFIX + "/signup").handler(this::signUpPage);
    router.post(PREFIX + "/signup").handler(this::signUp);
    router.post(PREFIX + "/logout").handler(this::logout);

    router.route(PREFIX + "/*").handler(this::guard);
    router.get(PREFIX + "/").handler(this::gallery);
    router.post(PREFIX + "/theme").handler(this::theme);
    router.get(PREFIX + "/apis/:name/:version").handler(this::apiPage);
    router.post(PREFIX + "/apis/:name/:version/applications").handler(this::createApplication);
    router.get(PREFIX + "/apis/:name/:version/try").handler(this::console);
    router.get(PREFIX + "/applications").handler(this::applications);
    router.get(PREFIX + "/applications/:app").handler(this::application);
    router.post(PREFIX + "/applications/:app/secret").handler(this::regenerate);
    router
        .post(PREFIX + "/applications/:app/keys")
        .handler(this::registerKeys)
        .failureHandler(PortalPages::keysTooLong);
    router.post(PREFIX + "/applications/:app/keys/remove").handler(this::removeKeys);
    router.route().handler(ctx -> notFound(ctx));
    router.route(PREFIX + "/*").failureHandler(this::formFailed);
  }

  // ---------------------------------------------------------------- sign-in and sign-up

  private void loginPage(RoutingContext ctx) {
    withSession(
        ctx,
        session -> {
          if (session.isPresent()) redirect(ctx, PREFIX + "/");
          else showLoginPage(ctx);
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
        .log("portal store unavailable");
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
    plain(
        ctx,
        503,
        "The portal cannot reach its store (the database that keeps sessions and applications); try"
            + " again in a few seconds.");
  }

  private void showLoginPage(RoutingContext ctx) {
    String notice =
        "pending".equals(ctx.queryParams().get("signup"))
            ? "Your account waits for an administrator's approval; sign in once it is approved."
            : "";
    showLogin(ctx, 200, "", notice, "");
  }

  private void showLogin(
      RoutingContext ctx, int status, String error, String notice, String username) {
    String token = loginToken(ctx);
    boolean signUp = portal.settings().signUpOpen() || portal.settings().signUpApproval();
    templates.send(
        ctx,
        status,
        "portal/login.jte",
        new LoginPage(token, error, notice, username, signUp, themeOf(ctx)));
  }

  /** Login CSRF: the form's token must equal this cookie's (double submit). */
  private String loginToken(RoutingContext ctx) {
    String token = Sessions.randomToken();
    ctx.response()
        .addCookie(sessions.cookie(ctx.request(), LOGIN_COOKIE, token, Duration.ofHours(1)));
    return token;
  }

  private boolean loginTokenValid(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(LOGIN_COOKIE);
    return cookie != null
        && Sessions.sameToken(
            cookie.getValue(), ctx.request().formAttributes().get(PageForms.CSRF_FIELD));
  }

  private void login(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String username = form.get("username") == null ? "" : form.get("username").strip();
    String password = form.get("password") == null ? "" : form.get("password");
    if (!loginTokenValid(ctx)) {
      showLogin(ctx, 403, "The sign-in form expired; please sign in again.", "", username);
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
          .log("portal sign-in throttled");
      showLogin(ctx, 429, PageForms.throttled(ctx, locked.get()), "", username);
      return;
    }
    vertx
        .executeBlocking(
            () -> authenticator.authenticateUser(control.snapshot(), username, password), false)
        .onSuccess(
            user -> {
              if (user.isEmpty() || !DeveloperPortal.isDeveloper(user.get())) {
                LOG.atInfo()
                    .addKeyValue("user", username)
                    .addKeyValue("client", address)
                    .log("portal sign-in refused");
                showLogin(
                    ctx,
                    401,
                    "The user name or password is wrong, or the account is not an enabled"
                        + " developer account.",
                    "",
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
                      DeveloperPortal.DEVELOPER_ROLE,
                      true)
                  .onSuccess(
                      s -> {
                        LOG.atInfo()
                            .addKeyValue("user", u.username())
                            .log("signed in to the portal");
                        redirect(ctx, PREFIX + "/");
                      })
                  .onFailure(failure -> storeDown(ctx, failure));
            })
        .onFailure(failure -> failed(ctx, failure));
  }

  private void signUpPage(RoutingContext ctx) {
    if (!signUpAllowed()) {
      notFound(ctx);
      return;
    }
    templates.send(
        ctx,
        200,
        "portal/signup.jte",
        new SignUpPage(loginToken(ctx), "", "", portal.settings().signUpApproval(), themeOf(ctx)));
  }

  private boolean signUpAllowed() {
    return portal.settings().signUpOpen() || portal.settings().signUpApproval();
  }

  private void signUp(RoutingContext ctx) {
    if (!signUpAllowed()) {
      notFound(ctx);
      return;
    }
    MultiMap form = ctx.request().formAttributes();
    String username = form.get("username") == null ? "" : form.get("username").strip();
    String password = form.get("password") == null ? "" : form.get("password");
    boolean approval = portal.settings().signUpApproval();
    if (!loginTokenValid(ctx)) {
      sendSignUp(ctx, 403, "The sign-up form expired; please try again.", username);
      return;
    }
    if (!password.equals(form.get("confirm"))) {
      sendSignUp(ctx, 400, "The two passwords differ.", username);
      return;
    }
    // Each sign-up is a registry write (and a slow hash): a script must not make accounts in a
    // loop.
    String address = ctx.request().remoteAddress().hostAddress();
    Optional<Duration> locked = signUps.attempt(null, address);
    if (locked.isPresent()) {
      LOG.atWarn().addKeyValue("client", address).log("portal sign-up throttled");
      ctx.response()
          .putHeader(
              HttpHeaders.RETRY_AFTER,
              Long.toString(FailureThrottle.retryAfterSeconds(locked.get())));
      sendSignUp(
          ctx,
          429,
          "Too many sign-ups from your address; try again in "
              + (locked.get().toMinutes() + 1)
              + " minutes.",
          username);
      return;
    }
    vertx
        .executeBlocking(() -> Actor.call(username, () -> portal.signUp(username, password)), false)
        .onSuccess(
            created -> {
              LOG.atInfo()
                  .addKeyValue("user", username)
                  .addKeyValue("pending", approval)
                  .log("developer signed up");
              redirect(ctx, PREFIX + "/login" + (approval ? "?signup=pending" : "?signup=done"));
            })
        .onFailure(
            failure -> {
              if (failure instanceof ValidationException e) {
                sendSignUp(ctx, 400, describe(e), username);
              } else if (failure instanceof ConflictException) {
                sendSignUp(ctx, 409, "The user name " + username + " is taken.", username);
              } else {
                failed(ctx, failure);
              }
            });
  }

  private void sendSignUp(RoutingContext ctx, int status, String error, String username) {
    templates.send(
        ctx,
        status,
        "portal/signup.jte",
        new SignUpPage(
            loginToken(ctx), error, username, portal.settings().signUpApproval(), themeOf(ctx)));
  }

  private void logout(RoutingContext ctx) {
    withSession(
        ctx,
        session -> {
          if (session.isPresent() && !csrfValid(ctx, session.get())) {
            refused(ctx);
            return;
          }
          sessions
              .end(ctx.request(), ctx.response())
              .onSuccess(v -> redirect(ctx, PREFIX + "/login"))
              .onFailure(failure -> storeDown(ctx, failure));
        });
  }

  // ---------------------------------------------------------------- guard and theme

  private void guard(RoutingContext ctx) {
    withSession(ctx, session -> guard(ctx, session));
  }

  private void guard(RoutingContext ctx, Optional<WebSession> session) {
    if (session.isEmpty()) {
      if (ctx.request().method() == HttpMethod.GET) redirect(ctx, PREFIX + "/login");
      else plain(ctx, 401, "Your session ended; sign in again.");
      return;
    }
    ctx.put("session", session.get());
    if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD) {
      if (!csrfValid(ctx, session.get())) {
        LOG.atWarn()
            .addKeyValue("user", session.get().username())
            .addKeyValue("path", ctx.normalizedPath())
            .log("portal CSRF token missing or wrong; refused");
        refused(ctx);
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
    redirect(ctx, PageForms.back(ctx, PREFIX + "/", PREFIX + "/"));
  }

  private String themeOf(RoutingContext ctx) {
    return PageForms.theme(ctx, THEME_COOKIE);
  }

  // ---------------------------------------------------------------- gallery and API page

  private void gallery(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    List<Card> cards =
        control.snapshot().apis().stream()
            .filter(Api::inPortal)
            .filter(a -> matches(q, a))
            .sorted(java.util.Comparator.comparing(Api::key))
            .map(PortalPages::card)
            .toList();
    templates.send(
        ctx,
        200,
        "portal/gallery.jte",
        new GalleryPage(chrome(ctx, "APIs", "apis", ""), q == null ? "" : q, cards));
  }

  private static boolean matches(String q, Api api) {
    if (q == null || q.isBlank()) return true;
    String needle = q.strip().toLowerCase(Locale.ROOT);
    String summary = api.portal().summary() == null ? "" : api.portal().summary();
    return (api.name() + " " + api.version() + " " + summary)
        .toLowerCase(Locale.ROOT)
        .contains(needle);
  }

  private static Card card(Api api) {
    return new Card(
        PREFIX + "/apis/" + api.name() + "/" + api.version(),
        api.name(),
        api.version(),
        api.portal().summary() == null ? "" : api.portal().summary(),
        api.type().name(),
        security(api),
        api.basePath());
  }

  private static String security(Api api) {
    var methods = api.identifyAndAuthorize().methods();
    if (methods.isEmpty()) return "Open";
    return methods.stream()
        .sorted()
        .map(m -> m == IdentificationMethod.OAUTH2_TOKEN ? "OAuth 2.0" : m.name())
        .collect(Collectors.joining(" or "));
  }

  /** The published, active API of the path; null after answering 404. */
  private Api publishedApi(RoutingContext ctx) {
    Optional<Api> api =
        control.snapshot().apis().stream()
            .filter(
                a ->
                    a.name().equals(ctx.pathParam("name"))
                        && a.version().equals(ctx.pathParam("version")))
            .filter(Api::inPortal)
            .findFirst();
    if (api.isEmpty()) notFound(ctx);
    return api.orElse(null);
  }

  private void apiPage(RoutingContext ctx) {
    Api api = publishedApi(ctx);
    if (api == null) return;
    boolean dialog = "access".equals(ctx.queryParams().get("dialog"));
    sendApiPage(ctx, 200, api, dialog, "", "", "");
  }

  private void sendApiPage(
      RoutingContext ctx,
      int status,
      Api api,
      boolean dialog,
      String error,
      String appName,
      String appDescription) {
    String developer = session(ctx).username();
    blocking(
        ctx,
        () -> {
          ApiDocumentSource.Resources resources = documents.resources(api);
          List<AppChoice> apps = choices(developer, api);
          return () ->
              templates.send(
                  ctx,
                  status,
                  "portal/api.jte",
                  new ApiPage(
                      chrome(ctx, api.name() + " " + api.version(), "apis", ""),
                      card(api),
                      api.portal().description() == null ? "" : api.portal().description(),
                      resources.list(),
                      resources.note(),
                      apps,
                      dialog,
                      error,
                      appName,
                      appDescription));
        });
  }

  /** The developer's applications and where each stands with the API. */
  private List<AppChoice> choices(String developer, Api api) {
    List<AccessRequest> pending = portal.accessRequests(AccessRequest.Status.PENDING, null);
    List<AppChoice> out = new ArrayList<>();
    for (ApplicationSpec app : portal.applicationsOf(developer)) {
      String access =
          app.apis().contains(api.key())
              ? "granted"
              : pending.stream()
                      .anyMatch(
                          r -> r.application().equals(app.name()) && r.api().equals(api.key()))
                  ? "pending"
                  : "none";
      out.add(new AppChoice(app.name(), app.clientId() == null ? "" : app.clientId(), access));
    }
    return out;
  }

  private void createApplication(RoutingContext ctx) {
    Api api = publishedApi(ctx);
    if (api == null) return;
    String developer = session(ctx).username();
    MultiMap form = ctx.request().formAttributes();
    String name = form.get("name") == null ? "" : form.get("name").strip();
    String description = form.get("description") == null ? "" : form.get("description").strip();
    vertx
        .executeBlocking(
            () ->
                Actor.call(
                    developer,
                    () -> portal.createApplication(developer, name, description, api.key())),
            false)
        .onSuccess(
            created -> {
              LOG.atInfo()
                  .addKeyValue("user", developer)
                  .addKeyValue("application", name)
                  .addKeyValue("api", api.key())
                  .addKeyValue("access", created.request().status().word())
                  .log("application created in the portal");
              templates.send(
                  ctx,
                  201,
                  "portal/secret.jte",
                  new SecretPage(
                      chrome(
                          ctx,
                          "Application " + name,
                          "applications",
                          "Created: application " + name),
                      name,
                      created.application().clientId(),
                      created.clientSecret(),
                      api.key(),
                      created.request().status().word(),
                      card(api).href() + "/try?app=" + name,
                      true));
            })
        .onFailure(
            failure -> {
              String error;
              int status;
              if (failure instanceof ValidationException e) {
                error = describe(e);
                status = 400;
              } else if (failure instanceof ConflictException) {
                error = "An application named " + name + " exists already; choose another name.";
                status = 409;
              } else {
                failed(ctx, failure);
                return;
              }
              sendApiPage(ctx, status, api, true, error, name, description);
            });
  }

  private void console(RoutingContext ctx) {
    Api api = publishedApi(ctx);
    if (api == null) return;
    String developer = session(ctx).username();
    String selected = ctx.queryParams().get("app");
    blocking(
        ctx,
        () -> {
          ApiDocumentSource.Resources resources = documents.resources(api);
          List<AppChoice> apps = choices(developer, api);
          return () ->
              templates.send(
                  ctx,
                  200,
                  "portal/console.jte",
                  new ConsolePage(
                      chrome(ctx, "Try API: " + api.name() + " " + api.version(), "apis", ""),
                      card(api),
                      apps,
                      selected == null ? "" : selected,
                      resources.list(),
                      portal.settings().authorizationServer()));
        });
  }

  // ---------------------------------------------------------------- my applications

  private void applications(RoutingContext ctx) {
    String developer = session(ctx).username();
    blocking(
        ctx,
        () -> {
          List<AccessRequest> pending = portal.accessRequests(AccessRequest.Status.PENDING, null);
          List<AppRow> rows = new ArrayList<>();
          for (ApplicationSpec app : portal.applicationsOf(developer)) {
            String waiting =
                pending.stream()
                    .filter(r -> r.application().equals(app.name()))
                    .map(AccessRequest::api)
                    .collect(Collectors.joining(", "));
            rows.add(
                new AppRow(
                    PREFIX + "/applications/" + app.name(),
                    app.name(),
                    app.clientId() == null ? "" : app.clientId(),
                    String.join(", ", app.apis()),
                    waiting));
          }
          return () ->
              templates.send(
                  ctx,
                  200,
                  "portal/applications.jte",
                  new AppsPage(chrome(ctx, "My applications", "applications", ""), rows));
        });
  }

  private void application(RoutingContext ctx) {
    String keys = ctx.queryParams().get("keys");
    String flash =
        "registered".equals(keys)
            ? "Public keys registered"
            : "removed".equals(keys) ? "Public keys removed" : "";
    sendApplication(ctx, 200, flash, "", "", "");
  }

  private void sendApplication(
      RoutingContext ctx, int status, String flash, String keysError, String jwks, String pem) {
    String developer = session(ctx).username();
    String name = ctx.pathParam("app");
    blocking(
        ctx,
        () -> {
          ApplicationSpec app = portal.applicationOf(developer, name);
          List<RequestRow> requests =
              portal.accessRequests(null, app.name()).stream()
                  .map(
                      r ->
                          new RequestRow(
                              r.api(),
                              r.status().word(),
                              r.created().toString(),
                              r.decidedBy() == null ? "" : r.decidedBy()))
                  .toList();
          List<String> figures = lastDay(app.name());
          return () ->
              templates.send(
                  ctx,
                  status,
                  "portal/application.jte",
                  new AppPage(
                      chrome(ctx, "Application " + app.name(), "applications", flash),
                      app.name(),
                      app.description() == null ? "" : app.description(),
                      app.clientId() == null ? "" : app.clientId(),
                      app.authorizationServer() == null ? "" : app.authorizationServer(),
                      app.apis(),
                      requests,
                      figures,
                      PublicKeys.summaries(app.jwks()),
                      keysError,
                      jwks,
                      pem));
        });
  }

  /**
   * Registers the application's public keys from the form field {@code jwks} or {@code pem}. A
   * browser's form (Accept: text/html) gets the page again, with the error next to the field; a
   * script (portal-extra.js) gets the error as text. Success redirects to the application's page.
   */
  private void registerKeys(RoutingContext ctx) {
    String developer = session(ctx).username();
    String name = ctx.pathParam("app");
    MultiMap form = ctx.request().formAttributes();
    String jwks = form.get("jwks") == null ? "" : form.get("jwks").strip();
    String pem = form.get("pem") == null ? "" : form.get("pem").strip();
    vertx
        .executeBlocking(
            () ->
                Actor.call(
                    developer,
                    () -> {
                      portal.applicationOf(developer, name);
                      if (!jwks.isEmpty() && !pem.isEmpty()) {
                        throw new ValidationException("jwks", "give jwks or pem, not both");
                      }
                      var keys =
                          pem.isEmpty() ? PublicKeys.fromJwks(jwks) : PublicKeys.fromPem(pem);
                      portal.setKeys(developer, name, keys);
                      return PublicKeys.summaries(keys).size();
                    }),
            false)
        .onSuccess(
            count -> {
              LOG.atInfo()
                  .addKeyValue("user", developer)
                  .addKeyValue("application", name)
                  .addKeyValue("keys", count)
                  .log("public keys registered in the portal");
              redirect(ctx, PREFIX + "/applications/" + name + "?keys=registered");
            })
        .onFailure(
            failure -> {
              if (!(failure instanceof ValidationException e)) {
                failed(ctx, failure);
                return;
              }
              String error =
                  e.violations().stream()
                      .map(v -> v.path() + ": " + v.message())
                      .collect(Collectors.joining("; "));
              LOG.atInfo()
                  .addKeyValue("user", developer)
                  .addKeyValue("application", name)
                  .addKeyValue(
                      "fields",
                      e.violations().stream().map(Violation::path).collect(Collectors.joining(",")))
                  .log("public keys refused in the portal");
              String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
              if (accept != null && accept.contains("text/html")) {
                sendApplication(ctx, 400, "", error, jwks, pem);
              } else {
                plain(ctx, 400, error);
              }
            });
  }

  /**
   * The HTTP layer refuses a form field over 8 KiB (400) or a form over {@value #FORM_LIMIT} bytes
   * (413) before the handler runs; say which limit it was.
   */
  private static void keysTooLong(RoutingContext ctx) {
    int status = ctx.statusCode() == 413 ? 413 : 400;
    plain(
        ctx,
        status,
        status == 413
            ? "the form is larger than " + FORM_LIMIT + " bytes; register fewer keys"
            : "jwks or pem: at most "
                + PublicKeys.MAX_CHARS
                + " characters are accepted, or the form could not be read");
  }

  /**
   * A form the body handler could not take (larger than {@value #FORM_LIMIT} bytes, or one field
   * larger than the gateway's 8 KiB per field) is refused, never a 500.
   */
  private void formFailed(RoutingContext ctx) {
    if (ctx.statusCode() == 413 || ctx.failure() instanceof java.io.IOException) {
      plain(ctx, 413, "the form is larger than " + FORM_LIMIT + " bytes, or one field than 8192");
    } else if (ctx.statusCode() == 400) {
      plain(ctx, 400, "the form could not be read");
    } else {
      failed(
          ctx,
          ctx.failure() == null
              ? new IllegalStateException("status " + ctx.statusCode())
              : ctx.failure());
    }
  }

  private void removeKeys(RoutingContext ctx) {
    String developer = session(ctx).username();
    String name = ctx.pathParam("app");
    blocking(
        ctx,
        () -> {
          portal.setKeys(developer, name, null);
          LOG.atInfo()
              .addKeyValue("user", developer)
              .addKeyValue("application", name)
              .log("public keys removed in the portal");
          return () -> redirect(ctx, PREFIX + "/applications/" + name + "?keys=removed");
        });
  }

  /** Requests, errors and p95 latency of the application's calls in the last day (rollups). */
  private List<String> lastDay(String application) {
    if (traffic == null) return List.of();
    Instant now = clock.instant();
    List<Totals> totals =
        traffic.aggregate(
            new TransactionFilter(now.minus(Duration.ofDays(1)), now, null, application, null),
            TransactionRepository.Grouping.NONE);
    Totals t = totals.isEmpty() ? Totals.empty(null) : totals.get(0);
    Double p95 = t.quantileMs(0.95);
    return List.of(
        String.valueOf(t.requests()),
        String.valueOf(t.errors()),
        p95 == null ? "–" : String.format(Locale.ROOT, "%.1f ms", p95));
  }

  private void regenerate(RoutingContext ctx) {
    String developer = session(ctx).username();
    String name = ctx.pathParam("app");
    blocking(
        ctx,
        () -> {
          String secret = portal.regenerateSecret(developer, name);
          ApplicationSpec app = portal.applicationOf(developer, name);
          LOG.atInfo()
              .addKeyValue("user", developer)
              .addKeyValue("application", name)
              .log("client secret regenerated in the portal");
          return () ->
              templates.send(
                  ctx,
                  200,
                  "portal/secret.jte",
                  new SecretPage(
                      chrome(
                          ctx,
                          "Application " + name,
                          "applications",
                          "Regenerated: the client secret of " + name),
                      name,
                      app.clientId(),
                      secret,
                      "",
                      "",
                      "",
                      false));
        });
  }

  // ---------------------------------------------------------------- helpers

  private static WebSession session(RoutingContext ctx) {
    return ctx.get("session");
  }

  private Chrome chrome(RoutingContext ctx, String title, String nav, String flash) {
    WebSession s = session(ctx);
    return new Chrome(
        title,
        nav,
        s.username(),
        s.csrfToken(),
        themeOf(ctx),
        // with the query, so that the theme switch returns to the same state (?app=, ?dialog=)
        ctx.request().uri(),
        flash,
        extraScript);
  }

  private static String describe(ValidationException e) {
    return e.violations().stream()
        .map(v -> (v.path().equals("name") ? "Application name" : v.path()) + ": " + v.message())
        .collect(Collectors.joining("; "));
  }

  private void notFound(RoutingContext ctx) {
    message(ctx, 404, "Not found", "There is no such page, or it is not yours to see.");
  }

  private void refused(RoutingContext ctx) {
    message(ctx, 403, "Refused", "The request did not carry this session's CSRF token.");
  }

  private void message(RoutingContext ctx, int status, String heading, String text) {
    WebSession s = ctx.get("session");
    if (s == null) {
      plain(ctx, status, text);
      return;
    }
    templates.send(
        ctx,
        status,
        "portal/message.jte",
        new MessagePage(chrome(ctx, heading, "", ""), heading, text));
  }

  private static void plain(RoutingContext ctx, int status, String text) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(text);
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
  }

  private void failed(RoutingContext ctx, Throwable failure) {
    if (failure instanceof NotFoundException) {
      notFound(ctx);
      return;
    }
    if (storeDown.test(failure)) {
      storeDown(ctx, failure);
      return;
    }
    LOG.atError()
        .setCause(failure)
        .addKeyValue("path", ctx.normalizedPath())
        .log("portal page failed");
    message(ctx, 500, "Something went wrong", "The page could not be shown; the log has details.");
  }

  /** Runs the work on a worker as the signed-in developer, then its rendering on the loop. */
  private void blocking(RoutingContext ctx, Callable<Runnable> work) {
    String actor = session(ctx).username();
    vertx
        .executeBlocking(() -> Actor.call(actor, work), false)
        .onSuccess(Runnable::run)
        .onFailure(failure -> failed(ctx, failure));
  }
}
