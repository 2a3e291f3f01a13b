package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.monitor.log.ProductionEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Hostile traffic at the authorization-server endpoints of a whole node with a real upstream: forms
 * built to be expensive, tokens in the query, credential guessing and forged log lines.
 */
class HostileTrafficE2ETest {
  static final String SECRET = "photo-app-secret-0123456789";
  static final String ALICE = "alice-password-0123456789";

  /** The 64 KiB form of the finding: a valid grant, then 32,700 parameters named {@code a}. */
  static final String FLOOD = "grant_type=client_credentials&" + "a&".repeat(32_700);

  /** 64 KiB of distinct names: over the parameter limit without any repeat. */
  static final String DISTINCT = distinctNames(64 * 1024);

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node = startNode(RunningNode.configFile("hostile.yaml", dir), dir, upstream, Clock.systemUTC());
  }

  /** A node of {@code config} (hostile.yaml or a variant) with its secrets and upstream. */
  static RunningNode startNode(Path config, Path dir, EchoUpstream upstream, Clock clock) {
    return RunningNode.start(
        config,
        dir.resolve("data"),
        null,
        Map.of(
            "UPSTREAM",
            "http://127.0.0.1:" + upstream.port(),
            "PHOTO_APP_SECRET",
            SECRET,
            "ALICE_PASSWORD",
            ALICE),
        clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  private static String distinctNames(int size) {
    StringBuilder form = new StringBuilder("grant_type=client_credentials");
    for (int i = 0; form.length() < size - 8; i++) form.append("&p").append(i);
    return form.toString();
  }

  private static HttpRequest form(String path, String body) {
    return node.gateway(path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static void assertInvalidRequest(HttpResponse<String> r, String description) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo("invalid_request");
    assertThat(body.getString("error_description")).contains(description);
  }

  @Test
  void tokenWhenFormFloodedWithParametersThen400AndOpenApiNotHeldUp() throws Exception {
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> floods = new ArrayList<>();
    for (String path :
        List.of(
            "/oauth2/token",
            "/oauth2/introspect",
            "/oauth2/revoke",
            "/api/oauth/token",
            "/api/oauth/revoke",
            "/api/oauth/tokeninfo",
            "/oauth2/token",
            "/oauth2/token")) {
      floods.add(RunningNode.http().sendAsync(form(path, FLOOD), BodyHandlers.ofString()));
      floods.add(RunningNode.http().sendAsync(form(path, DISTINCT), BodyHandlers.ofString()));
    }
    // Before the fix each flood held an event loop for about 8 s (nimbus URLUtils, measured); a
    // proxied call waited behind them, and the 16 floods took over a minute on 2 cores. Now each
    // takes milliseconds; the bounds leave a loaded machine room to stall a thread for seconds.
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> open = node.get("/open/v1/ping");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(millis).as("open call %d took %d ms", i, millis).isLessThan(5_000);
    }
    for (int i = 0; i < floods.size(); i++) {
      assertInvalidRequest(
          floods.get(i).get(30, TimeUnit.SECONDS),
          i % 2 == 0 ? "parameter 'a' is repeated" : "the form has more than 64 parameters");
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(millis).as("the floods were answered in %d ms", millis).isLessThan(20_000);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/oauth2/token",
        "/oauth2/introspect",
        "/oauth2/revoke",
        "/api/oauth/token",
        "/api/oauth/revoke",
        "/api/oauth/tokeninfo"
      })
  void formWhenParameterRepeatedOrBadlyEncodedThenInvalidRequestNamingIt(String path) {
    assertInvalidRequest(
        RunningNode.send(form(path, "token=x&client_id=photo-app&token=y")),
        "parameter 'token' is repeated");
    assertInvalidRequest(
        RunningNode.send(form(path, "token=x&client_id=photo%2-app")),
        "value of form parameter 'client_id' is not valid form encoding");
    assertInvalidRequest(
        RunningNode.send(form(path, "token=x&client_id=%ff%fe")),
        "value of form parameter 'client_id' is not valid form encoding");
    assertInvalidRequest(
        RunningNode.send(form(path, "token=x&%zz=1")),
        "the name of form parameter 2 is not valid form encoding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/oauth2/jwt", "/rest/pub/apigateway/jwt/getJsonWebToken"})
  void jwtWhenFormFloodPostedThenRefusedAsNotJson(String path) {
    HttpResponse<String> r =
        RunningNode.send(
            node.gateway(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", RunningNode.basic("alice", ALICE))
                .POST(HttpRequest.BodyPublishers.ofString(FLOOD))
                .build());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("the body must be a JSON object");
  }

  @Test
  void logWhenClientIdOrAppIdCarriesCrLfThenNoForgedLine() throws Exception {
    String forged = "x\r\n2026-01-01T00:00:00.000Z level=INFO logger=Admin msg=\"forged\"";
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      HttpResponse<String> token =
          RunningNode.send(
              form(
                  "/oauth2/token",
                  "grant_type=client_credentials&client_secret=wrong&client_id="
                      + URLEncoder.encode(forged, StandardCharsets.UTF_8)));
      assertThat(token.statusCode()).as(token.body()).isEqualTo(401);
      HttpResponse<String> jwt =
          RunningNode.send(
              node.gateway(
                      "/oauth2/jwt?app_id=" + URLEncoder.encode(forged, StandardCharsets.UTF_8))
                  .header("Authorization", RunningNode.basic("alice", ALICE))
                  .GET()
                  .build());
      assertThat(jwt.statusCode()).as(jwt.body()).isEqualTo(403);
    } finally {
      root.detachAppender(captured);
    }
    List<String> lines =
        captured.list.stream()
            .filter(e -> e.getKeyValuePairs() != null)
            .filter(
                e ->
                    e.getKeyValuePairs().stream()
                        .anyMatch(p -> String.valueOf(p.value).contains("forged")))
            .map(ProductionEncoder::line)
            .toList();
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(line.strip()).doesNotContain("\r", "\n");
      assertThat(line).endsWith(System.lineSeparator());
      assertThat(line)
          .contains("\\r\\n2026-01-01T00:00:00.000Z level=INFO logger=Admin msg=\\\"forged\\\"\"");
    }
    assertThat(lines.get(0)).contains("client_id=\"x\\r\\n");
    assertThat(lines.get(1)).contains("app_id=\"x\\r\\n");
  }

  private static String clientCredentialsToken() {
    HttpResponse<String> r =
        RunningNode.send(
            node.gateway("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", RunningNode.basic("photo-app", SECRET))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "access_token=other",
        "a=1&access_token=other",
        "a=1;ACCESS.TOKEN=other",
        "access%5Ftoken=other",
        "access+token"
      })
  void callWhenBearerHeaderAndAccessTokenQueryThenInvalidRequestAndNothingForwarded(String query) {
    String token = clientCredentialsToken();
    int before = upstream.requests.get();

    HttpResponse<String> r = node.getWithBearer("/photos/v1/list?" + query, token);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_request\"");
    assertThat(r.body()).contains("access_token query parameter; send one");
    assertThat(upstream.requests.get()).isEqualTo(before);
    assertThat(node.getWithBearer("/photos/v1/list?a=1", token).statusCode()).isEqualTo(200);
  }

  @Test
  void callWhenAccessTokenInQueryThenNeverForwardedUpstream() {
    HttpResponse<String> open =
        node.get("/open/v1/list?a=1&access_token=secret-1;Access.Token=secret-2&b=%2F");
    assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
    assertThat(new JsonObject(open.body()).getString("query")).isEqualTo("a=1&b=%2F");
    assertThat(open.body()).doesNotContain("secret-");

    HttpResponse<String> only = node.get("/open/v1/list?access_token=secret-3");
    assertThat(only.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(only.body()).getString("query")).isNull();
    assertThat(new JsonObject(only.body()).getString("uri")).isEqualTo("/list");

    // The gateway does not read tokens from the query: a protected API sees no credentials.
    String token = clientCredentialsToken();
    int before = upstream.requests.get();
    HttpResponse<String> photos = node.get("/photos/v1/list?access_token=" + token);
    assertThat(photos.statusCode()).as(photos.body()).isEqualTo(401);
    assertThat(upstream.requests.get()).isEqualTo(before);
  }
}
