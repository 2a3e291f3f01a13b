package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.portal.document.ApiDocuments;
import io.portcullis.portal.document.Resource;
import io.portcullis.web.Browser;
import io.portcullis.web.PageSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * portal-extra.js in a real browser (Debian's Chromium, headless) on a test page served, under the
 * portal's CSP, through a real node's gateway (an open API whose upstream is a small Vert.x
 * router), so that the page, /oauth2/token and the SOAP API share one origin: a key pair made in
 * the browser has its public JWK posted (never the private key), registered on the application
 * through the admin API, and signs a JWT bearer grant that obtains a token; the token calls a SOAP
 * API with the envelope read from a WSDL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalExtrasBrowserE2ETest {
  static final String CLIENT = "soap-app";
  static final String CSRF = "csrf-test-token-0123456789";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static HttpServer console;
  static RunningNode node;
  static Browser browser;
  static final LinkedBlockingQueue<Map<String, String>> posted = new LinkedBlockingQueue<>();
  static Resource add;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    add = ApiDocuments.parse(resource("documents/calculator.wsdl")).resources().get(0);
    console =
        vertx.createHttpServer().requestHandler(consoleRouter()).listen(0, "127.0.0.1").await();
    Path config =
        Files.writeString(
            dir.resolve("node.yaml"),
            """
            gateway:
              listen: 127.0.0.1:0
            admin:
              listen: 127.0.0.1:0
            authorizationServers:
              local:
                type: internal
            apis:
              - name: console
                version: v1
                basePath: /console
                upstream: ${CONSOLE}
              - name: calc
                version: v1
                basePath: /calc
                upstream: ${UPSTREAM}
                identifyAndAuthorize:
                  methods: [OAUTH2_TOKEN]
                  applicationLookup: REGISTERED
            """);
    node =
        RunningNode.start(
            config,
            dir.resolve("data"),
            null,
            Map.of(
                "CONSOLE", "http://127.0.0.1:" + console.actualPort(),
                "UPSTREAM", "http://127.0.0.1:" + upstream.port()));
    JsonObject app =
        new JsonObject()
            .put("name", CLIENT)
            .put("clientId", CLIENT)
            .put("apis", new JsonArray().add("calc/v1"));
    HttpResponse<String> created = node.admin("POST", "/applications", app.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    browser = new Browser("http://127.0.0.1:" + node.node().gatewayPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (node != null) node.close();
    if (console != null) console.close().await();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  /**
   * The test page (with the CSP of the portal's pages), the script, and a key registration form.
   */
  static Router consoleRouter() {
    Router router = Router.router(vertx);
    String page =
        resource("portal/extras.html")
            .replace("CSRF_TOKEN", CSRF)
            .replace("CLIENT_ID", CLIENT)
            .replace("SOAP_ACTION", add.soapAction())
            .replace(
                "SOAP_ENVELOPE", add.soapEnvelope().replace("&", "&amp;").replace("<", "&lt;"));
    router
        .get("/page.html")
        .handler(PageSecurity::headers)
        .handler(ctx -> ctx.response().putHeader("Content-Type", "text/html").end(page));
    String script = resource("web/portal/portal-extra.js");
    router
        .get("/portal-extra.js")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "text/javascript").end(script));
    router
        .post("/keys")
        .handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(
            ctx -> {
              Map<String, String> form = decode(ctx.body().asString());
              posted.add(form);
              if (!CSRF.equals(form.get("_csrf"))) {
                ctx.response().setStatusCode(403).end("_csrf: missing or wrong");
              } else if (form.containsKey("pem") && !form.get("pem").contains("PUBLIC KEY")) {
                ctx.response().setStatusCode(400).end("pem: expected a PEM public key");
              } else {
                ctx.response().setStatusCode(204).end();
              }
            });
    return router;
  }

  @Test
  @Order(1)
  void getTokenWhenNoKeyInThePageThenSaysSoAndSendsNothing() {
    HttpResponse<String> page = node.get("/console/page.html");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(PageSecurity.CSP);
    browser.open("/console/page.html");
    browser.waitFor("#bearer-get").click();

    assertThat(browser.waitFor("#bearer-result[data-state='error']").getText())
        .isEqualTo("Make a key pair or load your private key first");
    assertThat(posted).isEmpty();
  }

  @Test
  @Order(2)
  void uploadWhenPemIsNotAPublicKeyThenTheServersReasonIsShown() throws Exception {
    browser.type(
        "#keys-pem",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----");
    browser.find("#keys-upload").click();

    assertThat(browser.waitFor("#keys-status[data-state='error']").getText())
        .isEqualTo("not registered (400): pem: expected a PEM public key");
    Map<String, String> form = posted.poll(30, TimeUnit.SECONDS);
    assertThat(form).containsEntry("_csrf", CSRF).containsKey("pem").doesNotContainKey("jwks");
  }

  @Test
  @Order(3)
  void makeKeyPairWhenClickedThenOnlyThePublicJwkIsPostedAndThePrivateKeyIsADownload()
      throws Exception {
    browser.type("#keys-pem", "");
    browser.find("#keys-generate").click();

    assertThat(browser.waitFor("#keys-status[data-state='ok']").getText())
        .contains("registered", "The private key is only in this page");
    Map<String, String> form = posted.poll(30, TimeUnit.SECONDS);
    assertThat(form.keySet()).containsExactlyInAnyOrder("jwks", "_csrf");
    assertThat(form.get("_csrf")).isEqualTo(CSRF);
    JWKSet set = JWKSet.parse(form.get("jwks"));
    assertThat(set.getKeys()).hasSize(1);
    JWK jwk = set.getKeys().get(0);
    assertThat(jwk.isPrivate()).isFalse();
    assertThat(jwk.getKeyID()).isEqualTo(jwk.computeThumbprint().toString());
    assertThat(form.get("jwks")).doesNotContain("\"d\"");

    // The download is the matching private key, as PKCS#8 PEM, from the page's memory.
    var link = browser.find("#keys-download");
    assertThat(link.getAttribute("href")).startsWith("blob:");
    assertThat(link.getAttribute("download")).isEqualTo(CLIENT + "-private-key.pem");
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    browser
        .driver()
        .executeCdpCommand(
            "Browser.setDownloadBehavior",
            Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    link.click();
    Path file = downloads.resolve(CLIENT + "-private-key.pem");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.size(file) > 0);
    String pem = Files.readString(file);
    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    Files.writeString(dir.resolve("downloaded.pem"), pem);
    assertThat(signatureVerifies(privateKey(pem), jwk.toECKey())).isTrue();

    // Register it on the application, as the portal's key form does.
    JsonObject app =
        new JsonObject(node.admin("GET", "/applications/" + CLIENT, null).body())
            .put("jwks", new JsonObject(form.get("jwks")));
    HttpResponse<String> saved = node.admin("PUT", "/applications/" + CLIENT, app.encode());
    assertThat(saved.statusCode()).as(saved.body()).isIn(200, 204);
  }

  @Test
  @Order(4)
  void getTokenWhenKeyMadeInThePageThenTheJwtBearerGrantIssuesAWorkingToken() throws Exception {
    browser.find("#bearer-get").click();

    // Wait for the token's text, not for the 'ok' state, which the result may hold already.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(browser.find("#bearer-result").getText())
                    .startsWith("Token received, valid for "));
    String token = browser.find("#bearer-result").getAttribute("data-token");
    assertThat(token).isNotBlank();
    assertThat(browser.find("#soap-bearer").getAttribute("value")).isEqualTo(token);

    HttpResponse<String> call = node.getWithBearer("/calc/ping", token);
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    assertThat(
            new JsonObject(call.body())
                .getJsonObject("headers")
                .getJsonArray("x-portcullis-application")
                .getList())
        .containsExactly(CLIENT);
  }

  @Test
  @Order(5)
  void soapSendWhenEnvelopeFromTheWsdlThenPostedWithSoapActionAndTheToken() {
    assertThat(browser.find("#soap-envelope").getAttribute("value")).isEqualTo(add.soapEnvelope());
    browser.find("#soap-send").click();

    var response = browser.waitFor("#soap-response[data-status]");
    assertThat(response.getAttribute("data-status")).isEqualTo("200");
    String echoed = response.getText();
    JsonObject echo = new JsonObject(echoed.substring(echoed.indexOf('{')));
    JsonObject headers = echo.getJsonObject("headers");
    assertThat(headers.getJsonArray("soapaction").getList())
        .containsExactly("\"http://tempuri.org/Add\"");
    assertThat(headers.getJsonArray("content-type").getList())
        .containsExactly("text/xml; charset=utf-8");
    assertThat(headers.getJsonArray("x-portcullis-application").getList()).containsExactly(CLIENT);
    assertThat(echo.getString("body")).isEqualTo(add.soapEnvelope());
    assertThat(browser.consoleErrors()).noneMatch(e -> e.contains("Content Security Policy"));
  }

  @Test
  @Order(6)
  void getTokenWhenLoadedKeyIsNotRegisteredThenRefusedAndTheRegisteredOneWorksAgain()
      throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    PrivateKey stranger = generator.generateKeyPair().getPrivate();
    Path strangerPem = dir.resolve("stranger.pem");
    Files.writeString(
        strangerPem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(stranger.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");

    browser.find("#bearer-key-file").sendKeys(strangerPem.toString());
    assertThat(browser.waitFor("#bearer-result[data-state='ok']").getText())
        .isEqualTo("Private key loaded (ES256); it stays in this page");
    browser.find("#bearer-get").click();
    assertThat(browser.waitFor("#bearer-result[data-state='error']").getText())
        .startsWith("No token: invalid_grant: assertion signature does not verify");

    browser.driver().navigate().refresh();
    browser.waitFor("#bearer-key-file").sendKeys(dir.resolve("downloaded.pem").toString());
    browser.waitFor("#bearer-result[data-state='ok']");
    browser.find("#bearer-get").click();
    // The result is already 'ok' (the key loaded) when the button is clicked: waiting for that
    // state returned at once, before the token came (seen failing). Wait for the token's text.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(browser.find("#bearer-result").getText()).startsWith("Token received"));
  }

  @Test
  @Order(7)
  void loadKeyWhenFileIsNotAPrivateKeyThenRefusedInThePage() throws Exception {
    browser.open("/console/page.html");
    Path notAKey =
        Files.writeString(
            dir.resolve("public.pem"),
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    browser.waitFor("#bearer-key-file").sendKeys(notAKey.toString());

    assertThat(browser.waitFor("#bearer-result[data-state='error']").getText())
        .isEqualTo("Key not loaded: expected a PKCS#8 PEM (\"-----BEGIN PRIVATE KEY-----\")");
  }

  private static PrivateKey privateKey(String pem) throws Exception {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static boolean signatureVerifies(PrivateKey key, ECKey publicJwk) throws Exception {
    byte[] data = "proof".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(publicJwk.toECPublicKey());
    verifier.update(data);
    return verifier.verify(signature);
  }

  private static Map<String, String> decode(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      form.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  static String resource(String name) {
    try (InputStream in =
        PortalExtrasBrowserE2ETest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalArgumentException("no class-path resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
