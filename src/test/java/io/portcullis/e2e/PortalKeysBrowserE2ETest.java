package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.web.Browser;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's key registration and the JWT bearer grant signed in the browser, in a real browser
 * against a real node and upstream: a developer makes a key pair on their application's page, the
 * public key is registered on the application (the admin API shows it, the audit log names the
 * developer), and Try API's <b>JWT bearer grant</b> gets a token with the downloaded private key
 * that calls the API. The refusals change nothing: another developer (404), a forged CSRF token
 * (403), a JWK set with a private key (400 naming the field). Screenshots as in {@link
 * PortalBrowserE2ETest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalKeysBrowserE2ETest {
  static final String APP = "dana-keys";
  static final String KEYS = "/portal/applications/" + APP + "/keys";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;
  static Browser browser;
  static Path privateKey;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node =
        RunningNode.start(
            RunningNode.configFile("portal.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of(
                "DANA_PASSWORD",
                PortalBrowserE2ETest.DANA_PASSWORD,
                "EVE_PASSWORD",
                PortalBrowserE2ETest.EVE_PASSWORD,
                "UPSTREAM",
                "http://127.0.0.1:" + upstream.port(),
                "ACCESS_REQUESTS",
                "automatic"));
    browser = new Browser("http://127.0.0.1:" + node.node().gatewayPort());
    logIn("dana", PortalBrowserE2ETest.DANA_PASSWORD);
    browser.open("/portal/apis/photos/v1?dialog=access");
    browser.type("#app-name", APP);
    browser.find("#request-token").click();
    browser.waitFor("#client-secret");
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  @Order(1)
  void keyPairWhenMadeInTheBrowserThenRegisteredAndTheJwtBearerGrantCallsTheApi() throws Exception {
    browser.open("/portal/applications/" + APP);
    assertThat(browser.find("#keys-panel #keys-form").getAttribute("action")).endsWith(KEYS);
    assertThat(browser.find("#keys-none").getText()).contains("No public key");
    browser.find("#keys-generate").click();
    textOf("#keys-status", "registered");
    assertThat(browser.find("#keys-status").getAttribute("data-state")).isEqualTo("ok");
    assertThat(browser.find("#keys-status").getText()).contains("only in this page");
    shoot("keys-generated");

    // registered on the application, public only, and audited with the developer as actor
    JsonNode app =
        PortalBrowserE2ETest.json(node.admin("GET", "/applications/" + APP, null).body());
    JsonNode key = app.get("jwks").get("keys").get(0);
    assertThat(key.get("kty").asText()).isEqualTo("EC");
    assertThat(key.has("d")).isFalse();
    String kid = key.get("kid").asText();
    JsonNode audit =
        PortalBrowserE2ETest.json(
            node.admin("GET", "/audit?entity=applications/" + APP, null).body());
    assertThat(audit.get("items").get(0).get("actor").asText()).isEqualTo("dana");

    // the private key comes only from the page, as a download
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    browser
        .driver()
        .executeCdpCommand(
            "Browser.setDownloadBehavior",
            Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    String clientId = browser.find("#client-id").getText();
    browser.find("#keys-download").click();
    privateKey = downloads.resolve(clientId + "-private-key.pem");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(privateKey) && Files.size(privateKey) > 0);
    assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");

    browser.open("/portal/applications/" + APP);
    assertThat(browser.find("#keys-list").getText()).contains(kid, "EC", "ES256");
    shoot("keys");
    browser.chooseTheme("dark");
    shoot("keys");
    browser.chooseTheme("light");

    // Try API → Authorization type "JWT bearer grant", signed in the browser
    browser.open("/portal/apis/photos/v1/try?app=" + APP);
    browser.select("#auth-type", "bearer");
    assertThat(browser.find("#auth-type option[value='bearer']").getText())
        .isEqualTo("JWT bearer grant");
    assertThat(browser.find("#bearer-panel").getAttribute("data-client-id")).isEqualTo(clientId);
    browser.find("#bearer-key-file").sendKeys(privateKey.toString());
    browser.waitFor("#bearer-result[data-state='ok']");
    browser.find("#bearer-get").click();
    textOf("#bearer-result", "Token received");
    browser.waitFor("#token-0");
    assertThat(browser.find("#tokens").getText()).contains("JWT bearer grant for " + APP);
    shoot("try-api-jwt-bearer");
    browser.find("#token-0").click();
    browser.find("#update").click();
    assertThat(browser.find("#header-value-0").getAttribute("value")).startsWith("Bearer ");
    browser.find("#send").click();
    textOf("#response-status", "200");
    JsonNode echoed = PortalBrowserE2ETest.json(browser.find("#response-body").getText());
    assertThat(echoed.get("headers").get("x-portcullis-application").get(0).asText())
        .isEqualTo(APP);
  }

  @Test
  @Order(2)
  void keysWhenJwksHoldsAPrivateKeyThenRefused400NamingTheFieldAndNothingChanged()
      throws Exception {
    String before = jwks();
    String privateJwks =
        "{\"keys\":["
            + new ECKeyGenerator(Curve.P_256).keyID("k1").generate().toJSONString()
            + "]}";

    // through the page's script: the server's reason is shown
    browser.open("/portal/applications/" + APP);
    browser.type("#keys-jwks", privateJwks);
    browser.find("#keys-submit").click();
    assertThat(browser.waitFor("#keys-status[data-state='error']").getText())
        .contains("400", "jwks.keys[0].d", "private key material");

    // as a plain form: the page again, with the error next to the field
    HttpResponse<String> page = post(KEYS, "jwks=" + encode(privateJwks), csrf(), sessionId());
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("id=\"keys-error\"", "jwks.keys[0].d");

    // a symmetric key and a PEM private key are refused too
    String oct = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQ\"}]}";
    HttpResponse<String> symmetric = post(KEYS, "jwks=" + encode(oct), csrf(), sessionId());
    assertThat(symmetric.statusCode()).isEqualTo(400);
    assertThat(symmetric.body()).contains("jwks.keys[0].kty", "symmetric");
    HttpResponse<String> pem =
        post(KEYS, "pem=" + encode(Files.readString(privateKey)), csrf(), sessionId());
    assertThat(pem.statusCode()).isEqualTo(400);
    assertThat(pem.body()).contains("pem: this is a private key");

    // the size caps: the field (400 naming it), then the whole form (413)
    String long8k = "{\"keys\":[" + " ".repeat(8100) + "]}";
    HttpResponse<String> longField = post(KEYS, "jwks=" + encode(long8k), csrf(), sessionId());
    assertThat(longField.statusCode()).isEqualTo(400);
    assertThat(longField.body()).contains("jwks: is ", "at most 8000");
    String long12k = "-----BEGIN PUBLIC KEY-----" + "A".repeat(12 * 1024);
    HttpResponse<String> longer = post(KEYS, "pem=" + encode(long12k), csrf(), sessionId());
    assertThat(longer.statusCode()).isEqualTo(400);
    assertThat(longer.body()).contains("jwks or pem: at most 8000");
    HttpResponse<String> huge = post(KEYS, "pem=" + "A".repeat(20 * 1024), csrf(), sessionId());
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(huge.body()).contains("larger than 16384 bytes");
    assertThat(jwks()).isEqualTo(before);
  }

  @Test
  @Order(3)
  void keysWhenCsrfTokenForgedThen403AndNothingChanged() {
    String before = jwks();
    String publicJwks = "{\"keys\":[" + publicJwk() + "]}";
    HttpResponse<String> forged = post(KEYS, "jwks=" + encode(publicJwks), "forged", sessionId());
    assertThat(forged.statusCode()).isEqualTo(403);
    HttpResponse<String> removal = post(KEYS + "/remove", "", "forged", sessionId());
    assertThat(removal.statusCode()).isEqualTo(403);
    assertThat(jwks()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void keysWhenAnotherDeveloperPostsThen404AndNothingChanged() {
    String before = jwks();
    logOut();
    logIn("eve", PortalBrowserE2ETest.EVE_PASSWORD);
    browser.waitForPath("/portal/");
    String publicJwks = "{\"keys\":[" + publicJwk() + "]}";
    HttpResponse<String> register = post(KEYS, "jwks=" + encode(publicJwks), csrf(), sessionId());
    assertThat(register.statusCode()).isEqualTo(404);
    HttpResponse<String> removal = post(KEYS + "/remove", "", csrf(), sessionId());
    assertThat(removal.statusCode()).isEqualTo(404);
    assertThat(jwks()).isEqualTo(before);
    logOut();
  }

  @Test
  @Order(5)
  void removeWhenClickedThenTheKeysAreGoneAndTheGrantRefused() {
    logIn("dana", PortalBrowserE2ETest.DANA_PASSWORD);
    browser.waitForPath("/portal/");
    browser.open("/portal/applications/" + APP);
    browser.find("#keys-remove").click();
    browser.waitFor("#keys-none");
    assertThat(browser.find(".flash").getText()).isEqualTo("Public keys removed");
    assertThat(jwks()).isEqualTo("null");

    browser.open("/portal/apis/photos/v1/try?app=" + APP);
    browser.select("#auth-type", "bearer");
    browser.find("#bearer-key-file").sendKeys(privateKey.toString());
    browser.waitFor("#bearer-result[data-state='ok']");
    browser.find("#bearer-get").click();
    assertThat(browser.waitFor("#bearer-result[data-state='error']").getText())
        .startsWith("No token: invalid_grant");
  }

  // ---------------------------------------------------------------- helpers

  static String jwks() {
    JsonNode app =
        PortalBrowserE2ETest.json(node.admin("GET", "/applications/" + APP, null).body());
    return String.valueOf(app.get("jwks"));
  }

  /** Waits until the element's text contains the fragment (a status the page's script sets). */
  static void textOf(String css, String fragment) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(browser.find(css).getText()).contains(fragment));
  }

  static String publicJwk() {
    try {
      return new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> post(String path, String form, String csrf, String session) {
    String body = (form.isEmpty() ? "" : form + "&") + "_csrf=" + encode(csrf);
    return RunningNode.send(
        node.gateway(path)
            .header("Cookie", "portcullis_portal=" + session)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .POST(BodyPublishers.ofString(body))
            .build());
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static void logIn(String user, String password) {
    PortalBrowserE2ETest.logIn(browser, user, password);
  }

  static void logOut() {
    browser.find("form[action='/portal/logout'] button").click();
    browser.waitForPath("/portal/login");
  }

  static String sessionId() {
    return browser.driver().manage().getCookieNamed("portcullis_portal").getValue();
  }

  static String csrf() {
    return browser.find("meta[name='csrf-token']").getAttribute("content");
  }

  static void shoot(String name) {
    PortalBrowserE2ETest.shoot(browser, name);
  }
}
