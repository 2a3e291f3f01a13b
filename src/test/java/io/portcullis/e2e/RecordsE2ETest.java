package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.monitor.LatencyHistogram;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transaction records and analytics through a whole node on H2: a known mix of calls (200s, 401s to
 * a protected API, 502s to a dead upstream, unmatched paths, an API with records off, token
 * endpoint calls) comes back from {@code /transactions} exactly, page by page, and the analytics
 * agree with the raw records; records survive a restart.
 */
@TestMethodOrder(OrderAnnotation.class)
class RecordsE2ETest {
  static final String SECRET = "photo-app-secret-0123456789";
  static final int RECORDED = 17;

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;
  static Map<String, String> env;
  static String accessToken;
  static HttpResponse<String> tracedCall;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    int deadPort = EchoUpstream.closedPort();
    env =
        Map.of(
            "UPSTREAM",
            "http://127.0.0.1:" + upstream.port(),
            "DEAD",
            "http://127.0.0.1:" + deadPort,
            "PHOTO_APP_SECRET",
            SECRET);
    node = startNode();
    makeCalls();
  }

  static RunningNode startNode() {
    return RunningNode.start(
        RunningNode.configFile("records.yaml", dir), dir.resolve("data"), null, env);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  /** The known mix: 17 recorded calls (9× 2xx, 6× 4xx, 2× 5xx) and 3 unrecorded ones. */
  static void makeCalls() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(node.get("/open/v1/pets?apikey=query-secret").statusCode()).isEqualTo(200);
    }
    tracedCall = node.get("/open/v1/pets", "X-Request-Id", "caller-id.42");
    assertThat(tracedCall.statusCode()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(node.getWithBearer("/secured/v1/pets", "not-a-known-token").statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> issued = token(SECRET);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    accessToken = new JsonObject(issued.body()).getString("access_token");
    assertThat(token("wrong-secret").statusCode()).isEqualTo(401);
    for (int i = 0; i < 2; i++) {
      assertThat(node.getWithBearer("/secured/v1/pets", accessToken).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(node.get("/dead/v1/pets").statusCode()).isEqualTo(502);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(node.get("/nowhere/at/all").statusCode()).isEqualTo(404);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(node.get("/quiet/v1/pets").statusCode()).isEqualTo(200);
    }
    node.flushRecords(RECORDED);
  }

  static HttpResponse<String> token(String secret) {
    String form = "grant_type=" + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8);
    return RunningNode.send(
        node.gateway("/oauth2/token")
            .header("Authorization", RunningNode.basic("photo-app", secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(BodyPublishers.ofString(form))
            .build());
  }

  static JsonObject adminJson(String pathAndQuery) {
    HttpResponse<String> r = node.admin("GET", pathAndQuery, null);
    assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Every record, page by page. */
  static List<JsonObject> allRecords(int limit) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page =
          adminJson("/transactions?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
      page.getJsonArray("items").forEach(item -> all.add((JsonObject) item));
      cursor = page.getString("next");
      assertThat(++pages).isLessThan(100);
    } while (cursor != null);
    return all;
  }

  @Test
  void transactionsWhenPagedThenExactlyTheRecordedCallsNewestFirst() {
    List<JsonObject> records = allRecords(4);

    assertThat(records).hasSize(RECORDED);
    Set<String> ids = new HashSet<>();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Instant previous = Instant.MAX;
    for (JsonObject r : records) {
      ids.add(r.getString("id"));
      byStatus.merge(r.getInteger("status"), 1, Integer::sum);
      Instant time = Instant.parse(r.getString("time"));
      assertThat(time).isBeforeOrEqualTo(previous);
      previous = time;
      assertThat(r.getString("path")).doesNotContain("?").doesNotStartWith("/quiet");
      assertThat(r.getString("node")).isNotBlank();
      assertThat(r.getString("client")).isEqualTo("127.0.0.1");
    }
    assertThat(ids).hasSize(RECORDED);
    assertThat(byStatus).isEqualTo(Map.of(200, 9, 401, 4, 404, 2, 502, 2));
    String all = new JsonArray(new ArrayList<>(records)).encode();
    assertThat(all).doesNotContain("query-secret", "not-a-known-token", accessToken, SECRET);
  }

  @Test
  void transactionsWhenCallsRefusedThenReasonIdentityAndUpstreamTimesRecorded() {
    List<JsonObject> records = allRecords(100);
    List<JsonObject> refused =
        records.stream().filter(r -> "secured/v1".equals(r.getString("api"))).toList();
    assertThat(refused.stream().filter(r -> r.getInteger("status") == 401))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getString("reason")).startsWith("invalid_token: "));
    assertThat(refused.stream().filter(r -> r.getInteger("status") == 200))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.getString("application")).isEqualTo("photo-app");
              assertThat(r.getString("identification")).isEqualTo("OAUTH2_TOKEN");
              assertThat(r.getString("reason")).isNull();
              assertThat(r.getDouble("upstreamLatencyMs")).isNotNull();
            });
    assertThat(records.stream().filter(r -> r.getInteger("status") == 502))
        .allSatisfy(
            r -> {
              assertThat(r.getString("api")).isEqualTo("dead/v1");
              assertThat(r.getString("reason")).contains("upstream");
            });
    assertThat(records.stream().filter(r -> r.getInteger("status") == 404))
        .allSatisfy(r -> assertThat(r.getString("api")).isNull());
    List<JsonObject> tokenCalls =
        records.stream().filter(r -> "/oauth2/token".equals(r.getString("path"))).toList();
    assertThat(tokenCalls)
        .extracting(r -> r.getInteger("status"))
        .containsExactlyInAnyOrder(200, 401);
    assertThat(tokenCalls).allSatisfy(r -> assertThat(r.getString("method")).isEqualTo("POST"));
  }

  @Test
  void transactionsWhenTokenEndpointRefusesThenReasonIsTheOAuthErrorCodeAlone() {
    List<JsonObject> tokenCalls =
        allRecords(100).stream().filter(r -> "/oauth2/token".equals(r.getString("path"))).toList();

    assertThat(tokenCalls)
        .filteredOn(r -> r.getInteger("status") == 401)
        .singleElement()
        .satisfies(r -> assertThat(r.getString("reason")).isEqualTo("invalid_client"));
    assertThat(tokenCalls)
        .filteredOn(r -> r.getInteger("status") == 200)
        .singleElement()
        .satisfies(r -> assertThat(r.getString("reason")).isNull());
  }

  @Test
  void requestIdWhenWellFormedThenKeptSentUpstreamAndBackAndRecorded() {
    assertThat(tracedCall.headers().firstValue("X-Request-Id")).hasValue("caller-id.42");
    JsonObject echoed = new JsonObject(tracedCall.body());
    assertThat(echoed.getJsonObject("headers").getJsonArray("x-request-id").getString(0))
        .isEqualTo("caller-id.42");
    assertThat(allRecords(100)).anyMatch(r -> r.getString("id").equals("caller-id.42"));
  }

  @Test
  void requestIdWhenMalformedThenReplacedByANewOne() {
    HttpResponse<String> r = node.get("/quiet/v1/pets", "X-Request-Id", "bad id;with spaces");
    String id = r.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(id).isNotEqualTo("bad id;with spaces").matches("[A-Za-z0-9._-]{1,64}");
  }

  @Test
  void analyticsWhenAskedThenAgreeWithTheRawRecords() {
    List<JsonObject> records = allRecords(100);
    long bytesIn = records.stream().mapToLong(r -> r.getLong("bytesIn")).sum();
    long bytesOut = records.stream().mapToLong(r -> r.getLong("bytesOut")).sum();

    JsonObject summary = adminJson("/analytics/summary");
    assertThat(summary.getLong("requests")).isEqualTo(RECORDED);
    assertThat(summary.getLong("errors")).isEqualTo(8);
    assertThat(summary.getDouble("errorRate")).isEqualTo(8.0 / RECORDED);
    assertThat(summary.getLong("bytesIn")).isEqualTo(bytesIn);
    assertThat(summary.getLong("bytesOut")).isEqualTo(bytesOut);
    assertThat(summary.getJsonObject("byStatusClass").getMap())
        .containsEntry("2xx", 9)
        .containsEntry("4xx", 6)
        .containsEntry("5xx", 2);

    JsonObject series = adminJson("/analytics/timeseries?interval=minute");
    assertThat(series.getString("interval")).isEqualTo("minute");
    long requests = 0;
    long errors = 0;
    for (Object p : series.getJsonArray("points")) {
      requests += ((JsonObject) p).getLong("requests");
      errors += ((JsonObject) p).getLong("errors");
    }
    assertThat(requests).isEqualTo(RECORDED);
    assertThat(errors).isEqualTo(8);
    JsonObject hourly = adminJson("/analytics/timeseries?interval=hour");
    assertThat(
            hourly.getJsonArray("points").stream()
                .mapToLong(p -> ((JsonObject) p).getLong("requests"))
                .sum())
        .isEqualTo(RECORDED);

    JsonObject byStatus = adminJson("/analytics/top?by=status");
    assertThat(byStatus.getJsonArray("items").getJsonObject(0))
        .isEqualTo(new JsonObject().put("key", "200").put("requests", 9).put("errors", 0));
    JsonObject byApi = adminJson("/analytics/top?by=api");
    Map<String, Long> apis = new HashMap<>();
    byApi
        .getJsonArray("items")
        .forEach(
            i -> apis.put(((JsonObject) i).getString("key"), ((JsonObject) i).getLong("requests")));
    assertThat(apis).isEqualTo(Map.of("open/v1", 6L, "secured/v1", 5L, "dead/v1", 2L));
    JsonObject byApplication = adminJson("/analytics/top?by=application");
    assertThat(byApplication.getJsonArray("items").getJsonObject(0).getString("key"))
        .isEqualTo("photo-app");
    JsonObject byReason = adminJson("/analytics/top?by=reason&limit=1");
    assertThat(byReason.getJsonArray("items")).hasSize(1);
    assertThat(byReason.getJsonArray("items").getJsonObject(0).getString("key"))
        .startsWith("invalid_token: ");
    assertThat(byReason.getJsonArray("items").getJsonObject(0).getLong("requests")).isEqualTo(3);
  }

  @Test
  void percentilesWhenReadFromRollupsThenWithinOneBucketOfTheRawRecords() {
    List<Double> latencies =
        new ArrayList<>(allRecords(100).stream().map(r -> r.getDouble("latencyMs")).toList());
    latencies.sort(Double::compare);
    JsonObject summary = adminJson("/analytics/summary");
    for (Map.Entry<String, Double> q :
        Map.of("p50Ms", 0.5, "p95Ms", 0.95, "p99Ms", 0.99).entrySet()) {
      double raw = latencies.get((int) Math.ceil(q.getValue() * latencies.size()) - 1);
      double fromRollups = summary.getDouble(q.getKey());
      int rawBucket = LatencyHistogram.bucketOf(Math.round(raw * 1000));
      int rollupBucket = LatencyHistogram.bucketOf(Math.round(fromRollups * 1000));
      assertThat(Math.abs(rawBucket - rollupBucket)).as(q.getKey()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void transactionsWhenCsvThenEveryMatchingRecordStreamed() {
    HttpResponse<String> byParam = node.admin("GET", "/transactions?format=csv&limit=1", null);
    assertThat(byParam.statusCode()).isEqualTo(200);
    assertThat(byParam.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    String[] lines = byParam.body().split("\r\n");
    assertThat(lines[0]).startsWith("id,time,node,method,path");
    assertThat(lines.length - 1).isEqualTo(allRecords(100).size());

    HttpResponse<String> byAccept =
        RunningNode.send(
            HttpRequest.newBuilder(node.adminUri("/transactions?status=401"))
                .header("Authorization", RunningNode.basic("admin", RunningNode.ADMIN_PASSWORD))
                .header("Accept", "text/csv")
                .build());
    assertThat(byAccept.statusCode()).isEqualTo(200);
    assertThat(byAccept.body().split("\r\n")).hasSize(1 + 4);
  }

  @Test
  void analyticsWhenParametersBadThen400NamingTheParameter() {
    Map<String, String> bad =
        Map.of(
            "/transactions?from=yesterday", "from",
            "/transactions?to=2026-13-01T00:00:00Z", "to",
            "/transactions?cursor=bm9wZQ", "cursor",
            "/transactions?limit=0", "limit",
            "/transactions?status=abc", "status",
            "/analytics/timeseries?interval=week", "interval",
            "/analytics/top?by=colour", "by",
            "/analytics/summary?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from");
    bad.forEach(
        (path, parameter) -> {
          HttpResponse<String> r = node.admin("GET", path, null);
          assertThat(r.statusCode()).as(path).isEqualTo(400);
          assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
          assertThat(r.body()).as(path).contains(parameter);
        });
  }

  @Test
  void metricsWhenCallsMadeThenAuthorizationServerAndDropsCounted() {
    HttpResponse<String> metrics = node.admin("GET", "/metrics", null);
    assertThat(metrics.body())
        .contains("portcullis_requests_total{api=\"authorization-server\",status=\"2xx\"}")
        .contains("portcullis_requests_total{api=\"authorization-server\",status=\"4xx\"}")
        .contains("portcullis_records_dropped_total{reason=\"queue_full\"} 0.0")
        .contains("portcullis_records_dropped_total{reason=\"store_failed\"} 0.0");
    JsonObject recording = adminJson("/analytics/recording");
    assertThat(recording.getBoolean("enabled")).isTrue();
    assertThat(recording.getLong("written")).isGreaterThanOrEqualTo(RECORDED);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void recordsWhenNodeRestartedThenStillThere() throws Exception {
    List<String> before = allRecords(100).stream().map(r -> r.getString("id")).toList();
    node.close();
    node = startNode();
    assertThat(allRecords(100).stream().map(r -> r.getString("id")).toList())
        .containsExactlyElementsOf(before);
    assertThat(adminJson("/analytics/summary").getLong("requests")).isEqualTo(RECORDED);
  }
}
