package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on the purge schedule: records older than {@code retentionDays} go, the per-minute
 * rollups stay until {@code rollups.retentionDays}.
 */
class RecordsRetentionE2ETest {
  @TempDir Path dir;

  @Test
  void purgeWhenRecordsOlderThanRetentionThenDeletedAndRollupsKept() throws Exception {
    Vertx vertx = Vertx.vertx();
    EchoUpstream upstream = new EchoUpstream(vertx);
    Instant start = Instant.now();
    MutableClock clock = new MutableClock(start);
    Map<String, String> env =
        Map.of(
            "UPSTREAM", "http://127.0.0.1:" + upstream.port(),
            "DEAD", "http://127.0.0.1:" + EchoUpstream.closedPort(),
            "PHOTO_APP_SECRET", "photo-app-secret-0123456789");
    try (RunningNode node =
        RunningNode.start(
            RunningNode.configFile("records.yaml", dir), dir.resolve("data"), null, env, clock)) {
      for (int i = 0; i < 3; i++) assertThat(node.get("/open/v1/pets").statusCode()).isEqualTo(200);
      node.flushRecords(3);
      String range = "from=" + start.minusSeconds(600) + "&to=" + start.plusSeconds(600);

      clock.advance(Duration.ofDays(6));
      HttpResponse<String> early = node.admin("POST", "/tokens/purge", null);
      assertThat(new JsonObject(early.body()).getJsonObject("deleted").getInteger("transactions"))
          .isZero();

      clock.advance(Duration.ofDays(2));
      HttpResponse<String> purged = node.admin("POST", "/tokens/purge", null);
      assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
      JsonObject deleted = new JsonObject(purged.body()).getJsonObject("deleted");
      assertThat(deleted.getInteger("transactions")).isEqualTo(3);
      assertThat(deleted.getInteger("transaction_rollups")).isZero();

      HttpResponse<String> records = node.admin("GET", "/transactions?" + range, null);
      assertThat(new JsonObject(records.body()).getJsonArray("items")).isEmpty();
      HttpResponse<String> summary = node.admin("GET", "/analytics/summary?" + range, null);
      assertThat(new JsonObject(summary.body()).getLong("requests")).isEqualTo(3);
    } finally {
      upstream.close();
      vertx.close().await();
    }
  }
}
