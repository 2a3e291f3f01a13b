package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.web.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's Try API console on a SOAP API whose WSDL has only a SOAP 1.2 binding, in Chromium,
 * against a real SOAP 1.2 upstream: the operation's envelope is a SOAP 1.2 one, the Header tab
 * carries {@code Content-Type: application/soap+xml; action="…"} (no {@code SOAPAction}, which is
 * SOAP 1.1's), the gateway's own refusal is a SOAP 1.2 fault, and with a token the upstream adds
 * the two numbers. Screenshots as {@link PortalBrowserE2ETest}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalSoap12BrowserE2ETest {
  static final String ENVELOPE_12 = "http://www.w3.org/2003/05/soap-envelope";
  static final String ACTION = "http://tempuri.org/Add";

  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer soapUpstream;
  static RunningNode node;
  static Browser browser;
  static final LinkedBlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    vertx = Vertx.vertx();
    soapUpstream =
        vertx
            .createHttpServer()
            .requestHandler(PortalSoap12BrowserE2ETest::calculator)
            .listen(0, "127.0.0.1")
            .await();
    String wsdl = read("/documents/calculator-soap12.wsdl").indent(8).stripTrailing();
    Path config =
        Files.writeString(
            dir.resolve("node.yaml"),
            """
            gateway:
              listen: 127.0.0.1:0
            admin:
              listen: 127.0.0.1:0
            portal:
              enabled: true
              accessRequests: automatic
              authorizationServer: local
            users:
              - username: dana
                password: ${DANA_PASSWORD}
                roles: [developer]
            authorizationServers:
              local:
                type: internal
            apis:
              - name: calc
                version: v1
                type: SOAP
                basePath: /calc/v1
                upstream: ${UPSTREAM}
                identifyAndAuthorize:
                  methods: [JWT]
                  applicationLookup: REGISTERED
                portal:
                  published: true
                  summary: Adds and subtracts integers over SOAP 1.2
                  wsdl: |
            WSDL_DOCUMENT
            """
                .replace("WSDL_DOCUMENT\n", wsdl + "\n"));
    node =
        RunningNode.start(
            config,
            dir.resolve("data"),
            null,
            Map.of(
                "DANA_PASSWORD",
                PortalBrowserE2ETest.DANA_PASSWORD,
                "UPSTREAM",
                "http://127.0.0.1:" + soapUpstream.actualPort()));
    browser = new Browser("http://127.0.0.1:" + node.node().gatewayPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (node != null) node.close();
    if (soapUpstream != null) soapUpstream.close().await();
    if (vertx != null) vertx.close().await();
  }

  /**
   * A SOAP 1.2 calculator: {@code Add} answers the sum in a SOAP 1.2 envelope; a request that is
   * not {@code application/soap+xml} with the Add action gets a SOAP 1.2 {@code Sender} fault
   * (415), as a SOAP 1.2 stack answers a SOAP 1.1 request.
   */
  static void calculator(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              String text = body.toString(StandardCharsets.UTF_8);
              Map<String, String> seen = new LinkedHashMap<>();
              seen.put("content-type", String.valueOf(request.getHeader("Content-Type")));
              seen.put("soapaction", String.valueOf(request.getHeader("SOAPAction")));
              seen.put(
                  "application", String.valueOf(request.getHeader("X-Portcullis-Application")));
              seen.put("body", text);
              received.add(seen);
              String type = String.valueOf(request.getHeader("Content-Type"));
              Matcher a = Pattern.compile("<tns:intA>(-?\\d+)</tns:intA>").matcher(text);
              Matcher b = Pattern.compile("<tns:intB>(-?\\d+)</tns:intB>").matcher(text);
              if (!type.startsWith("application/soap+xml")
                  || !type.contains("action=\"" + ACTION + "\"")
                  || !a.find()
                  || !b.find()) {
                request
                    .response()
                    .setStatusCode(415)
                    .putHeader("Content-Type", "application/soap+xml; charset=utf-8")
                    .end(fault("expected a SOAP 1.2 Add request with intA and intB"));
                return;
              }
              int sum = Integer.parseInt(a.group(1)) + Integer.parseInt(b.group(1));
              request
                  .response()
                  .putHeader("Content-Type", "application/soap+xml; charset=utf-8")
                  .end(
                      "<soap:Envelope xmlns:soap=\""
                          + ENVELOPE_12
                          + "\"><soap:Body><AddResponse xmlns=\"http://tempuri.org/\"><AddResult>"
                          + sum
                          + "</AddResult></AddResponse></soap:Body></soap:Envelope>");
            });
  }

  static String fault(String reason) {
    return "<soap:Envelope xmlns:soap=\""
        + ENVELOPE_12
        + "\"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code>"
        + "<soap:Reason><soap:Text xml:lang=\"en\">"
        + reason
        + "</soap:Text></soap:Reason></soap:Fault></soap:Body></soap:Envelope>";
  }

  @Test
  @Order(1)
  void tryApiWhenSoap12OperationThenItsEnvelopeAndHeadersAndTheUpstreamAnswers() throws Exception {
    PortalBrowserE2ETest.logIn(browser, "dana", PortalBrowserE2ETest.DANA_PASSWORD);
    browser.waitForPath("/portal/");
    assertThat(browser.find("#gallery").getText()).contains("calc", "SOAP");
    browser.open("/portal/apis/calc/v1");
    assertThat(browser.find("#resources").getText()).contains("Add", "Subtract");

    // Get access token: the application, associated at once
    browser.open("/portal/apis/calc/v1?dialog=access");
    browser.type("#app-name", "dana-calc");
    browser.find("#request-token").click();
    browser.waitFor("#client-secret");

    // Try API: the Add operation fills a SOAP 1.2 envelope and the SOAP 1.2 headers
    browser.open("/portal/apis/calc/v1/try?app=dana-calc");
    browser.select("#resource", "0");
    assertThat(browser.find("#method").getAttribute("value")).isEqualTo("POST");
    assertThat(browser.find("#path").getAttribute("value")).isEqualTo("/calc/v1");
    String envelope = browser.find("#body").getAttribute("value");
    assertThat(envelope).contains(ENVELOPE_12, "<tns:Add>", "<tns:intA>", "<tns:intB>");
    Map<String, String> headers = headerTab();
    assertThat(headers)
        .containsEntry(
            "Content-Type", "application/soap+xml; charset=utf-8; action=\"" + ACTION + "\"")
        .containsEntry("Accept", "application/soap+xml")
        .doesNotContainKey("SOAPAction");

    // Without a token the gateway refuses in the request's SOAP version: a SOAP 1.2 fault
    PortalBrowserE2ETest.sendAndExpect(browser, 401);
    assertThat(browser.find("#response-body").getText())
        .startsWith("<")
        .contains(ENVELOPE_12, "Fault");
    assertThat(browser.find("#response-headers").getText())
        .contains("content-type: application/soap+xml");
    assertThat(received).isEmpty();

    // With the application's JWT the upstream adds the numbers typed into the envelope
    browser.find("#tab-body").click();
    browser.type(
        "#body",
        envelope
            .replaceAll("<tns:intA>[^<]*</tns:intA>", "<tns:intA>2</tns:intA>")
            .replaceAll("<tns:intB>[^<]*</tns:intB>", "<tns:intB>40</tns:intB>"));
    browser.find("#tab-authorization").click();
    browser.select("#auth-type", "jwt");
    browser.type("#jwt-password", PortalBrowserE2ETest.DANA_PASSWORD);
    browser.find("#get-token").click();
    browser.waitFor("#token-0");
    browser.find("#update").click();
    PortalBrowserE2ETest.sendAndExpect(browser, 200);
    // The XML answer is shown one element a line, indented, as a JSON one is formatted
    assertThat(browser.find("#response-body").getText())
        .contains("\n  <soap:Body>\n    <AddResponse xmlns=\"http://tempuri.org/\">")
        .contains("\n      <AddResult>42</AddResult>\n");
    assertThat(browser.find("#response-headers").getText())
        .contains("content-type: application/soap+xml");
    PortalBrowserE2ETest.shoot(browser, "try-api-soap12");

    Map<String, String> seen = received.poll(10, TimeUnit.SECONDS);
    assertThat(seen).isNotNull();
    assertThat(seen.get("content-type"))
        .isEqualTo("application/soap+xml; charset=utf-8; action=\"" + ACTION + "\"");
    assertThat(seen.get("soapaction")).isEqualTo("null");
    assertThat(seen.get("application")).isEqualTo("dana-calc");
    assertThat(seen.get("body")).contains(ENVELOPE_12, "<tns:intA>2</tns:intA>");
    assertThat(browser.consoleErrors())
        .allMatch(e -> e.contains("the server responded with a status of 401"));
  }

  @Test
  @Order(2)
  void tryApiWhenDarkThemeThenTheSoapConsoleFollows() {
    browser.open("/portal/apis/calc/v1/try?app=dana-calc");
    browser.chooseTheme("dark");
    // The switch returns to the same address, query included: the application stays chosen.
    assertThat(browser.path()).isEqualTo("/portal/apis/calc/v1/try?app=dana-calc");
    assertThat(browser.find("#application").getAttribute("value")).isEqualTo("dana-calc");
    browser.select("#resource", "0");
    browser.find("#tab-header").click();
    PortalBrowserE2ETest.shoot(browser, "try-api-soap12");
    browser.chooseTheme("light");
  }

  /** The Header tab's rows with a name, as name → value. */
  static Map<String, String> headerTab() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; !browser.all("#header-name-" + i).isEmpty(); i++) {
      String name = browser.find("#header-name-" + i).getAttribute("value");
      if (!name.isEmpty()) {
        headers.put(name, browser.find("#header-value-" + i).getAttribute("value"));
      }
    }
    return headers;
  }

  static String read(String resource) throws IOException {
    try (InputStream in = PortalSoap12BrowserE2ETest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
