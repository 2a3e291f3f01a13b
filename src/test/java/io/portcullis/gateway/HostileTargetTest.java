package io.portcullis.gateway;

import static io.portcullis.gateway.ApiFixtures.api;
import static io.portcullis.gateway.ApiFixtures.application;
import static io.portcullis.gateway.ApiFixtures.open;
import static io.portcullis.gateway.ApiFixtures.requiring;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Timeouts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request-targets and header spellings meant to reach what the gateway would refuse: each is sent
 * raw through a real gateway, and the upstream says what reached it.
 */
class HostileTargetTest {
  private static Vertx upstreamVertx;
  private static EchoUpstream upstream;
  private static RunningGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new EchoUpstream(upstreamVertx);
    gateway =
        new RunningGateway(
            RunningGateway.settings(), List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void publish() {
    // An open API whose upstream also serves a private part, and a protected API.
    gateway.publish(
        List.of(
            open("nodepub", "/nodepub/v1", upstream.uri("/node/pub")),
            api(
                "private",
                ApiType.REST,
                "/private",
                List.of(upstream.uri("/node/private")),
                null,
                requiring(
                    Set.of(IdentificationMethod.JWT), ApplicationLookup.REGISTERED, List.of()))),
        List.of(application("app-b", List.of("private/v1"), true)));
  }

  private static Api openApi(String name, ApiType type, URI upstream, Timeouts timeouts) {
    return api(name, type, "/" + name, List.of(upstream), timeouts, IdentifyAndAuthorize.OPEN);
  }

  /** A 400 answer, with nothing sent upstream since {@code before} requests. */
  private static void assertRefused(RawHttpConnection.Response response, int before, String what) {
    assertThat(response.status()).as(what).isEqualTo(400);
    assertThat(upstream.requests.get()).as("requests the upstream got").isEqualTo(before);
  }

  private static RawHttpConnection.Response get(String target, String... headerLines)
      throws Exception {
    StringBuilder head = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
    head.append("Host: gw\r\n");
    for (String line : headerLines) head.append(line).append("\r\n");
    head.append("\r\n");
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      return connection.send(head.toString()).read();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/nodepub/v1/\\..\\..\\private\\secret",
        "/nodepub/v1/a\\b",
        "/nodepub/v1/%5C..%5C..%5Cprivate%5Csecret",
        "/nodepub/v1/%5c",
        "/nodepub/v1/..;/..;/private/secret",
        "/nodepub/v1/..;jsessionid=1/x",
        "/nodepub/v1/.;/x",
        "/nodepub/v1/..%2F..%2Fprivate/secret",
        "/nodepub/v1/..%2f..%2fprivate",
        "/nodepub/v1/x%2F..%2F..%2F..%2Fprivate",
        "/nodepub/v1/..%3B/x",
        "/nodepub/v1/%2e%2e/%2e%2e/private/secret",
        "/nodepub/v1/%2E%2E/x",
        "/nodepub/v1/.%2e/.%2e/private",
        "/nodepub/v1/%2e./x",
        "/nodepub/v1/%2e/x",
        "/nodepub/v1/a\u0000b",
        "/nodepub/v1/a\u0001b",
        "/nodepub/v1/a\u001bb",
        "/nodepub/v1/a\u007fb",
        "/nodepub/v1/a%00b",
        "/nodepub/v1/a%0d%0aX-Injected:%20yes",
        "/nodepub/v1/a%1F",
        "/nodepub/v1/a%7f",
        "/nodepub/v1/x?q=a\u0000b",
        "/nodepub/v1/%C0%AE%C0%AE/%C0%AE%C0%AE/private",
        "/nodepub/v1/..%c0%afprivate",
        "/nodepub/v1/\u00c0\u00ae",
        "/nodepub/v1/x?q=a b",
        "/nodepub/v1/%",
        "/nodepub/v1/%4",
        "/nodepub/v1/%g0",
        "/nodepub/v1/../../private/secret",
        "/nodepub/v1/../v1/x",
        "/nodepub/v1/../../../../etc/passwd",
        "/nodepub/v1/..",
        "/..",
      })
  void handleWhenPathCannotBeMadeSafeThen400AndUpstreamNeverCalled(String target) throws Exception {
    int before = upstream.requests.get();

    RawHttpConnection.Response response = get(target);

    assertRefused(response, before, target);
    assertThat(response.header("content-type")).isEqualTo("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("detail")).contains("request");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/nodepub/v1/a/../b|/node/pub/b",
        "/nodepub/v1/./b/.|/node/pub/b/",
        "/nodepub/v1/a/b/../../c|/node/pub/c",
        "/nodepub/v1/a/..|/node/pub/",
        "/nodepub/v1/group%2Fproject|/node/pub/group%2Fproject",
        "/nodepub/v1/b;v=1|/node/pub/b;v=1",
        "/nodepub/v1/..b/c...|/node/pub/..b/c...",
        "/nodepub/v1/caf\u00c3\u00a9|/node/pub/caf%C3%A9",
        "/nodepub/v1/caf%C3%A9|/node/pub/caf%C3%A9",
        "/nodepub/v1/\u00ff\u0080/./x|/node/pub/%FF%80/x",
        "/nodepub/v1/x?q=caf\u00c3\u00a9&r=%C3%A9|/node/pub/x?q=caf%C3%A9&r=%C3%A9",
        "/nodepub/v1/x?q=%00&next=/a/../b|/node/pub/x?q=%00&next=/a/../b",
      })
  void handleWhenPathIsNormalizableThenUpstreamGetsNormalizedPath(String pair) throws Exception {
    String[] sent = pair.split("\\|");

    RawHttpConnection.Response response = get(sent[0]);

    assertThat(response.status()).as(sent[0]).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("uri")).isEqualTo(sent[1]);
  }

  @Test
  void handleWhenDotSegmentsLeadToProtectedApiThenRefusedNotRouted() throws Exception {
    int before = upstream.requests.get();

    RawHttpConnection.Response climbed = get("/nodepub/v1/../../private/secret");
    RawHttpConnection.Response direct = get("/private/secret");

    assertThat(climbed.status()).isEqualTo(400);
    assertThat(new JsonObject(climbed.body()).getString("detail")).contains("'..'");
    assertThat(direct.status()).isEqualTo(401);
    assertThat(upstream.requests.get()).isEqualTo(before);
  }

  @Test
  void handleWhenHeaderNameIsEmptyThen400() throws Exception {
    int before = upstream.requests.get();

    RawHttpConnection.Response response = get("/nodepub/v1/x", ": empty-name");

    assertRefused(response, before, "empty header name");
  }

  @Test
  void handleWhenReservedHeadersSpeltWithUnderscoresThenNotForwarded() throws Exception {
    RawHttpConnection.Response response =
        get(
            "/private/x",
            "Authorization: Bearer app.app-b",
            "X_Portcullis_Application: app-a",
            "x_portcullis-subject: admin",
            "X-PORTCULLIS_SCOPES: admin",
            "X_Forwarded_For: 10.9.9.9",
            "x-forwarded_host: evil.example",
            "X_FORWARDED_PROTO: https",
            "X_Real_IP: 10.9.9.9",
            "X-Original-URL: /admin",
            "X_Rewrite_URL: /admin",
            "X-Ordinary_Header: kept");

    assertThat(response.status()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-portcullis-application").getList()).containsExactly("app-b");
    assertThat(headers.getJsonArray("x-portcullis-subject").getList()).containsExactly("app-b");
    assertThat(headers.getJsonArray("x-forwarded-for").getList()).containsExactly("127.0.0.1");
    assertThat(headers.getJsonArray("x-forwarded-proto").getList()).containsExactly("http");
    assertThat(headers.getJsonArray("x-forwarded-host").getList()).containsExactly("gw");
    assertThat(headers.getJsonArray("x-ordinary_header").getList()).containsExactly("kept");
    assertThat(headers.fieldNames())
        .noneMatch(name -> name.replace('_', '-').startsWith("x-portcullis-scopes"))
        .noneMatch(name -> name.contains("_") && !name.equals("x-ordinary_header"))
        .doesNotContain("x-original-url", "x-rewrite-url", "x-real-ip");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: identity, chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
        "Host: other",
      })
  void handleWhenFramingIsAmbiguousThen400AndUpstreamNeverCalled(String headers) throws Exception {
    int before = upstream.requests.get();
    String head = "POST /nodepub/v1/x HTTP/1.1\r\nHost: gw\r\n" + headers + "\r\n\r\n";
    boolean chunked = headers.contains("chunked");

    RawHttpConnection.Response response;
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send(head + (chunked ? "5\r\nhello\r\n0\r\n\r\n" : ""));
      response = connection.read();
    }

    assertRefused(response, before, headers);
    assertThat(new JsonObject(response.body()).getString("detail"))
        .containsAnyOf("Transfer-Encoding", "Host");
  }

  @ParameterizedTest
  @ValueSource(strings = {"REST|/down/x|502", "SOAP|/downsoap/x|502", "REST|/slow/sleep/5000|504"})
  void handleWhenUpstreamFailsThenAnswerNamesTheApiNotTheUpstreamAddress(String row)
      throws Exception {
    String[] cells = row.split("\\|");
    int closed = EchoUpstream.closedPort();
    URI nowhere = URI.create("http://127.0.0.1:" + closed);
    gateway.publish(
        List.of(
            openApi("down", ApiType.REST, nowhere, null),
            openApi("downsoap", ApiType.SOAP, nowhere, null),
            openApi("slow", ApiType.REST, upstream.uri(""), new Timeouts(2_000, 200))),
        List.of());

    RawHttpConnection.Response response = get(cells[1]);

    assertThat(response.status()).isEqualTo(Integer.parseInt(cells[2]));
    assertThat(response.header("content-type"))
        .startsWith(cells[0].equals("SOAP") ? "text/xml" : "application/problem+json");
    String api = cells[1].split("/")[1];
    assertThat(response.body())
        .contains("API " + api + "/v1")
        .doesNotContain("127.0.0.1")
        .doesNotContain(":" + closed)
        .doesNotContain(":" + upstream.port());
  }

  @Test
  void handleWhenForwardingHeadersTrustedThenUnderscoreSpellingsStillDropped() throws Exception {
    try (RunningGateway trusting =
        new RunningGateway(RunningGateway.settings().withTrustForwardedHeaders(true), List.of())) {
      trusting.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

      JsonObject headers =
          new JsonObject(
                  trusting
                      .get(
                          "/shop/x",
                          "X-Forwarded-For",
                          "203.0.113.7",
                          "X_Forwarded_For",
                          "10.0.0.1",
                          "X_Real_IP",
                          "10.0.0.1")
                      .body())
              .getJsonObject("headers");

      assertThat(headers.getJsonArray("x-forwarded-for").getList())
          .containsExactly("203.0.113.7, 127.0.0.1");
      assertThat(headers.fieldNames()).doesNotContain("x_forwarded_for", "x_real_ip");
    }
  }
}
