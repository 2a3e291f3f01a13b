package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.web.Browser;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;

/**
 * The Manager in a real browser (Debian's Chromium, headless) against a real node: the seed's use
 * case 1 done entirely in the Manager, sign-in refusals, a viewer, a forged cross-site POST, two
 * admins saving the same API, no console errors; and a screenshot of every screen in both themes
 * into target/manager-screenshots/, or into the directory named by the system property {@code
 * portcullis.screenshots} ({@code mvn verify -Dportcullis.screenshots=docs/manager} refreshes the
 * documentation's pictures), so that a test run never changes the work tree.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerBrowserE2ETest {
  static final String VIEWER_PASSWORD = "viewer-password-1";
  static final String APP_SECRET = "photo-app-secret-1";
  static final Path SHOTS =
      Path.of(System.getProperty("portcullis.screenshots", "target/manager-screenshots"));
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node =
        RunningNode.start(
            RunningNode.configFile("manager.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of("VIEWER_PASSWORD", VIEWER_PASSWORD));
    browser = new Browser("http://127.0.0.1:" + node.node().adminPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  @Order(1)
  void signInWhenPasswordWrongThenRefusedWithAMessage() {
    browser.open("/");
    browser.waitForPath("/login");
    shoot("login");
    browser.driver().manage().addCookie(new Cookie("portcullis_theme", "dark", "/"));
    browser.open("/login");
    assertThat(browser.find("html").getAttribute("data-theme")).isEqualTo("dark");
    shoot("login", "dark");
    browser.driver().manage().deleteCookieNamed("portcullis_theme");
    browser.open("/login");
    signIn("admin", "not-the-password");
    assertThat(browser.waitFor("#login-error").getText()).contains("username or password is wrong");
    assertThat(browser.path()).startsWith("/login");
    assertThat(browser.driver().manage().getCookieNamed("portcullis_session")).isNull();
    assertOnlyRefusalsLogged(401);
  }

  @Test
  @Order(2)
  void useCaseOneWhenDoneInTheManagerThenTheJwtCallsTheApi() {
    signIn("admin", RunningNode.ADMIN_PASSWORD);
    browser.waitForPath("/ui/dashboard");
    browser.open("/ui/apis");
    assertThat(browser.text()).contains("No apis yet");
    Cookie session = browser.driver().manage().getCookieNamed("portcullis_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");

    // 1. the API, with Identify & Authorize by JWT on registered applications
    browser.find("a.button.primary").click();
    browser.waitForPath("/ui/new/apis");
    browser.type("#f-name", "photos");
    browser.type("#f-version", "v1");
    browser.type("#f-basePath", "/photos/v1");
    browser.type("#f-upstream", "http://127.0.0.1:" + upstream.port());
    browser.check("input[name='identifyAndAuthorize.methods'][value='JWT']", true);
    browser.find("#f-identifyAndAuthorize-applicationLookup").sendKeys("REGISTERED");
    browser.check("#f-identifyAndAuthorize-allowAnonymous", false);
    shoot("api-new");
    browser.find("button[value='save']").click();
    browser.waitForPath("/ui/apis/photos/v1");
    assertThat(browser.find(".flash").getText()).contains("Created");
    assertThat(browser.find("#status-chip").getText()).isEqualTo("inactive");

    // 2. the application, identified by its claim sub, associated with the API
    browser.open("/ui/new/applications");
    browser.type("#f-name", "photo-app");
    browser.type("#f-identifiers", "sub=photo-app");
    browser.type("#f-apis", "photos/v1");
    browser.type("#f-clientSecret", APP_SECRET);
    browser.find("button[value='save']").click();
    browser.waitForPath("/ui/applications/photo-app");
    assertThat(browser.find(".flash").getText()).contains("Created");
    shoot("application-edit");

    // 3. activate, after a confirmation naming the application that uses it
    browser.open("/ui/apis/photos/v1");
    browser.find("a[href$='confirm=activate']").click();
    browser.waitFor(".dialog");
    assertThat(browser.text()).contains("1 application uses this API: photo-app");
    assertThat(browser.find("#consequences").getText())
        .contains("No calls reached this API in the last 24 hours.");
    shoot("api-activate-confirm");
    browser.find("button[value='activate']").click();
    browser.waitForPath("/ui/apis/photos/v1");
    assertThat(browser.find("#status-chip").getText()).isEqualTo("active");
    shoot("api-edit");

    // 4. a JWT from /oauth2/jwt calls the API
    HttpResponse<String> jwt =
        RunningNode.send(
            node.gateway("/oauth2/jwt")
                .header("Authorization", RunningNode.basic("photo-app", APP_SECRET))
                .GET()
                .build());
    assertThat(jwt.statusCode()).as(jwt.body()).isEqualTo(200);
    String token = json(jwt.body()).get("jwt").asText();
    HttpResponse<String> call = node.getWithBearer("/photos/v1/albums", token);
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    HttpResponse<String> anonymous = node.get("/photos/v1/albums");
    assertThat(anonymous.statusCode()).isEqualTo(401);

    browser.open("/ui/apis");
    assertThat(browser.find("table.list").getText()).contains("photos", "/photos/v1", "JWT");
    shoot("apis");
    browser.open("/ui/applications");
    shoot("applications");
  }

  @Test
  @Order(3)
  void saveWhenValuesInvalidThenErrorsNextToTheFields() {
    browser.open("/ui/new/apis");
    browser.type("#f-name", "bad");
    browser.type("#f-version", "v1");
    browser.type("#f-basePath", "no-slash");
    browser.type("#f-upstream", "ftp://example");
    browser.find("button[value='save']").click();
    browser.waitFor("#errors");
    assertThat(browser.find("#f-basePath-error").getText()).isNotBlank();
    assertThat(browser.find("#f-upstream-error").getText()).isNotBlank();
    shoot("api-validation");
    assertOnlyRefusalsLogged(400);
    assertThat(node.admin("GET", "/apis/bad/v1", null).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void saveWhenAnotherSessionSavedFirstThenRefusedAndTheCurrentValuesShown() throws Exception {
    browser.open("/ui/apis/photos/v1");
    String before = browser.find("input[name='_version']").getAttribute("value");

    // A second administrator, in another session, saves first.
    FormSession other = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    String page = other.get("/ui/apis/photos/v1").body();
    Form form = other.formOf(page);
    form.put("timeouts.response", "12345");
    HttpResponse<String> saved = other.post("/ui/apis/photos/v1", form);
    assertThat(saved.statusCode()).isEqualTo(303);

    browser.type("#f-timeouts-connect", "2222");
    browser.find("button[value='save']").click();
    browser.waitFor("#conflict");
    assertThat(browser.find("#conflict").getText()).contains("someone else changed this API");
    assertThat(browser.find("#f-timeouts-response").getAttribute("value")).isEqualTo("12345");
    assertThat(browser.find("input[name='_version']").getAttribute("value")).isNotEqualTo(before);
    // What differs between the refused form and what is stored now, field by field.
    List<String> differences =
        browser.all("#differences tbody tr").stream().map(e -> e.getText()).toList();
    assertThat(differences)
        .hasSize(2)
        .anySatisfy(d -> assertThat(d).startsWith("Connect timeout (ms)").contains("2222"))
        .anySatisfy(d -> assertThat(d).startsWith("Response timeout (ms)").endsWith("12345"));
    shoot("api-conflict");
    assertOnlyRefusalsLogged(412);
    HttpResponse<String> api = node.admin("GET", "/apis/photos/v1", null);
    assertThat(json(api.body()).at("/timeouts/connect").asLong()).isNotEqualTo(2222);
  }

  @Test
  @Order(4)
  void saveWhenAScopeChangedMeanwhileThenRefusedWithTheDifferenceShown() {
    String scope = "/ui/scopes/https%3A%2F%2Fe2e.example%2Fphotos";
    browser.open(scope);
    browser.type("#f-description", "mine");

    FormSession other = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    Form form = other.formOf(other.get(scope).body());
    assertThat(form.values).containsKey("_version");
    form.put("description", "theirs");
    assertThat(other.post(scope, form).statusCode()).isEqualTo(303);

    browser.find("button[value='save']").click();
    browser.waitFor("#conflict");
    assertThat(browser.find("#conflict").getText()).contains("someone else changed this scope");
    assertThat(browser.find("#f-description").getAttribute("value")).isEqualTo("theirs");
    assertThat(browser.find("#differences tbody").getText()).contains("Description mine theirs");
    assertOnlyRefusalsLogged(412);
    // Saved again from the current values, it goes through.
    browser.type("#f-description", "read the photo album");
    browser.find("button[value='save']").click();
    browser.waitFor(".flash");
    assertThat(browser.find(".flash").getText()).startsWith("Saved: scope");
  }

  @Test
  @Order(4)
  void editFormsWhenOfAnyKindThenCarryTheEntityVersion() {
    FormSession admin = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    for (String page :
        List.of(
            "/ui/apis/photos/v1",
            "/ui/applications/photo-app",
            "/ui/authorization-servers/local",
            "/ui/authorization-servers/partner-idp",
            "/ui/users/vera",
            "/ui/scopes/https%3A%2F%2Fe2e.example%2Fphotos")) {
      Form form = admin.formOf(admin.get(page).body());
      assertThat(form.values.get("_version")).as(page).singleElement().asString().isNotBlank();
    }
  }

  @Test
  @Order(5)
  void forgedCrossSitePostWhenNoCsrfTokenThenNothingChanges() throws Exception {
    FormSession admin = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    Form form = admin.formOf(admin.get("/ui/apis/photos/v1").body());
    form.remove("_csrf");
    form.put("_action", "deactivate");
    HttpResponse<String> forged =
        admin.post("/ui/apis/photos/v1", form, "Origin", "https://evil.example");
    assertThat(forged.statusCode()).isEqualTo(403);
    form.put("_csrf", "a-guessed-token");
    assertThat(admin.post("/ui/apis/photos/v1", form).statusCode()).isEqualTo(403);
    assertThat(json(node.admin("GET", "/apis/photos/v1", null).body()).get("active").asBoolean())
        .isTrue();
  }

  @Test
  @Order(6)
  void viewerWhenSignedInThenSeesNoFormsAndAPostIsRefused() throws Exception {
    FormSession viewer = FormSession.signIn(node, "vera", VIEWER_PASSWORD);
    String page = viewer.get("/ui/apis/photos/v1").body();
    assertThat(page).contains("<fieldset disabled>").doesNotContain("value=\"save\"");
    assertThat(page).doesNotContain("confirm=deactivate");
    Form form = viewer.formOf(page);
    form.put("_action", "deactivate");
    HttpResponse<String> refused = viewer.post("/ui/apis/photos/v1", form);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("viewer");
    assertThat(json(node.admin("GET", "/apis/photos/v1", null).body()).get("active").asBoolean())
        .isTrue();
    // The viewer may not use the admin REST API either.
    assertThat(node.adminAs("vera", VIEWER_PASSWORD, "GET", "/apis", null).statusCode())
        .isEqualTo(403);
  }

  @Test
  @Order(7)
  void signInWhenFormLargerThanItsLimitThenRefusedWith413() {
    // The sign-in form is decoded on the admin port's event loop: its size is capped at 8 KiB.
    String form = "username=admin&password=" + "a".repeat(9 * 1024);
    HttpResponse<String> answer =
        RunningNode.send(
            HttpRequest.newBuilder(node.adminUri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(form))
                .build());
    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(answer.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.toLowerCase(java.util.Locale.ROOT).contains("session"));
  }

  @Test
  @Order(7)
  void pagesWhenServedThenCarryTheSecurityHeaders() {
    HttpResponse<String> login =
        RunningNode.send(HttpRequest.newBuilder(node.adminUri("/login")).GET().build());
    assertThat(login.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
        .doesNotContain("unsafe");
    assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    HttpResponse<String> css =
        RunningNode.send(
            HttpRequest.newBuilder(node.adminUri("/assets/manager.css")).GET().build());
    assertThat(css.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age");
    // The admin REST API keeps its paths and its Basic authentication.
    HttpResponse<String> rest =
        RunningNode.send(HttpRequest.newBuilder(node.adminUri("/apis")).GET().build());
    assertThat(rest.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(8)
  void trafficWhenCallsWentThroughTheGatewayThenDashboardAndTransactionsShowThem()
      throws Exception {
    // Use case 1 made one call with the JWT (200) and one without (401); 55 more without, so that
    // the transactions screen has a second page.
    long accepted = node.node().transactionRecords().accepted();
    for (int i = 0; i < 55; i++) {
      assertThat(node.get("/photos/v1/albums").statusCode()).isEqualTo(401);
    }
    // A call's record is queued when its response has ended, which its client may see first: a
    // flush at once could leave the last call out (56 of 57).
    node.flushRecords(accepted + 55);
    long requests =
        json(node.admin("GET", "/analytics/summary", null).body()).get("requests").asLong();
    int ofTheApi =
        json(node.admin("GET", "/transactions?api=photos/v1&limit=1000", null).body())
            .get("items")
            .size();
    assertThat(ofTheApi).isEqualTo(57);

    browser.open("/ui/dashboard?range=1h");
    assertThat(browser.all(".figure-value").get(0).getText()).isEqualTo(Long.toString(requests));
    assertThat(browser.all(".figure-label").get(0).getText()).isEqualTo("Requests");
    assertThat(browser.find("#top-apis").getText()).contains("photos/v1", "57");
    assertThat(browser.find("#top-applications").getText()).contains("photo-app");
    assertThat(browser.all("#requests-chart a")).isNotEmpty();
    assertThat(browser.all("#latency-chart polyline.p95").get(0).getAttribute("points"))
        .isNotBlank();

    // A row of the top APIs opens that API's transactions, newest first, 50 to a page.
    browser.find("#top-apis a").click();
    browser.waitForPath("/ui/transactions?");
    assertThat(browser.find("#api").getAttribute("value")).isEqualTo("photos/v1");
    List<String> statuses =
        browser.all("#transactions tbody td .chip").stream().map(e -> e.getText()).toList();
    assertThat(statuses).hasSize(50).containsOnly("401");
    assertThat(browser.find("#transactions").getText())
        .contains("GET", "/photos/v1/albums", "photos/v1");
    browser.find("#older").click();
    browser.waitFor("#transactions");
    statuses = browser.all("#transactions tbody td .chip").stream().map(e -> e.getText()).toList();
    assertThat(statuses).hasSize(7).contains("200", "401");
    assertThat(browser.find("#transactions").getText()).contains("photo-app", "JWT");
    assertThat(browser.all("#older")).isEmpty();

    // Filtering by status, in the URL, without JavaScript needed.
    browser.open("/ui/transactions?api=photos/v1&status=200");
    statuses = browser.all("#transactions tbody td .chip").stream().map(e -> e.getText()).toList();
    assertThat(statuses).containsExactly("200");
    browser.open("/ui/transactions?status=abc");
    assertThat(browser.find("#filter-error").getText()).contains("status", "abc");
    assertOnlyRefusalsLogged(400);

    // Export CSV: the same rows as the admin API's CSV of the same filter, with the session cookie.
    FormSession admin = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    String range =
        "from="
            + java.time.Instant.now().minus(Duration.ofHours(1))
            + "&to="
            + java.time.Instant.now().plus(Duration.ofMinutes(1));
    HttpResponse<String> csv = admin.get("/ui/transactions.csv?api=photos/v1&" + range);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines[0]).startsWith("id,time,node,method,path");
    assertThat(lines).hasSize(58);
    assertThat(csv.body())
        .isEqualTo(
            node.admin("GET", "/transactions?format=csv&api=photos/v1&" + range, null).body());
    browser.open("/ui/transactions?api=photos/v1");
    assertThat(browser.find("#export-csv").getAttribute("href"))
        .endsWith("/ui/transactions.csv?api=photos%2Fv1");
    // Filters the screen does not understand are refused, naming them.
    for (String[] bad :
        new String[][] {
          {"/ui/transactions?from=yesterday", "from"},
          {"/ui/transactions?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "before to"},
          {"/ui/transactions?cursor=not-a-cursor", "cursor"},
          {"/ui/transactions.csv?status=999", "status"}
        }) {
      HttpResponse<String> refused = admin.get(bad[0]);
      assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(refused.body()).as(bad[0]).contains(bad[1]);
    }
    // Without a session the export is not served.
    HttpResponse<String> anonymous =
        RunningNode.send(
            HttpRequest.newBuilder(node.adminUri("/ui/transactions.csv")).GET().build());
    assertThat(anonymous.statusCode()).isEqualTo(303);

    // A viewer sees both screens.
    FormSession viewer = FormSession.signIn(node, "vera", VIEWER_PASSWORD);
    assertThat(viewer.get("/ui/dashboard").body()).contains("photos/v1");
    assertThat(viewer.get("/ui/transactions?api=photos/v1").body()).contains("/photos/v1/albums");
    assertThat(viewer.get("/ui/transactions.csv?api=photos/v1").statusCode()).isEqualTo(200);

    // The open dashboard refreshes itself: a new call appears without a reload.
    browser.open("/ui/dashboard?range=15m");
    String before = requestsFigure();
    long acceptedBefore = node.node().transactionRecords().accepted();
    assertThat(node.get("/no-such-api").statusCode()).isEqualTo(404);
    node.flushRecords(acceptedBefore + 1);
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (requestsFigure().equals(before) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertThat(Long.parseLong(requestsFigure())).isGreaterThan(Long.parseLong(before));
    assertThat(browser.path()).isEqualTo("/ui/dashboard?range=15m");
  }

  @Test
  @Order(9)
  void deactivateWhenAskedThenTheApplicationsAndTheLastDayOfCallsShownFirst() {
    String day = "from=" + java.time.Instant.now().minus(Duration.ofHours(24)) + "&api=photos/v1";
    JsonNode summary = json(node.admin("GET", "/analytics/summary?" + day, null).body());
    long requests = summary.get("requests").asLong();
    long errors = summary.get("errors").asLong();
    assertThat(requests).isGreaterThanOrEqualTo(57);

    browser.open("/ui/apis/photos/v1");
    browser.find("a[href$='confirm=deactivate']").click();
    browser.waitFor(".dialog");
    assertThat(browser.find("#consequences").getText())
        .contains("1 application uses this API: photo-app")
        .contains(
            "In the last 24 hours this API answered "
                + requests
                + " calls, "
                + errors
                + " errors ("
                + Math.round(100.0 * errors / requests)
                + "%); from now on such calls get 404.");
    shoot("api-deactivate-confirm");
    // The calls it names are a click away; nothing was changed by looking.
    browser.find("#confirm-link").click();
    browser.waitForPath("/ui/transactions?");
    assertThat(browser.find("#api").getAttribute("value")).isEqualTo("photos/v1");
    assertThat(json(node.admin("GET", "/apis/photos/v1", null).body()).get("active").asBoolean())
        .isTrue();
  }

  @Test
  @Order(10)
  void liveTokensWhenRevokedInTheManagerThenRefusedEverywhereAndAudited() throws Exception {
    String first = clientCredentialsToken();
    String second = clientCredentialsToken();
    List<String> ids = new ArrayList<>();
    json(node.admin("GET", "/applications/photo-app/tokens", null).body())
        .forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).hasSize(2);

    browser.driver().manage().addCookie(new Cookie("portcullis_theme", "light", "/"));
    browser.open("/ui/applications/photo-app");
    List<String> shown =
        browser.all("#live-tokens tbody tr code").stream().map(e -> e.getText()).toList();
    assertThat(shown).containsExactlyInAnyOrderElementsOf(ids);
    // Client-credentials tokens have no subject.
    assertThat(browser.find("#live-tokens").getText()).contains("access", "UTC", "Revoke…");
    assertThat(browser.driver().getPageSource()).doesNotContain(first).doesNotContain(second);
    browser.screenshotAt("#tokens", SHOTS.resolve("application-tokens-light.png"));
    String id = shown.get(0);

    // A viewer sees the tokens but cannot revoke one; nor can a POST without the CSRF token.
    FormSession viewer = FormSession.signIn(node, "vera", VIEWER_PASSWORD);
    String page = viewer.get("/ui/applications/photo-app").body();
    assertThat(page).contains(id).doesNotContain("confirm=revoke");
    Form revoke = new Form();
    revoke.put("_csrf", FormSession.csrf(page));
    revoke.put("_action", "revoke");
    revoke.put("token", id);
    HttpResponse<String> refused = viewer.post("/ui/applications/photo-app", revoke);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("viewer");
    FormSession admin = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    revoke.remove("_csrf");
    assertThat(admin.post("/ui/applications/photo-app", revoke).statusCode()).isEqualTo(403);
    assertThat(tokenStates()).containsEntry(id, "active");

    // The admin revokes it after a confirmation that names it.
    browser.find("#live-tokens a[href$='token=" + id + "']").click();
    browser.waitFor(".dialog");
    assertThat(browser.find("#confirm-title").getText())
        .isEqualTo("Revoke token " + id + " of application photo-app?");
    assertThat(browser.find("#confirm-fields").getText()).contains(id, "access");
    shoot("application-token-revoke-confirm");
    browser.find("button[value='revoke']").click();
    browser.waitFor(".flash");
    assertThat(browser.find(".flash").getText()).isEqualTo("Revoked: access token " + id);
    assertThat(browser.all("#live-tokens tbody tr code").stream().map(e -> e.getText()))
        .containsExactly(ids.get(ids.get(0).equals(id) ? 1 : 0));
    assertThat(tokenStates()).containsEntry(id, "revoked");
    String revokedToken = introspect(first).get("active").asBoolean() ? second : first;
    assertThat(introspect(revokedToken).get("active").asBoolean()).isFalse();
    assertThat(introspect(revokedToken.equals(first) ? second : first).get("active").asBoolean())
        .isTrue();

    // Revoking it again, or a malformed id, changes nothing and says why.
    Form again = new Form();
    again.put("_csrf", FormSession.csrf(admin.get("/ui/applications/photo-app").body()));
    again.put("_action", "revoke");
    again.put("token", id);
    HttpResponse<String> gone = admin.post("/ui/applications/photo-app", again);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("no live token " + id);
    again.put("token", "<script>");
    HttpResponse<String> bad = admin.post("/ui/applications/photo-app", again);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("token: expected the id of a token");

    // The audit log names who revoked which token.
    browser.open("/ui/audit?entity=applications/photo-app/tokens");
    assertThat(browser.find("table.audit").getText())
        .contains("admin", "revoke", "applications/photo-app/tokens/" + id, "revoked");
    JsonNode audit =
        json(node.admin("GET", "/audit?entity=applications/photo-app/tokens", null).body());
    assertThat(audit.at("/items/0/action").asText()).isEqualTo("revoke");
    assertThat(audit.at("/items/0/after/state").asText()).isEqualTo("revoked");
    assertThat(audit.toString()).doesNotContain(first).doesNotContain(second);
  }

  @Test
  @Order(11)
  void saveWhenFormLargerThanItsLimitThenRefusedWith413AndNothingChanged() {
    FormSession admin = FormSession.signIn(node, "admin", RunningNode.ADMIN_PASSWORD);
    Form form = admin.formOf(admin.get("/ui/apis/photos/v1").body());
    String version = form.values.get("_version").get(0);
    form.put("basePath", "/photos/v2");
    form.put("upstream", "http://127.0.0.1:1/" + "a".repeat(257 * 1024));
    HttpResponse<String> answer = admin.post("/ui/apis/photos/v1", form);
    assertThat(answer.statusCode()).isEqualTo(413);
    HttpResponse<String> api = node.admin("GET", "/apis/photos/v1", null);
    assertThat(json(api.body()).get("basePath").asText()).isEqualTo("/photos/v1");
    assertThat(api.headers().firstValue("ETag")).hasValue("\"" + version + "\"");
  }

  @Test
  @Order(70)
  void rotateWhenConfirmedThenANewActiveKeyAndTheOldOneStillPublished() {
    browser.open("/ui/authorization-servers/local");
    assertThat(browser.all("#signing-keys tbody tr")).hasSize(1);
    String before = browser.find("#signing-keys tbody tr code").getText();
    browser.find("a[href$='confirm=rotate']").click();
    browser.waitFor(".dialog");
    assertThat(browser.text()).contains("Rotate the signing key of local?");
    shoot("authorization-server-rotate-confirm");
    browser.find("button[value='rotate']").click();
    browser.waitFor(".flash");
    assertThat(browser.find(".flash").getText()).startsWith("Rotated: the new active signing key");
    assertThat(browser.all("#signing-keys tbody tr")).hasSize(2);
    assertThat(browser.find("#signing-keys tbody tr code").getText()).isNotEqualTo(before);
    HttpResponse<String> jwks = node.get("/oauth2/jwks");
    assertThat(json(jwks.body()).get("keys")).hasSize(2);

    browser.open("/ui/authorization-servers/partner-idp?confirm=flush");
    browser.find("button[value='flush']").click();
    browser.waitFor(".flash");
    assertThat(browser.find(".flash").getText()).containsAnyOf("Flushed", "Nothing to flush");
  }

  @Test
  @Order(80)
  void everyScreenWhenShownInBothThemesThenNoConsoleErrors() {
    List<String> screens =
        List.of(
            "/ui/dashboard",
            "/ui/transactions",
            "/ui/apis",
            "/ui/apis/photos/v1",
            "/ui/applications",
            "/ui/applications/photo-app",
            "/ui/authorization-servers",
            "/ui/authorization-servers/local",
            "/ui/authorization-servers/partner-idp",
            "/ui/users",
            "/ui/scopes",
            "/ui/access-requests",
            "/ui/audit");
    // The theme switch in the top bar, then the cookie it sets for the rest.
    browser.open("/ui/apis");
    browser.find("#theme-choice").sendKeys("Dark");
    browser.find(".theme button").click();
    browser.waitFor("html[data-theme='dark']");
    for (String theme : List.of("dark", "light")) {
      browser.driver().manage().addCookie(new Cookie("portcullis_theme", theme, "/"));
      for (String screen : screens) {
        browser.open(screen);
        assertThat(browser.find("html").getAttribute("data-theme")).isEqualTo(theme);
        shoot(screen.substring(4).replace('/', '-'), theme);
      }
    }
    browser.open("/ui/apis?q=pho&status=active");
    assertThat(browser.find("table.list").getText()).contains("photos");
    // The search box filters as one types (htmx, under the CSP) and keeps the filter in the URL.
    browser.type("#q", "zzz");
    browser.waitFor("#rows .empty");
    assertThat(browser.find("#rows .empty").getText()).contains("Nothing matches this search");
    browser.waitForPath("/ui/apis?q=zzz");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  @Order(85)
  void dashboardWhenOnALaptopOrAWideScreenThenChartsAndTopTablesInView() {
    browser.driver().manage().addCookie(new Cookie("portcullis_theme", "light", "/"));
    try {
      for (int[] size : new int[][] {{1280, 800}, {1920, 1080}}) {
        browser.resize(size[0], size[1]);
        browser.open("/ui/dashboard?range=1h");
        // The two charts share a row, so the top tables start above the fold.
        int requestsTop = browser.find("#requests-chart").getRect().getY();
        int latencyTop = browser.find("#latency-chart").getRect().getY();
        assertThat(latencyTop).isEqualTo(requestsTop);
        assertThat(browser.aboveTheFold("#top-apis")).as("top APIs at %s", size[0]).isTrue();
        shoot("dashboard-" + size[0] + "x" + size[1]);
      }
      // A form on a wide screen keeps its inputs at a readable width.
      browser.open("/ui/apis/photos/v1");
      assertThat(browser.find("#f-basePath").getRect().getWidth()).isLessThan(1000);
      shoot("apis-photos-v1-1920x1080");
    } finally {
      browser.resize(1280, 800);
    }
  }

  @Test
  @Order(90)
  void auditLogWhenChangesWereMadeThenShowsWhoChangedWhatBeforeAndAfter() {
    browser.driver().manage().addCookie(new Cookie("portcullis_theme", "light", "/"));
    browser.open("/ui/audit?entity=apis/photos/v1");
    String table = browser.find("table.audit").getText();
    assertThat(table).contains("admin", "update", "apis/photos/v1", "timeouts.response", "12345");
    assertThat(table).contains("create");
    shoot("audit", "light");
    browser.driver().manage().addCookie(new Cookie("portcullis_theme", "dark", "/"));
    browser.open("/ui/audit");
    shoot("audit", "dark");

    // The same log in the admin API: every door, secrets masked.
    JsonNode all = json(node.admin("GET", "/audit?limit=500", null).body());
    List<JsonNode> items = new ArrayList<>();
    all.get("items").forEach(items::add);
    assertThat(items)
        .anySatisfy(
            i -> {
              assertThat(i.get("actor").asText()).isEqualTo("config-file");
              assertThat(i.get("entity").asText()).isEqualTo("users/vera");
              assertThat(i.at("/after/passwordHash").asText()).isEqualTo("***");
            });
    assertThat(items)
        .anySatisfy(
            i -> {
              assertThat(i.get("entity").asText()).isEqualTo("applications/photo-app");
              assertThat(i.get("action").asText()).isEqualTo("create");
              assertThat(i.get("actor").asText()).isEqualTo("admin");
              assertThat(i.at("/after/clientSecretHash").asText()).isEqualTo("***");
            });
    assertThat(all.toString()).doesNotContain("pbkdf2");
    JsonNode page =
        json(node.admin("GET", "/audit?entity=apis/photos/v1&actor=admin&limit=1", null).body());
    assertThat(page.get("items")).hasSize(1);
    assertThat(page.get("next").asText()).isNotBlank();
    JsonNode older =
        json(
            node.admin(
                    "GET",
                    "/audit?entity=apis/photos/v1&actor=admin&limit=1&cursor="
                        + page.get("next").asText(),
                    null)
                .body());
    assertThat(older.at("/items/0/time").asText())
        .isLessThanOrEqualTo(page.at("/items/0/time").asText());
    HttpResponse<String> bad = node.admin("GET", "/audit?from=yesterday", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("from");
  }

  @Test
  @Order(100)
  void signOutWhenDoneThenTheSessionNoLongerOpensPages() {
    browser.find("form[action='/logout'] button").click();
    browser.waitForPath("/login");
    browser.open("/ui/apis");
    browser.waitForPath("/login");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  @Order(110)
  void signInWhenFailedFiveTimesThenRefusedEvenWithTheRightPassword() {
    for (int i = 0; i < 5; i++) {
      assertThat(FormSession.attempt(node, "vera", "wrong-" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = FormSession.attempt(node, "vera", VIEWER_PASSWORD);
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("Too many failed sign-ins");
    assertThat(throttled.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.startsWith("portcullis_session="));
  }

  // ---------------------------------------------------------------- helpers

  /** The dashboard's request count; read again when a refresh replaced the element meanwhile. */
  static String requestsFigure() {
    for (int attempt = 0; ; attempt++) {
      try {
        return browser.all(".figure-value").get(0).getText();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 5) throw e;
      }
    }
  }

  /** A client-credentials access token of photo-app from the token endpoint. */
  static String clientCredentialsToken() {
    HttpResponse<String> answer =
        RunningNode.send(
            node.gateway("/oauth2/token")
                .header("Authorization", RunningNode.basic("photo-app", APP_SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("grant_type=client_credentials"))
                .build());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer.body()).get("access_token").asText();
  }

  /** The introspection of a token, as photo-app asks it. */
  static JsonNode introspect(String token) {
    HttpResponse<String> answer =
        RunningNode.send(
            node.gateway("/oauth2/introspect")
                .header("Authorization", RunningNode.basic("photo-app", APP_SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("token=" + token))
                .build());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer.body());
  }

  /** Each of photo-app's tokens' state, by id, as the admin API lists them. */
  static Map<String, String> tokenStates() {
    Map<String, String> states = new LinkedHashMap<>();
    json(node.admin("GET", "/applications/photo-app/tokens", null).body())
        .forEach(t -> states.put(t.get("id").asText(), t.get("state").asText()));
    return states;
  }

  static void signIn(String user, String password) {
    browser.open("/login");
    browser.type("#username", user);
    browser.type("#password", password);
    browser.find("button[type='submit']").click();
  }

  /**
   * Chrome logs a page answered with an error status as a console error; after a deliberate refusal
   * exactly those entries, and nothing else, may be there.
   */
  static void assertOnlyRefusalsLogged(int status) {
    assertThat(browser.consoleErrors())
        .allMatch(e -> e.contains("the server responded with a status of " + status));
  }

  static void shoot(String name) {
    String theme = browser.find("html").getAttribute("data-theme");
    shoot(name, theme.equals("system") ? "light" : theme);
  }

  static void shoot(String name, String theme) {
    browser.screenshot(SHOTS.resolve(name + "-" + theme + ".png"));
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException(body, e);
    }
  }

  /** A signed-in Manager session driven with plain HTTP, as another browser (or an attacker). */
  static final class FormSession {
    private static final Pattern INPUT =
        Pattern.compile("<input type=\"hidden\" name=\"(_csrf|_version)\" value=\"([^\"]*)\"");
    private static final Pattern FIELD =
        Pattern.compile(
            "<input type=\"(?:text|number)\" id=\"[^\"]*\" name=\"([^\"]+)\" value=\"([^\"]*)\"");
    private final RunningNode node;
    private final String cookie;

    private FormSession(RunningNode node, String cookie) {
      this.node = node;
      this.cookie = cookie;
    }

    static FormSession signIn(RunningNode node, String user, String password) {
      HttpResponse<String> answer = attempt(node, user, password);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
      return new FormSession(node, "portcullis_session=" + cookieOf(answer, "portcullis_session"));
    }

    /** One sign-in through the form: the page, its token and cookie, then the POST. */
    static HttpResponse<String> attempt(RunningNode node, String user, String password) {
      HttpResponse<String> page =
          RunningNode.send(HttpRequest.newBuilder(node.adminUri("/login")).GET().build());
      String login = cookieOf(page, "portcullis_login");
      Matcher token = INPUT.matcher(page.body());
      assertThat(token.find()).isTrue();
      Form form = new Form();
      form.put("_csrf", token.group(2));
      form.put("username", user);
      form.put("password", password);
      HttpResponse<String> answer =
          RunningNode.send(
              HttpRequest.newBuilder(node.adminUri("/login"))
                  .header("Cookie", "portcullis_login=" + login)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .timeout(Duration.ofSeconds(30))
                  .POST(BodyPublishers.ofString(encode(form)))
                  .build());
      return answer;
    }

    HttpResponse<String> get(String path) {
      return RunningNode.send(
          HttpRequest.newBuilder(node.adminUri(path)).header("Cookie", cookie).GET().build());
    }

    HttpResponse<String> post(String path, Form form, String... headers) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(node.adminUri(path))
              .header("Cookie", cookie)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .timeout(Duration.ofSeconds(30))
              .POST(BodyPublishers.ofString(encode(form)));
      for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
      return RunningNode.send(request.build());
    }

    /** The page's CSRF token, as its forms carry it. */
    static String csrf(String page) {
      Matcher hidden = INPUT.matcher(page);
      assertThat(hidden.find()).isTrue();
      return hidden.group(2);
    }

    /** What the page's entity form would submit: tokens, inputs, text areas, checked boxes. */
    Form formOf(String page) {
      Form form = new Form();
      Matcher hidden = INPUT.matcher(page.substring(page.indexOf("class=\"entity\"")));
      while (hidden.find()) form.put(hidden.group(1), unescape(hidden.group(2)));
      Matcher field = FIELD.matcher(page);
      while (field.find()) form.put(field.group(1), unescape(field.group(2)));
      Matcher textarea =
          Pattern.compile("<textarea id=\"[^\"]*\" name=\"([^\"]+)\"[^>]*>([^<]*)</textarea>")
              .matcher(page);
      while (textarea.find()) form.put(textarea.group(1), unescape(textarea.group(2)));
      Matcher checked =
          Pattern.compile(
                  "<input type=\"checkbox\"[^>]*? name=\"([^\"]+)\" value=\"([^\"]*)\" checked")
              .matcher(page);
      while (checked.find()) form.add(checked.group(1), unescape(checked.group(2)));
      return form;
    }

    private static String unescape(String html) {
      return html.replace("&#34;", "\"")
          .replace("&#39;", "'")
          .replace("&lt;", "<")
          .replace("&gt;", ">")
          .replace("&amp;", "&");
    }

    private static String cookieOf(HttpResponse<String> response, String name) {
      List<String> values = new ArrayList<>();
      for (String header : response.headers().allValues("Set-Cookie")) {
        if (header.startsWith(name + "="))
          values.add(header.substring(name.length() + 1).split(";")[0]);
      }
      assertThat(values).as("Set-Cookie " + name).isNotEmpty();
      return values.get(values.size() - 1);
    }

    private static String encode(Form form) {
      return form.values.entrySet().stream()
          .flatMap(
              e ->
                  e.getValue().stream()
                      .map(
                          v ->
                              URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                  + "="
                                  + URLEncoder.encode(v, StandardCharsets.UTF_8)))
          .collect(Collectors.joining("&"));
    }
  }

  /** The fields of a form in order; a name may have several values (checkbox groups). */
  static final class Form {
    final Map<String, List<String>> values = new LinkedHashMap<>();

    void put(String name, String value) {
      values.put(name, new ArrayList<>(List.of(value)));
    }

    void add(String name, String value) {
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    void remove(String name) {
      values.remove(name);
    }
  }
}
