package io.portcullis.gateway.proxy;

import static io.portcullis.gateway.ApiFixtures.api;
import static io.portcullis.gateway.ApiFixtures.application;
import static io.portcullis.gateway.ApiFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.gateway.FakeBearerIdentifier;
import io.portcullis.gateway.RawHttpConnection;
import io.portcullis.gateway.RunningGateway;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Timeouts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

class UpstreamProxyTest {
  private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
  private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";

  private static Vertx upstreamVertx;
  private static EchoUpstream upstream;
  private static EchoUpstream second;
  private static RunningGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new EchoUpstream(upstreamVertx, "first");
    second = new EchoUpstream(upstreamVertx, "second");
    gateway =
        new RunningGateway(
            RunningGateway.settings().withLimits(8 * 1024, 8 * 1024, 1024 * 1024),
            List.of(new FakeBearerIdentifier(IdentificationMethod.JWT)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
    second.close();
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void forwardWhenRoutedThenBasePathStrippedUpstreamPathPrefixedAndQueryKept() throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri("/backend/"))), List.of());

    JsonObject echo = echo(gateway.get("/shop/items/1?x=1&y=a%20b&x=2"));

    assertThat(echo.getString("path")).isEqualTo("/backend/items/1");
    assertThat(echo.getString("query")).isEqualTo("x=1&y=a%20b&x=2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "POST", "PATCH", "DELETE"})
  void forwardWhenBodySentThenMethodAndBodyArriveUnchanged(String method) throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

    JsonObject echo =
        echo(
            gateway.send(
                HttpRequest.newBuilder(gateway.uri("/shop/items/1"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"name\":\"ünï\"}"))
                    .header("Content-Type", "application/json")
                    .build()));

    assertThat(echo.getString("method")).isEqualTo(method);
    assertThat(echo.getString("body")).isEqualTo("{\"name\":\"ünï\"}");
  }

  @Test
  void forwardWhenBodyIsChunkedThenItArrivesWhole() throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

    JsonObject echo =
        echo(
            gateway.send(
                HttpRequest.newBuilder(gateway.uri("/shop/items"))
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream("chunked body".getBytes())))
                    .build()));

    assertThat(echo.getString("body")).isEqualTo("chunked body");
    assertThat(echo.getJsonObject("headers").getJsonArray("transfer-encoding").getList())
        .containsExactly("chunked");
  }

  @Test
  void forwardWhenHopByHopHeadersSentThenNeitherDirectionForwardsThem() throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response request =
          connection
              .send(
                  "GET /shop/x HTTP/1.1\r\nHost: gw\r\nConnection: keep-alive, X-Private\r\n"
                      + "X-Private: secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                      + "Trailer: X-Sum\r\nUpgrade: foo/2\r\nProxy-Connection: keep-alive\r\n"
                      + "Proxy-Authorization: Basic YTpi\r\nX-End-To-End: kept\r\n\r\n")
              .read();
      RawHttpConnection.Response response =
          connection.send("GET /shop/hop HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      JsonObject headers = new JsonObject(request.body()).getJsonObject("headers");
      assertThat(headers.fieldNames())
          .doesNotContain(
              "x-private",
              "keep-alive",
              "te",
              "trailer",
              "upgrade",
              "proxy-connection",
              "proxy-authorization")
          .contains("x-end-to-end");
      assertThat(headers.getJsonArray("connection", null)).isNull();
      assertThat(response.headers().keySet())
          .doesNotContain("x-upstream-private", "keep-alive", "proxy-authenticate", "trailer")
          .contains("x-upstream-public");
      assertThat(response.header("connection")).isNull();
      assertThat(response.body()).isEqualTo("hop");
    }
  }

  @Test
  void forwardWhenClientSendsForwardingHeadersThenTheyAreReplacedAndHostIsUpstreams()
      throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

    JsonObject headers =
        echo(gateway.get(
                "/shop/x",
                "X-Forwarded-For",
                "6.6.6.6",
                "X-Forwarded-Host",
                "evil.example",
                "X-Forwarded-Proto",
                "https",
                "Forwarded",
                "for=6.6.6.6"))
            .getJsonObject("headers");

    String gatewayAuthority = "127.0.0.1:" + gateway.server.port();
    assertThat(headers.getJsonArray("host").getList())
        .containsExactly("127.0.0.1:" + upstream.port());
    assertThat(headers.getJsonArray("x-forwarded-for").getList()).containsExactly("127.0.0.1");
    assertThat(headers.getJsonArray("x-forwarded-proto").getList()).containsExactly("http");
    assertThat(headers.getJsonArray("x-forwarded-host").getList())
        .containsExactly(gatewayAuthority);
    assertThat(headers.getJsonArray("forwarded").getList())
        .containsExactly("for=127.0.0.1;proto=http;host=\"" + gatewayAuthority + "\"");
  }

  @Test
  void forwardWhenForwardingHeadersTrustedThenTheyAreExtended() throws Exception {
    try (RunningGateway trusting =
        new RunningGateway(RunningGateway.settings().withTrustForwardedHeaders(true), List.of())) {
      trusting.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

      JsonObject headers =
          echo(trusting.get(
                  "/shop/x",
                  "X-Forwarded-For",
                  "203.0.113.7",
                  "X-Forwarded-Proto",
                  "https",
                  "X-Forwarded-Host",
                  "api.example.com",
                  "Forwarded",
                  "for=\"[2001:db8::7]\";proto=https"))
              .getJsonObject("headers");

      assertThat(headers.getJsonArray("x-forwarded-for").getList())
          .containsExactly("203.0.113.7, 127.0.0.1");
      assertThat(headers.getJsonArray("x-forwarded-proto").getList()).containsExactly("https");
      assertThat(headers.getJsonArray("x-forwarded-host").getList())
          .containsExactly("api.example.com");
      assertThat(headers.getJsonArray("forwarded").getString(0))
          .startsWith("for=\"[2001:db8::7]\";proto=https, for=127.0.0.1;proto=http;host=");
    }
  }

  @Test
  void forwardWhenClientForgesIdentityHeadersThenOnlyTheGatewaysArrive() throws Exception {
    IdentifyAndAuthorize policy =
        IdentifyAndAuthorize.builder()
            .methods(Set.of(IdentificationMethod.JWT))
            .applicationLookup(ApplicationLookup.GLOBAL)
            .claimHeaders(Map.of("X-Department", "department", "X-Missing", "nope"))
            .build();
    gateway.publish(
        List.of(api("shop", ApiType.REST, "/shop", List.of(upstream.uri("")), null, policy)),
        List.of(application("photo-app", List.of(), true)));

    JsonObject headers =
        echo(gateway.get(
                "/shop/x",
                "Authorization",
                "Bearer app.photo-app.read.write",
                "x-portcullis-subject",
                "root",
                "X-PORTCULLIS-ROLE",
                "admin",
                "X-Department",
                "Finance",
                "X-Missing",
                "forged"))
            .getJsonObject("headers");

    assertThat(headers.getJsonArray("x-portcullis-subject").getList()).containsExactly("photo-app");
    assertThat(headers.getJsonArray("x-portcullis-scopes").getList()).containsExactly("read write");
    assertThat(headers.getJsonArray("x-department").getList()).containsExactly("Engineering");
    assertThat(headers.fieldNames()).doesNotContain("x-portcullis-role", "x-missing");
    assertThat(headers.fieldNames()).doesNotContain("authorization");
  }

  @Test
  void forwardWhenPolicyForwardsAuthorizationThenItArrives() throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());

    JsonObject headers =
        echo(gateway.get("/shop/x", "Authorization", "Basic dXNlcjpwYXNz"))
            .getJsonObject("headers");

    assertThat(headers.getJsonArray("authorization").getList())
        .containsExactly("Basic dXNlcjpwYXNz");
  }

  @Test
  void forwardWhenApiHasTwoUpstreamsThenRequestsAlternate() throws Exception {
    gateway.publish(
        List.of(
            api(
                "shop",
                ApiType.REST,
                "/shop",
                List.of(upstream.uri(""), second.uri("")),
                null,
                IdentifyAndAuthorize.OPEN)),
        List.of());

    List<String> served = new ArrayList<>();
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      for (int i = 0; i < 4; i++) {
        RawHttpConnection.Response response =
            connection.send("GET /shop/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();
        served.add(new JsonObject(response.body()).getString("upstream"));
      }
    }

    assertThat(served).containsExactlyInAnyOrder("first", "second", "first", "second");
    assertThat(served.get(0)).isNotEqualTo(served.get(1));
  }

  @Test
  void forwardWhenUpstreamRefusesConnectionThen502ProblemForRest() throws Exception {
    gateway.publish(
        List.of(open("down", "/down", URI.create("http://127.0.0.1:" + EchoUpstream.closedPort()))),
        List.of());

    HttpResponse<String> response = gateway.get("/down/x");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("title")).isEqualTo("Bad Gateway");
    assertThat(problem.getString("detail")).endsWith("refused the connection");
  }

  @Test
  void forwardWhenUpstreamDoesNotAcceptWithinConnectTimeoutThen502() throws Exception {
    // A listener that never accepts, with its accept queue full: the kernel drops further SYNs.
    try (java.net.ServerSocket stuck =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> queued = new ArrayList<>();
      try {
        while (true) {
          java.net.Socket socket = new java.net.Socket();
          queued.add(socket);
          try {
            socket.connect(stuck.getLocalSocketAddress(), 200);
          } catch (java.net.SocketTimeoutException full) {
            break;
          }
        }
        gateway.publish(
            List.of(
                api(
                    "stuck",
                    ApiType.REST,
                    "/stuck",
                    List.of(URI.create("http://127.0.0.1:" + stuck.getLocalPort())),
                    new Timeouts(300, 5_000),
                    IdentifyAndAuthorize.OPEN)),
            List.of());

        HttpResponse<String> response = gateway.get("/stuck/x");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(response.body()).getString("detail"))
            .endsWith("did not accept a connection within the connect timeout of 300 ms");
      } finally {
        for (java.net.Socket socket : queued) socket.close();
      }
    }
  }

  @Test
  void forwardWhenHttpsUpstreamCertificateIsUntrustedThen502() throws Exception {
    io.vertx.core.net.SelfSignedCertificate certificate =
        io.vertx.core.net.SelfSignedCertificate.create("localhost");
    io.vertx.core.http.HttpServer tls =
        RunningGateway.await(
            upstreamVertx
                .createHttpServer(
                    new io.vertx.core.http.HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(request -> request.response().end("secret"))
                .listen(0, "127.0.0.1"));
    try {
      gateway.publish(
          List.of(open("tls", "/tls", URI.create("https://localhost:" + tls.actualPort()))),
          List.of());

      HttpResponse<String> response = gateway.get("/tls/x");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(new JsonObject(response.body()).getString("detail"))
          .endsWith(
              "failed the TLS handshake (untrusted certificate, wrong host name or protocol)");
    } finally {
      RunningGateway.await(tls.close());
      certificate.delete();
    }
  }

  @Test
  void forwardWhenUpstreamTooSlowThen504ProblemForRest() throws Exception {
    gateway.publish(
        List.of(
            api(
                "slow",
                ApiType.REST,
                "/slow",
                List.of(upstream.uri("")),
                new Timeouts(1_000, 200),
                IdentifyAndAuthorize.OPEN)),
        List.of());

    HttpResponse<String> response = gateway.get("/slow/sleep/5000");

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("detail"))
        .contains("did not answer within the response timeout of 200 ms");
  }

  @Test
  void forwardWhenUpstreamFallsSilentMidBodyThenClientResponseIsCutOffAndNextCallWorks()
      throws Exception {
    io.vertx.core.http.HttpServer silent =
        upstreamVertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  if (request.path().endsWith("/fine")) {
                    request.response().end("fine");
                  } else {
                    request.response().setChunked(true).write("the first chunk, then nothing");
                  }
                });
    int port = RunningGateway.await(silent.listen(0, "127.0.0.1")).actualPort();
    try {
      gateway.publish(
          List.of(
              api(
                  "silent",
                  ApiType.REST,
                  "/silent",
                  List.of(URI.create("http://127.0.0.1:" + port)),
                  new Timeouts(1_000, 30_000, 300),
                  IdentifyAndAuthorize.OPEN)),
          List.of());

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> gateway.get("/silent/stall"))
          .isInstanceOf(java.io.IOException.class);
      assertThat(gateway.get("/silent/fine").body()).isEqualTo("fine");
    } finally {
      RunningGateway.await(silent.close());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/xml; charset=utf-8", "application/soap+xml; charset=utf-8"})
  void forwardWhenSoapUpstreamUnreachableOrSlowThenFaultInRequestVersion(String contentType)
      throws Exception {
    int closed = EchoUpstream.closedPort();
    gateway.publish(
        List.of(
            api(
                "down",
                ApiType.SOAP,
                "/down",
                List.of(URI.create("http://127.0.0.1:" + closed)),
                null,
                IdentifyAndAuthorize.OPEN),
            api(
                "slow",
                ApiType.SOAP,
                "/slow",
                List.of(upstream.uri("")),
                new Timeouts(1_000, 200),
                IdentifyAndAuthorize.OPEN)),
        List.of());
    boolean soap12 = contentType.startsWith("application/soap+xml");
    String namespace = soap12 ? SOAP12 : SOAP11;

    for (String path : List.of("/down/svc", "/slow/sleep/5000")) {
      HttpResponse<String> response =
          gateway.send(
              HttpRequest.newBuilder(gateway.uri(path))
                  .header("Content-Type", contentType)
                  .POST(HttpRequest.BodyPublishers.ofString("<Envelope/>"))
                  .build());

      int status = path.startsWith("/down") ? 502 : 504;
      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(response.headers().firstValue("content-type")).hasValue(contentType);
      Document fault = parse(response.body());
      assertThat(fault.getDocumentElement().getNamespaceURI()).isEqualTo(namespace);
      assertThat(fault.getDocumentElement().getLocalName()).isEqualTo("Envelope");
      assertThat(fault.getElementsByTagNameNS(namespace, "Fault").getLength()).isEqualTo(1);
      if (soap12) {
        assertThat(fault.getElementsByTagNameNS(SOAP12, "Value").item(0).getTextContent())
            .isEqualTo("env:Receiver");
        assertThat(fault.getElementsByTagNameNS(SOAP12, "Text").item(0).getTextContent())
            .startsWith(status == 502 ? "Bad Gateway: upstream" : "Gateway Timeout: upstream");
      } else {
        assertThat(fault.getElementsByTagName("faultcode").item(0).getTextContent())
            .isEqualTo("soap:Server");
        assertThat(fault.getElementsByTagName("faultstring").item(0).getTextContent())
            .startsWith(status == 502 ? "Bad Gateway: upstream" : "Gateway Timeout: upstream");
      }
      assertThat(
              fault
                  .getElementsByTagNameNS("urn:portcullis:fault", "status")
                  .item(0)
                  .getTextContent())
          .isEqualTo(Integer.toString(status));
    }
  }

  @Test
  void forwardWhenChunkedBodyExceedsLimitThen413AndUpstreamRequestReset() throws Exception {
    gateway.publish(List.of(open("up", "/up", upstream.uri(""))), List.of());
    upstream.sinkReceived.set(0);
    byte[] chunk = new byte[64 * 1024];

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send("POST /up/sink HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int sent = 0; sent <= 1024 * 1024; sent += chunk.length) {
        connection.send(Integer.toHexString(chunk.length) + "\r\n");
        connection.sendBytes(chunk);
        connection.send("\r\n");
      }
      RawHttpConnection.Response response = connection.send("0\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(new JsonObject(response.body()).getString("detail"))
          .isEqualTo("the request body exceeds the limit of 1048576 bytes");
      assertThat(connection.closedByServer()).isTrue();
    }
    assertThat(upstream.sinkReceived.get()).isLessThanOrEqualTo(1024 * 1024);
  }

  @Test
  void forwardWhenDeclaredLengthExceedsLimitThen413BeforeAnythingIsForwarded() throws Exception {
    gateway.publish(List.of(open("up", "/up", upstream.uri(""))), List.of());
    int upstreamRequests = upstream.requests.get();

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response response =
          connection
              .send("POST /up/sink HTTP/1.1\r\nHost: gw\r\nContent-Length: 2000000\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(connection.closedByServer()).isTrue();
    }
    assertThat(upstream.requests.get()).isEqualTo(upstreamRequests);
  }

  @Test
  void forwardWhenUpstreamAnswersWithoutLengthThenBodyIsRelayedChunked() throws Exception {
    gateway.publish(List.of(open("up", "/up", upstream.uri(""))), List.of());

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      RawHttpConnection.Response streamed =
          connection.send("GET /up/stream/100000 HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      RawHttpConnection.Response noContent =
          connection.send("GET /up/status/204 HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      RawHttpConnection.Response head =
          connection.send("HEAD /up/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();
      RawHttpConnection.Response after =
          connection.send("GET /up/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      assertThat(streamed.header("transfer-encoding")).isEqualTo("chunked");
      assertThat(streamed.bytes()).hasSize(100000);
      assertThat(noContent.status()).isEqualTo(204);
      assertThat(head.status()).isEqualTo(200);
      assertThat(after.status()).isEqualTo(200);
      assertThat(new JsonObject(after.body()).getString("method")).isEqualTo("GET");
    }
  }

  @Test
  void forwardWhenUpstreamAnswersBeforeReadingBodyThenClientConnectionGoesOn() throws Exception {
    gateway.publish(List.of(open("up", "/up", upstream.uri(""))), List.of());
    byte[] body = new byte[512 * 1024];

    // The gateway takes an upstream connection once the body buffer is full: the client sends that
    // much, then waits for the answer before sending the rest.
    int buffered = io.portcullis.gateway.GatewaySettings.DEFAULT_BODY_BUFFER;
    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send(
          "POST /up/status/403 HTTP/1.1\r\nHost: gw\r\nContent-Length: "
              + body.length
              + "\r\n\r\n");
      connection.sendBytes(java.util.Arrays.copyOf(body, buffered));
      RawHttpConnection.Response early = connection.read();
      connection.sendBytes(java.util.Arrays.copyOfRange(body, buffered, body.length));
      RawHttpConnection.Response next =
          connection.send("GET /up/x HTTP/1.1\r\nHost: gw\r\n\r\n").read();

      assertThat(early.status()).isEqualTo(403);
      assertThat(next.status()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(gateway.get("/up/x").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void forwardWhenClientGoesAwayThenUpstreamRequestIsReset() throws Exception {
    gateway.publish(List.of(open("up", "/up", upstream.uri(""))), List.of());
    int closedBefore = upstream.closedWhileHeld.get();
    int heldBefore = upstream.heldCount();

    try (RawHttpConnection connection = new RawHttpConnection(gateway.server.port())) {
      connection.send("GET /up/hold HTTP/1.1\r\nHost: gw\r\n\r\n");
      await().until(() -> upstream.heldCount() > heldBefore);
    }

    await().until(() -> upstream.closedWhileHeld.get() > closedBefore);
    upstream.releaseHeld();
  }

  @Test
  void forwardWhenAnHttp2HeaderValueHasAControlCharacterThen400AndTheUpstreamPoolStaysUsable()
      throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());
    // Netty's HTTP/2 decoder lets DEL through in values (HTTP/1.1's refuses it); Vert.x refuses it
    // when the upstream request is built. More refusals than the upstream pool has connections:
    // none may keep one.
    for (int i = 0; i < 40; i++) {
      RawH2.Answer answer = RawH2.get(gateway.server.port(), "/shop/odd", "x-odd", "a\u007fb");

      assertThat(answer.headerBlocks()).isEqualTo(1);
      assertThat(answer.body())
          .contains("\"status\":400", "cannot be forwarded")
          .doesNotContain("a\u007fb");
    }
    assertThat(gateway.get("/shop/plain").statusCode()).isEqualTo(200);
  }

  @Test
  void forwardWhenClientSpeaksHttp2ClearTextThenProxied() throws Exception {
    gateway.publish(List.of(open("shop", "/shop", upstream.uri(""))), List.of());
    HttpClientAgent h2 =
        upstreamVertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    try {
      HttpClientResponse[] head = new HttpClientResponse[1];
      Buffer body =
          RunningGateway.await(
              h2.request(
                      new RequestOptions()
                          .setMethod(HttpMethod.POST)
                          .setHost("127.0.0.1")
                          .setPort(gateway.server.port())
                          .setURI("/shop/h2?q=1")
                          .addHeader("cookie", "a=1")
                          .addHeader("cookie", "b=2"))
                  .compose(request -> request.send(Buffer.buffer("over h2")))
                  .compose(
                      response -> {
                        head[0] = response;
                        return response.body();
                      }));
      HttpClientResponse response = head[0];

      assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject echo = new JsonObject(body.toString());
      assertThat(echo.getString("path")).isEqualTo("/h2");
      assertThat(echo.getString("body")).isEqualTo("over h2");
      assertThat(echo.getJsonObject("headers").getJsonArray("cookie").getList())
          .containsExactly("a=1; b=2");

      Buffer get =
          RunningGateway.await(
              h2.request(HttpMethod.GET, gateway.server.port(), "127.0.0.1", "/shop/plain")
                  .compose(request -> request.send())
                  .compose(HttpClientResponse::body));
      Buffer missing =
          RunningGateway.await(
              h2.request(HttpMethod.GET, gateway.server.port(), "127.0.0.1", "/nowhere")
                  .compose(request -> request.send())
                  .compose(HttpClientResponse::body));
      assertThat(new JsonObject(get.toString()).getString("method")).isEqualTo("GET");
      assertThat(new JsonObject(missing.toString()).getInteger("status")).isEqualTo(404);
    } finally {
      RunningGateway.await(h2.close());
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      nullValues = "null",
      value = {
        "/shop, http://u, /shop, null, /",
        "/shop, http://u, /shop/, null, /",
        "/shop, http://u/base, /shop, null, /base",
        "/shop, http://u/base/, /shop/, null, /base/",
        "/shop, http://u/base, /shop/a/b, x=1, /base/a/b?x=1",
        "/, http://u/base, /, null, /base/",
        "/, http://u/base, /a, null, /base/a",
        "/, http://u, /a%2Fb, q, /a%2Fb?q"
      })
  void upstreamUriWhenPathsThenBaseStrippedAndUpstreamPathPrefixed(
      String basePath, String upstreamUrl, String path, String query, String expected) {
    io.portcullis.registry.Api api = open("shop", basePath, URI.create(upstreamUrl));

    assertThat(UpstreamProxy.upstreamUri(URI.create(upstreamUrl), api, path, query))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "photo-app, photo-app",
    "https://localhost:8090/auth/user.photos, https://localhost:8090/auth/user.photos",
    "100%, 100%25",
    "jöhn, j%C3%B6hn",
    "'a\r\nb', a%0D%0Ab"
  })
  void encodeWhenIdentityValueThenOnlyUnsafeCharactersPercentEncoded(String value, String sent) {
    assertThat(RequestTransformer.encode(value)).isEqualTo(sent);
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
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
