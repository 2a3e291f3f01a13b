package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.store.TestDatabases;
import io.portcullis.token.issue.KeyEncryptor;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole nodes on one PostgreSQL database, both serving calls in the same minutes: each node's
 * records name it, and the records and analytics read through either node are exactly the sum of
 * both nodes' calls (the rollup rows of a minute are added into by both).
 */
class RecordsTwoNodesPostgresE2ETest {
  private static final int OK_ON_A = 7;
  private static final int OK_ON_B = 5;
  private static final int REFUSED_ON_A = 2;
  private static final int REFUSED_ON_B = 4;
  private static final int ON_A = OK_ON_A + REFUSED_ON_A;
  private static final int ON_B = OK_ON_B + REFUSED_ON_B;

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode a;
  static RunningNode b;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    String db = TestDatabases.postgres();
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    Map<String, String> env =
        Map.of(
            "UPSTREAM",
            "http://127.0.0.1:" + upstream.port(),
            KeyEncryptor.ENV,
            Base64.getEncoder().encodeToString(masterKey));
    Path config = RunningNode.configFile("records-cluster.yaml", dir);
    a = RunningNode.start(config, dir.resolve("a"), db, env);
    b = RunningNode.start(config, dir.resolve("b"), db, env);
    // Interleaved, so that both nodes write the same minutes.
    for (int i = 0; i < Math.max(ON_A, ON_B); i++) {
      if (i < OK_ON_A) assertThat(a.get("/open/v1/pets").statusCode()).isEqualTo(200);
      if (i < OK_ON_B) assertThat(b.get("/open/v1/pets").statusCode()).isEqualTo(200);
      if (i < REFUSED_ON_A) {
        assertThat(a.getWithBearer("/secured/v1/pets", "unknown").statusCode()).isEqualTo(401);
      }
      if (i < REFUSED_ON_B) {
        assertThat(b.getWithBearer("/secured/v1/pets", "unknown").statusCode()).isEqualTo(401);
      }
    }
    awaitWritten(a, ON_A);
    awaitWritten(b, ON_B);
  }

  /**
   * Waits until the node has stored this many records: a record is queued when the response has
   * ended on the server, which may be just after the client read it.
   */
  private static void awaitWritten(RunningNode node, long records) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long written;
    do {
      assertThat(node.node().transactionRecords().flush(Duration.ofSeconds(30))).isTrue();
      written = adminJson(node, "/analytics/recording").getLong("written");
      if (written < records) Thread.sleep(50);
    } while (written < records && System.nanoTime() < deadline);
    assertThat(written).isEqualTo(records);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void summaryWhenBothNodesServedTheSameMinutesThenEitherNodeCountsExactlyTheSum() {
    for (RunningNode node : List.of(a, b)) {
      JsonObject summary = adminJson(node, "/analytics/summary");
      assertThat(summary.getLong("requests")).isEqualTo(ON_A + ON_B);
      assertThat(summary.getLong("errors")).isEqualTo(REFUSED_ON_A + REFUSED_ON_B);
      assertThat(summary.getJsonObject("byStatusClass").getLong("2xx"))
          .isEqualTo(OK_ON_A + OK_ON_B);
      assertThat(summary.getJsonObject("byStatusClass").getLong("4xx"))
          .isEqualTo(REFUSED_ON_A + REFUSED_ON_B);

      long points =
          adminJson(node, "/analytics/timeseries?interval=minute").getJsonArray("points").stream()
              .mapToLong(p -> ((JsonObject) p).getLong("requests"))
              .sum();
      assertThat(points).isEqualTo(ON_A + ON_B);
      JsonObject reasons = adminJson(node, "/analytics/top?by=reason");
      assertThat(reasons.getJsonArray("items").getJsonObject(0).getLong("requests"))
          .isEqualTo(REFUSED_ON_A + REFUSED_ON_B);
    }
  }

  @Test
  void transactionsWhenReadThroughEitherNodeThenEveryCallOnceEachNamingItsNode() {
    Map<String, Integer> expected = Map.of(nodeName(a), ON_A, nodeName(b), ON_B);
    for (RunningNode node : List.of(a, b)) {
      List<JsonObject> records = allRecords(node);
      Map<String, Integer> byNode = new TreeMap<>();
      for (JsonObject r : records) byNode.merge(r.getString("node"), 1, Integer::sum);

      assertThat(records).hasSize(ON_A + ON_B);
      assertThat(records.stream().map(r -> r.getString("id")).distinct()).hasSize(ON_A + ON_B);
      assertThat(byNode).isEqualTo(expected);
    }
  }

  /** The node name as a node writes it: {@code host:gatewayPort}, told apart by the port. */
  private static String nodeName(RunningNode node) {
    String suffix = ":" + node.node().gatewayPort();
    return allRecords(a).stream()
        .map(r -> r.getString("node"))
        .filter(n -> n.endsWith(suffix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record names a node ending " + suffix));
  }

  private static List<JsonObject> allRecords(RunningNode node) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page =
          adminJson(node, "/transactions?limit=5" + (cursor == null ? "" : "&cursor=" + cursor));
      page.getJsonArray("items").forEach(item -> all.add((JsonObject) item));
      cursor = page.getString("next");
      assertThat(++pages).isLessThan(100);
    } while (cursor != null);
    return all;
  }

  private static JsonObject adminJson(RunningNode node, String pathAndQuery) {
    HttpResponse<String> r = node.admin("GET", pathAndQuery, null);
    assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
