package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.store.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node whose store is PostgreSQL ({@code --db jdbc:postgresql://…}) rather than H2. */
class PostgresNodeE2ETest {
  @TempDir Path dir;

  @Test
  void startWhenDbIsPostgresThenConfigIsStoredThereAndCallsAreProxied() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EchoUpstream upstream = new EchoUpstream(vertx);
        RunningNode node =
            RunningNode.start(
                RunningNode.configFile("core.yaml", dir),
                dir.resolve("data"),
                TestDatabases.postgres(),
                Map.of(
                    "UPSTREAM",
                    "http://127.0.0.1:" + upstream.port(),
                    "ALICE_PASSWORD",
                    "alice-password"))) {
      HttpResponse<String> proxied = node.get("/core/v1/pets/1");

      assertThat(proxied.statusCode()).as(proxied.body()).isEqualTo(200);
      assertThat(new JsonObject(proxied.body()).getString("path")).isEqualTo("/pets/1");
      HttpResponse<String> health = node.admin("GET", "/health", null);
      assertThat(new JsonObject(health.body()).getJsonObject("checks").getString("store"))
          .isEqualTo("UP");
      // The H2 file was never created: the registry lives in PostgreSQL.
      try (var files = Files.list(dir.resolve("data"))) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".db"));
      }
    } finally {
      vertx.close().await();
    }
  }
}
