package io.portcullis.gateway;

import static io.portcullis.gateway.ApiFixtures.api;
import static io.portcullis.gateway.ApiFixtures.application;
import static io.portcullis.gateway.ApiFixtures.open;
import static io.portcullis.gateway.ApiFixtures.requiring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.monitor.TransactionEvent;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class RequestPipelineTest {
  private static Vertx upstreamVertx;
  private static EchoUpstream upstream;
  private static RunningGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new EchoUpstream(upstreamVertx);
    gateway =
        new RunningGateway(
            RunningGateway.settings(),
            List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)),
            new LocalRoutes(
                List.of("/oauth2"), request -> request.response().end("local " + request.path())));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void clearEvents() {
    gateway.events.clear();
  }

  private static Api jwtApi(String name, String basePath, IdentifyAndAuthorize policy) {
    return api(name, ApiType.REST, basePath, List.of(upstream.uri("")), null, policy);
  }

  @Test
  void handleWhenBasePathsOverlapThenLongestSegmentPrefixWins() throws Exception {
    gateway.publish(
        List.of(
            open("a", "/a", upstream.uri("/one")),
            open("ab", "/a/b", upstream.uri("/two")),
            open("root", "/", upstream.uri("/root"))),
        List.of());

    assertThat(echo(gateway.get("/a/x")).getString("path")).isEqualTo("/one/x");
    assertThat(echo(gateway.get("/a/b/x")).getString("path")).isEqualTo("/two/x");
    assertThat(echo(gateway.get("/a/b")).getString("path")).isEqualTo("/two");
    assertThat(echo(gateway.get("/a")).getString("path")).isEqualTo("/one");
    assertThat(echo(gateway.get("/ab")).getString("path")).isEqualTo("/root/ab");
  }

  @Test
  void handleWhenNoApiMatchesThen404Problem() throws Exception {
    gateway.publish(List.of(open("a", "/a", upstream.uri(""))), List.of());

    HttpResponse<String> response = gateway.get("/ab/c");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(404);
    assertThat(problem.getString("title")).isEqualTo("Not Found");
    assertThat(problem.getString("detail")).contains("/ab/c");
    // Recorded when the response has ended, which the client may see first.
    await()
        .untilAsserted(
            () ->
                assertThat(gateway.events)
                    .singleElement()
                    .satisfies(e -> assertThat(e.api()).isNull()));
  }

  @Test
  void handleWhenApiInactiveThen404Problem() throws Exception {
    gateway.publish(List.of(open("a", "/a", upstream.uri("")).withActive(false)), List.of());

    HttpResponse<String> response = gateway.get("/a/x");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
  }

  @Test
  void handleWhenDotSegmentsClimbOutOrAreEncodedThen400() throws Exception {
    gateway.publish(List.of(open("a", "/a", upstream.uri("/base"))), List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response dotDot =
          connection.send("GET /a/../admin HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      RawHttpConnection.Response encoded =
          connection.send("GET /a/%2E%2e/admin HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      assertThat(dotDot.status()).isEqualTo(400);
      assertThat(encoded.status()).isEqualTo(400);
      assertThat(new JsonObject(encoded.body()).getString("detail")).contains("'..'");
    }
  }

  @Test
  void handleWhenPathIsLocalThenLocalRoutesAnswerAheadOfApis() throws Exception {
    gateway.publish(List.of(open("root", "/", upstream.uri(""))), List.of());

    assertThat(gateway.get("/oauth2/token").body()).isEqualTo("local /oauth2/token");
    assertThat(echo(gateway.get("/oauth2x")).getString("path")).isEqualTo("/oauth2x");
  }

  @Test
  void handleWhenSnapshotPublishedThenNextRequestOnSameConnectionUsesIt() throws Exception {
    gateway.publish(List.of(open("a", "/a", upstream.uri("/first"))), List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response before =
          connection.send("GET /a/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      gateway.publish(List.of(open("a", "/a", upstream.uri("/second"))), List.of());
      RawHttpConnection.Response after =
          connection.send("GET /a/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      gateway.publish(List.of(), List.of());
      RawHttpConnection.Response removed =
          connection.send("GET /a/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      assertThat(new JsonObject(before.body()).getString("path")).isEqualTo("/first/x");
      assertThat(new JsonObject(after.body()).getString("path")).isEqualTo("/second/x");
      assertThat(removed.status()).isEqualTo(404);
    }
  }

  @Test
  void handleWhenPolicyNamesMethodWithoutIdentifierThen503ForEveryCall() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "keyed",
                "/keyed",
                requiring(
                    Set.of(IdentificationMethod.API_KEY, IdentificationMethod.JWT),
                    ApplicationLookup.GLOBAL,
                    List.of()))),
        List.of(application("photo-app", List.of(), true)));
    int upstreamRequests = upstream.requests.get();

    HttpResponse<String> withoutToken = gateway.get("/keyed/x");
    HttpResponse<String> withValidToken =
        gateway.get("/keyed/x", "Authorization", "Bearer app.photo-app");

    for (HttpResponse<String> response : List.of(withoutToken, withValidToken)) {
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("www-authenticate")).isEmpty();
      assertThat(new JsonObject(response.body()).getString("detail"))
          .isEqualTo("identification method API_KEY is not available on this gateway");
    }
    assertThat(upstream.requests.get()).isEqualTo(upstreamRequests);
  }

  @Test
  void handleWhenTokenMissingThen401WithRealmAndNoErrorCode() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "petstore",
                "/petstore",
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of());

    HttpResponse<String> response = gateway.get("/petstore/pets");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().allValues("www-authenticate"))
        .containsExactly("Bearer realm=\"petstore\"");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.containsKey("error")).isFalse();
    assertThat(problem.getString("detail")).contains("requires identification by JWT");
  }

  @Test
  void handleWhenTokenRejectedThen401InvalidToken() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "petstore",
                "/petstore",
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of());

    HttpResponse<String> response = gateway.get("/petstore/pets", "Authorization", "Bearer x");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate"))
        .hasValue(
            "Bearer realm=\"petstore\", error=\"invalid_token\","
                + " error_description=\"the token has expired\"");
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("invalid_token");
  }

  @Test
  void handleWhenAuthorizationHeaderDuplicatedOrMalformedThen400InvalidRequest() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "petstore",
                "/petstore",
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response twice =
          connection
              .send(
                  "GET /petstore/x HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer app.a\r\n"
                      + "Authorization: Bearer app.b\r\n\r\n")
              .read();
      RawHttpConnection.Response twoSchemes =
          connection
              .send(
                  "GET /petstore/x HTTP/1.1\r\nHost: gw\r\nAuthorization: Basic YTpi\r\n"
                      + "Authorization: Bearer app.b\r\n\r\n")
              .read();
      RawHttpConnection.Response malformed =
          connection
              .send("GET /petstore/x HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer a b\r\n\r\n")
              .read();

      for (RawHttpConnection.Response response : List.of(twice, twoSchemes, malformed)) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("www-authenticate"))
            .startsWith("Bearer realm=\"petstore\", error=\"invalid_request\"");
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("invalid_request");
      }
    }
  }

  @Test
  void handleWhenScopeMissingThen403InsufficientScopeWithRequiredScopes() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "photos",
                "/photos",
                requiring(
                    Set.of(IdentificationMethod.JWT),
                    ApplicationLookup.REGISTERED,
                    List.of("photos.read", "photos.write")))),
        List.of(application("photo-app", List.of("photos/v1"), true)));

    HttpResponse<String> missing =
        gateway.get("/photos/1", "Authorization", "Bearer app.photo-app.photos.read");

    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.headers().firstValue("www-authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"")
        .contains("scope=\"photos.read photos.write\"");
  }

  @Test
  void handleWhenIdentifiedAndAuthorizedThenProxiedWithIdentityAndRecorded() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "photos",
                "/photos",
                requiring(
                    Set.of(IdentificationMethod.JWT),
                    ApplicationLookup.REGISTERED,
                    List.of("read")))),
        List.of(application("photo-app", List.of("photos/v1"), true)));

    HttpResponse<String> response =
        gateway.get(
            "/photos/1",
            "Authorization",
            "Bearer app.photo-app.read",
            "X-Portcullis-Application",
            "forged-app");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject headers = echo(response).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-portcullis-application").getList())
        .containsExactly("photo-app");
    assertThat(headers.getJsonArray("x-portcullis-subject").getList()).containsExactly("photo-app");
    assertThat(headers.getJsonArray("x-portcullis-scopes").getList()).containsExactly("read");
    assertThat(headers.getJsonArray("x-portcullis-issuer").getList())
        .containsExactly(FakeBearerIdentifier.ISSUER);
    assertThat(headers.containsKey("authorization")).isFalse();
    await()
        .untilAsserted(
            () ->
                assertThat(gateway.events)
                    .singleElement()
                    .satisfies(
                        event -> {
                          assertThat(event.api()).isEqualTo("photos/v1");
                          assertThat(event.application()).isEqualTo("photo-app");
                          assertThat(event.identification()).isEqualTo(IdentificationMethod.JWT);
                          assertThat(event.status()).isEqualTo(200);
                          assertThat(event.bytesOut()).isEqualTo(response.body().length());
                          assertThat(event.latencyNanos()).isPositive();
                        }));
  }

  @Test
  void handleWhenAnonymousAllowedThenProxiedWithoutIdentityHeaders() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "pub",
                "/pub",
                IdentifyAndAuthorize.builder()
                    .methods(Set.of(IdentificationMethod.JWT))
                    .allowAnonymous(true)
                    .scopes(List.of("x"))
                    .build())),
        List.of());

    HttpResponse<String> response = gateway.get("/pub/1", "X-Portcullis-Subject", "admin");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(echo(response).getJsonObject("headers").fieldNames())
        .noneMatch(name -> name.startsWith("x-portcullis-"));
  }

  @Test
  void handleWhenRequestsEndThenEachIsRecordedOnceWithItsStatus() throws Exception {
    gateway.publish(
        List.of(
            open("a", "/a", upstream.uri("")),
            jwtApi(
                "secured",
                "/secured",
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of())),
            open(
                "down",
                "/down",
                java.net.URI.create("http://127.0.0.1:" + EchoUpstream.closedPort()))),
        List.of());

    gateway.get("/a/ok");
    gateway.get("/nothing");
    gateway.get("/secured/x");
    gateway.get("/down/x");

    await()
        .untilAsserted(
            () ->
                assertThat(gateway.events)
                    .extracting(TransactionEvent::status)
                    .containsExactlyInAnyOrder(200, 404, 401, 502));
  }

  @Test
  void handleWhenRefusedRequestHasSmallBodyThenConnectionStaysUsable() throws Exception {
    gateway.publish(
        List.of(
            open("a", "/a", upstream.uri("")),
            jwtApi(
                "secured",
                "/secured",
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response refused =
          connection
              .send("POST /secured/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 11\r\n\r\nhello world")
              .read();
      RawHttpConnection.Response next =
          connection
              .send("POST /a/echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\n\r\nnext")
              .read();

      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("connection")).isNull();
      assertThat(next.status()).isEqualTo(200);
      assertThat(new JsonObject(next.body()).getString("body")).isEqualTo("next");
    }
  }

  @Test
  void handleWhenExpectContinueAndAuthorizedThenContinueSentAndBodyProxied() throws Exception {
    gateway.publish(List.of(open("a", "/a", upstream.uri(""))), List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send(
          "PUT /a/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertThat(connection.readStatusOnly()).isEqualTo(100);
      RawHttpConnection.Response response = connection.sendBytes("12345".getBytes()).read();

      JsonObject echo = new JsonObject(response.body());
      assertThat(echo.getString("body")).isEqualTo("12345");
      assertThat(echo.getJsonObject("headers").containsKey("expect")).isFalse();
    }
  }

  @Test
  void handleWhenExpectContinueAndRefusedThenNoContinueAndConnectionCloses() throws Exception {
    gateway.publish(
        List.of(
            jwtApi(
                "secured",
                "/secured",
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response response =
          connection
              .send(
                  "PUT /secured/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n"
                      + "Expect: 100-continue\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(401);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void handleWhenUnsupportedExpectationThen417() throws Exception {
    gateway.publish(List.of(open("a", "/a", upstream.uri(""))), List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response response =
          connection.send("GET /a/x HTTP/1.1\r\nHost: gw\r\nExpect: magic\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(417);
    }
  }

  @Test
  void handleWhenSoapApiRefusesThenSoapFaultInRequestVersion() throws Exception {
    gateway.publish(
        List.of(
            api(
                "soapy",
                ApiType.SOAP,
                "/soap",
                List.of(upstream.uri("")),
                null,
                requiring(Set.of(IdentificationMethod.JWT), ApplicationLookup.GLOBAL, List.of()))),
        List.of());

    HttpResponse<String> soap11 =
        gateway.send(
            HttpRequest.newBuilder(gateway.uri("/soap/svc"))
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("Authorization", "Bearer expired")
                .POST(HttpRequest.BodyPublishers.ofString("<Envelope/>"))
                .build());
    HttpResponse<String> soap12 =
        gateway.send(
            HttpRequest.newBuilder(gateway.uri("/soap/svc"))
                .header("Content-Type", "application/soap+xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("<Envelope/>"))
                .build());

    assertThat(soap11.statusCode()).isEqualTo(401);
    assertThat(soap11.headers().firstValue("content-type")).hasValue("text/xml; charset=utf-8");
    Document fault11 = parse(soap11.body());
    assertThat(fault11.getDocumentElement().getNamespaceURI())
        .isEqualTo("http://schemas.xmlsoap.org/soap/envelope/");
    assertThat(fault11.getElementsByTagName("faultcode").item(0).getTextContent())
        .isEqualTo("soap:Client");
    assertThat(soap11.headers().firstValue("www-authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");

    assertThat(soap12.statusCode()).isEqualTo(401);
    assertThat(soap12.headers().firstValue("content-type"))
        .hasValue("application/soap+xml; charset=utf-8");
    Document fault12 = parse(soap12.body());
    assertThat(fault12.getDocumentElement().getNamespaceURI())
        .isEqualTo("http://www.w3.org/2003/05/soap-envelope");
    assertThat(
            fault12
                .getElementsByTagNameNS("http://www.w3.org/2003/05/soap-envelope", "Value")
                .item(0)
                .getTextContent())
        .isEqualTo("env:Sender");
  }

  static JsonObject echo(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(
            new java.io.ByteArrayInputStream(
                xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
