package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.web.Browser;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The developer portal in a real browser (Debian's Chromium, headless) against a real node and a
 * real upstream: the seed's use case 3, steps 5-15, with the seed's words (publish, log in, the
 * gallery, the API, Get access token, Request API access token, Try API, Authorization type JWT,
 * Get token with User name and Password, Update, the Header tab, Send), the same with OAuth 2.0
 * client credentials, with {@code accessRequests: approval} decided in the Manager, and the
 * refusals: another developer's application, a forged CSRF token, an unpublished API. Screenshots
 * of each step go to target/portal-screenshots/, or to the directory named by the system property
 * {@code portcullis.screenshots} (docs/portal for the documentation).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalBrowserE2ETest {
  static final String DANA_PASSWORD = "dana-password-1";
  static final String EVE_PASSWORD = "eve-password-1";
  static final Path SHOTS =
      Path.of(System.getProperty("portcullis.screenshots", "target/portal-screenshots"));
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;
  static Browser browser;
  static String clientId;
  static String clientSecret;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node = startNode(dir.resolve("automatic"), "automatic");
    browser = new Browser("http://127.0.0.1:" + node.node().gatewayPort());
  }

  static RunningNode startNode(Path where, String accessRequests) throws Exception {
    Files.createDirectories(where);
    return RunningNode.start(
        RunningNode.configFile("portal.yaml", where),
        where.resolve("data"),
        null,
        Map.of(
            "DANA_PASSWORD", DANA_PASSWORD,
            "EVE_PASSWORD", EVE_PASSWORD,
            "UPSTREAM", "http://127.0.0.1:" + upstream.port(),
            "ACCESS_REQUESTS", accessRequests));
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
  void loginWhenPasswordWrongThenRefusedWithAMessage() {
    browser.open("/portal/");
    browser.waitForPath("/portal/login");
    shoot("login");
    logIn("dana", "not-the-password");
    assertThat(browser.waitFor("#login-error").getText())
        .contains("user name or password is wrong");
    assertThat(browser.driver().manage().getCookieNamed("portcullis_portal")).isNull();
  }

  @Test
  @Order(2)
  void useCaseThreeWhenWalkedWithJwtThenTheUpstreamSeesTheNewApplication() throws Exception {
    // 6. log in to the portal
    logIn("dana", DANA_PASSWORD);
    browser.waitForPath("/portal/");
    var session = browser.driver().manage().getCookieNamed("portcullis_portal");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getPath()).isEqualTo("/portal");

    // 5, 7. the published API is in the gallery; open it
    assertThat(browser.find("#gallery").getText()).contains("photos", "Albums and photos");
    assertThat(browser.find("#gallery").getText()).doesNotContain("internal");
    shoot("gallery");
    browser.find("#gallery a[href='/portal/apis/photos/v1']").click();
    browser.waitForPath("/portal/apis/photos/v1");
    assertThat(browser.find("#api-title").getText()).isEqualTo("photos");
    assertThat(browser.find("#api-description").getText()).contains("Every call needs a token");
    shoot("api");

    // 8, 9. Get access token → Request API access token with Application name and description
    assertThat(browser.find("#get-access-token").getText()).isEqualTo("Get access token");
    browser.find("#get-access-token").click();
    browser.waitFor("#access-dialog");
    assertThat(browser.find("#dialog-title").getText()).isEqualTo("Request API access token");
    assertThat(browser.find("label[for='app-name']").getText()).isEqualTo("Application name");
    assertThat(browser.find("label[for='app-description']").getText())
        .isEqualTo("Application description");
    browser.type("#app-name", "dana-photos");
    browser.type("#app-description", "Dana's photo frame");
    shoot("request-access-token");
    browser.find("#request-token").click();
    browser.waitFor("#client-secret");
    clientId = browser.find("#client-id").getText();
    clientSecret = browser.find("#client-secret").getText();
    assertThat(clientSecret).hasSizeGreaterThanOrEqualTo(43); // 256 random bits, base64url
    assertThat(browser.find("#access-status").getText()).contains("granted");
    shoot("application-created");

    // the application is created, owned by dana, identified by sub = client id, associated
    JsonNode app = json(node.admin("GET", "/applications/dana-photos", null).body());
    assertThat(app.get("users").toString()).isEqualTo("[\"dana\"]");
    assertThat(app.get("apis").toString()).isEqualTo("[\"photos/v1\"]");
    assertThat(app.get("clientId").asText()).isEqualTo(clientId);
    assertThat(app.get("authorizationServer").asText()).isEqualTo("local");
    assertThat(app.get("identifiers").get(0).get("claims").get("sub").asText()).isEqualTo(clientId);
    JsonNode audit = json(node.admin("GET", "/audit?entity=applications/dana-photos", null).body());
    assertThat(audit.get("items").get(0).get("actor").asText()).isEqualTo("dana");

    // ... and listed on the Applications page
    browser.open("/portal/applications");
    assertThat(browser.find("#applications").getText()).contains("dana-photos", clientId);
    shoot("applications");
    browser.open("/portal/apis/photos/v1");

    // 10, 11, 12. Try API, select the application and the resource
    browser.find("#try-api").click();
    browser.waitForPath("/portal/apis/photos/v1/try");
    select("#application", "dana-photos");
    select("#resource", "0");
    assertThat(browser.find("#path").getAttribute("value")).isEqualTo("/photos/v1/albums");

    // 13, 14. Authorization tab, Authorization type JWT, Get token with User name and Password
    assertThat(browser.find("#tab-authorization").getText()).isEqualTo("Authorization");
    assertThat(browser.find("label[for='auth-type']").getText()).isEqualTo("Authorization type");
    select("#auth-type", "jwt");
    assertThat(browser.find("label[for='jwt-username']").getText()).isEqualTo("User name");
    assertThat(browser.find("label[for='jwt-password']").getText()).isEqualTo("Password");
    browser.type("#jwt-username", "dana");
    browser.type("#jwt-password", DANA_PASSWORD);
    browser.find("#get-token").click();
    browser.waitFor("#token-0");
    assertThat(browser.find("#tokens").getText()).contains("expires in");
    shoot("try-api-token");

    // select a token from the list and click Update: the bearer token is in the Header tab
    browser.find("#token-0").click();
    assertThat(browser.find("#update").getText()).isEqualTo("Update");
    browser.find("#update").click();
    assertThat(browser.find("#panel-header").isDisplayed()).isTrue();
    assertThat(browser.find("#header-name-0").getAttribute("value")).isEqualTo("Authorization");
    assertThat(browser.find("#header-value-0").getAttribute("value")).startsWith("Bearer ey");
    shoot("try-api-header");

    // 15. Send: the response, with the upstream's echo naming the new application
    sendAndExpect(200);
    assertThat(browser.find("#response-body").getText())
        .containsIgnoringCase("x-portcullis-application")
        .contains("dana-photos");
    shoot("try-api-response");

    browser.find("#copy-curl").click();
    assertThat(browser.find("#curl").getText())
        .startsWith("curl -i -X GET")
        .contains("/photos/v1/albums")
        .contains("Authorization: Bearer ");

    browser.open("/portal/applications/dana-photos");
    assertThat(browser.find("#app-requests").getText()).contains("photos/v1", "approved");
    assertThat(browser.all("#keys-panel")).hasSize(1);
    shoot("application");
  }

  @Test
  @Order(3)
  void tryApiWhenOAuthClientCredentialsThenTheCallGoesThrough() {
    browser.open("/portal/apis/photos/v1/try?app=dana-photos");
    select("#auth-type", "oauth2");
    assertThat(browser.find("#client-id").getAttribute("value")).isEqualTo(clientId);
    browser.type("#client-secret", clientSecret);
    browser.find("#get-oauth-token").click();
    browser.waitFor("#token-0");
    assertThat(browser.find("#tokens").getText()).contains("OAuth 2.0 for " + clientId);
    shoot("try-api-oauth2");
    browser.find("#update").click();
    assertThat(browser.find("#header-value-0").getAttribute("value")).startsWith("Bearer ");
    sendAndExpect(200);
    assertThat(browser.find("#response-body").getText()).contains("dana-photos");
  }

  @Test
  @Order(4)
  void anotherDeveloperWhenLookingForTheApplicationThenNeitherSeesNorReachesIt() {
    logOut();
    logIn("eve", EVE_PASSWORD);
    browser.waitForPath("/portal/");
    browser.open("/portal/applications");
    assertThat(browser.text()).doesNotContain("dana-photos");
    browser.open("/portal/applications/dana-photos");
    assertThat(browser.find("#message").getText()).contains("no such page");
    HttpResponse<String> byUrl =
        RunningNode.send(
            node.gateway("/portal/applications/dana-photos")
                .header("Cookie", "portcullis_portal=" + sessionId())
                .GET()
                .build());
    assertThat(byUrl.statusCode()).isEqualTo(404);
    HttpResponse<String> regenerate =
        RunningNode.send(
            node.gateway("/portal/applications/dana-photos/secret")
                .header("Cookie", "portcullis_portal=" + sessionId())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("_csrf=" + csrf()))
                .build());
    assertThat(regenerate.statusCode()).isEqualTo(404);
    browser.open("/portal/apis/photos/v1/try");
    assertThat(browser.find("#application").getText()).doesNotContain("dana-photos");
    assertThat(token(clientId, clientSecret).statusCode()).isEqualTo(200);
    logOut();
  }

  @Test
  @Order(5)
  void regenerateWhenCsrfTokenForgedThenRefusedAndTheSecretUnchanged() {
    logIn("dana", DANA_PASSWORD);
    browser.waitForPath("/portal/");
    browser.open("/portal/applications/dana-photos");
    // The page's own form, with its token replaced: what another site's page could send.
    browser
        .driver()
        .executeScript(
            "document.querySelector('form[action$=\"/secret\"] input[name=_csrf]').value ="
                + " 'forged';");
    browser.find("#regenerate").click();
    browser.waitFor("#message");
    assertThat(browser.find("#message").getText()).contains("CSRF token");
    assertThat(token(clientId, clientSecret).statusCode()).isEqualTo(200);

    // The genuine form regenerates: the new secret works, the old one no longer does.
    browser.open("/portal/applications/dana-photos");
    browser.find("#regenerate").click();
    browser.waitFor("#client-secret");
    String fresh = browser.find("#client-secret").getText();
    assertThat(fresh).isNotEqualTo(clientSecret);
    assertThat(token(clientId, fresh).statusCode()).isEqualTo(200);
    assertThat(token(clientId, clientSecret).statusCode()).isEqualTo(401);
    clientSecret = fresh;
  }

  @Test
  @Order(6)
  void galleryWhenApiUnpublishedThenAbsentAndItsPage404() {
    browser.open("/portal/");
    assertThat(browser.find("#gallery").getText()).doesNotContain("internal");
    for (String path : List.of("/portal/apis/internal/v1", "/portal/apis/internal/v1/try")) {
      HttpResponse<String> page =
          RunningNode.send(
              node.gateway(path)
                  .header("Cookie", "portcullis_portal=" + sessionId())
                  .GET()
                  .build());
      assertThat(page.statusCode()).as(path).isEqualTo(404);
    }
    // Deactivated, a published API leaves the portal too.
    assertThat(node.admin("POST", "/apis/photos/v1/deactivate", "").statusCode()).isLessThan(300);
    browser.open("/portal/");
    assertThat(browser.find("#gallery-empty").getText()).contains("No API is published");
    assertThat(node.admin("POST", "/apis/photos/v1/activate", "").statusCode()).isLessThan(300);
  }

  @Test
  @Order(7)
  void darkThemeWhenChosenThenPagesFollow() {
    browser.open("/portal/");
    browser.chooseTheme("dark");
    shoot("gallery");
    browser.open("/portal/apis/photos/v1");
    shoot("api");
    browser.open("/portal/apis/photos/v1?dialog=access");
    shoot("request-access-token");
    browser.open("/portal/apis/photos/v1/try?app=dana-photos");
    shoot("try-api");
    browser.open("/portal/applications");
    shoot("applications");
    browser.open("/portal/applications/dana-photos");
    shoot("application");
    // The login page has no switch of its own: it follows the choice made while logged in.
    logOut();
    assertThat(browser.find("html").getAttribute("data-theme")).isEqualTo("dark");
    shoot("login");
    logIn("dana", DANA_PASSWORD);
    browser.waitForPath("/portal/");
    browser.chooseTheme("light");
    logOut();
  }

  @Test
  @Order(8)
  void accessRequestsWhenApprovalThenRefusedUntilAnAdminApprovesInTheManager() throws Exception {
    try (RunningNode approval = startNode(dir.resolve("approval"), "approval")) {
      String portal = "http://127.0.0.1:" + approval.node().gatewayPort();
      String manager = "http://127.0.0.1:" + approval.node().adminPort();

      // sign-up by approval: the account waits
      browser.driver().get(portal + "/portal/signup");
      browser.type("#username", "frank");
      browser.type("#password", "frank-password-1");
      browser.type("#confirm", "frank-password-1");
      browser.find("button[type='submit']").click();
      browser.waitFor("#login-notice");
      shoot("sign-up-pending");
      browser.type("#username", "frank");
      browser.type("#password", "frank-password-1");
      browser.find("button[type='submit']").click();
      browser.waitFor("#login-error");

      // the application's access waits too
      browser.driver().get(portal + "/portal/login");
      browser.type("#username", "dana");
      browser.type("#password", DANA_PASSWORD);
      browser.find("button[type='submit']").click();
      browser.waitFor("#gallery");
      browser.driver().get(portal + "/portal/apis/photos/v1?dialog=access");
      browser.type("#app-name", "dana-waits");
      browser.find("#request-token").click();
      browser.waitFor("#client-secret");
      assertThat(browser.find("#access-status").getText()).contains("pending");
      browser.find("#try-api").click();
      browser.waitFor("#console");
      select("#application", "dana-waits");
      browser.type("#jwt-password", DANA_PASSWORD);
      browser.find("#get-token").click();
      browser.waitFor("#token-0");
      browser.find("#update").click();
      sendAndExpect(403);
      shoot("try-api-pending");

      // an administrator approves both in the Manager
      browser.driver().get(manager + "/login");
      browser.type("#username", "admin");
      browser.type("#password", RunningNode.ADMIN_PASSWORD);
      browser.find("button[type='submit']").click();
      browser.waitFor(".sidenav");
      browser.driver().get(manager + "/ui/access-requests");
      assertThat(browser.find("#access-requests").getText()).contains("dana-waits", "photos/v1");
      assertThat(browser.find("#sign-ups").getText()).contains("frank");
      shoot("manager-access-requests");
      browser.find("#access-requests button[id^='approve-']").click();
      browser.waitFor(".flash");
      assertThat(browser.find(".flash").getText()).contains("Approved: dana-waits to photos/v1");
      browser.find("#approve-sign-up-frank").click();
      browser.waitFor(".flash");
      assertThat(browser.find(".flash").getText()).contains("frank");

      // now the call goes through
      browser.driver().get(portal + "/portal/apis/photos/v1/try?app=dana-waits");
      browser.type("#jwt-password", DANA_PASSWORD);
      browser.find("#get-token").click();
      browser.waitFor("#token-0");
      browser.find("#update").click();
      sendAndExpect(200);
      assertThat(browser.find("#response-body").getText()).contains("dana-waits");
      JsonNode listed =
          json(approval.admin("GET", "/access-requests?status=approved", null).body());
      assertThat(listed.get("items").get(0).get("decidedBy").asText()).isEqualTo("admin");

      // and frank may log in
      browser.driver().get(portal + "/portal/login");
      browser.driver().manage().deleteCookieNamed("portcullis_portal");
      browser.driver().get(portal + "/portal/login");
      browser.type("#username", "frank");
      browser.type("#password", "frank-password-1");
      browser.find("button[type='submit']").click();
      browser.waitFor("#signed-in");
      assertThat(browser.find("#signed-in").getText()).contains("frank");
    }
  }

  // ---------------------------------------------------------------- helpers

  static void logIn(String user, String password) {
    logIn(browser, user, password);
  }

  static void logIn(Browser browser, String user, String password) {
    browser.open("/portal/login");
    browser.type("#username", user);
    browser.type("#password", password);
    browser.find("button[type='submit']").click();
  }

  static void logOut() {
    if (!browser.all("form[action='/portal/logout'] button").isEmpty()) {
      browser.find("form[action='/portal/logout'] button").click();
      browser.waitForPath("/portal/login");
    }
  }

  static void select(String css, String value) {
    browser.select(css, value);
  }

  static void sendAndExpect(int status) {
    sendAndExpect(browser, status);
  }

  /** Clicks the console's Send and waits for the response, which must have this status. */
  static void sendAndExpect(Browser browser, int status) {
    browser.find("#send").click();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!browser.find("#response-status").getText().matches("\\d{3}.*")) {
      if (System.nanoTime() > deadline) throw new AssertionError("no response shown");
      Thread.onSpinWait();
    }
    assertThat(browser.find("#response-status").getText())
        .as(browser.find("#response-body").getText())
        .startsWith(String.valueOf(status));
    assertThat(browser.find("#response-time").getText()).endsWith("ms");
  }

  static String sessionId() {
    return browser.driver().manage().getCookieNamed("portcullis_portal").getValue();
  }

  static String csrf() {
    return browser.find("meta[name='csrf-token']").getAttribute("content");
  }

  static HttpResponse<String> token(String id, String secret) {
    return RunningNode.send(
        node.gateway("/oauth2/token")
            .header("Authorization", RunningNode.basic(id, secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
            .build());
  }

  static void shoot(String name) {
    shoot(browser, name);
  }

  /** Saves the page as {@code <name>-<theme>.png} in the portal's screenshot directory. */
  static void shoot(Browser browser, String name) {
    String theme = browser.find("html").getAttribute("data-theme");
    browser.screenshot(
        SHOTS.resolve(name + "-" + (theme.equals("system") ? "light" : theme) + ".png"));
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException(body, e);
    }
  }
}
