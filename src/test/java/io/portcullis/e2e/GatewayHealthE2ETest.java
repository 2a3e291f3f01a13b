package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness on the gateway port, at its default path and at a configured one; the store's pool, now
 * behind its circuit breaker, still measured on {@code /metrics}.
 */
class GatewayHealthE2ETest {
  private static final String NODE =
      "gateway:\n  listen: 127.0.0.1:0\nadmin:\n  listen: 127.0.0.1:0\n";

  @TempDir Path dir;

  private RunningNode start(String yaml) {
    return RunningNode.startWithYaml(dir, yaml);
  }

  @Test
  void healthWhenDefaultPathThenReadyWithTheStoreAndOnlyGetOrHead() {
    try (RunningNode node = start(NODE)) {
      HttpResponse<String> get = node.get("/.well-known/portcullis/health");
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo("{\"status\":\"UP\",\"store\":\"UP\"}");
      assertThat(get.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(get.headers().firstValue("Cache-Control")).contains("no-store");

      HttpResponse<String> head =
          RunningNode.send(
              node.gateway("/.well-known/portcullis/health")
                  .method("HEAD", BodyPublishers.noBody())
                  .build());
      assertThat(head.statusCode()).isEqualTo(200);

      HttpResponse<String> post =
          RunningNode.send(
              node.gateway("/.well-known/portcullis/health")
                  .POST(BodyPublishers.ofString("{}"))
                  .build());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");

      assertThat(node.get("/.well-known/portcullis/health/deeper").statusCode()).isEqualTo(404);
      // The authorization server's own well-known path is still its own.
      assertThat(node.get("/.well-known/oauth-authorization-server").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void healthWhenPathConfiguredThenServedThereOnly() {
    try (RunningNode node =
        start(
            NODE.replace(
                "  listen: 127.0.0.1:0\nadmin",
                "  listen: 127.0.0.1:0\n  healthPath: /healthz\nadmin"))) {
      HttpResponse<String> get = node.get("/healthz");
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo("{\"status\":\"UP\",\"store\":\"UP\"}");
      assertThat(node.get("/.well-known/portcullis/health").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void metricsWhenNodeRunsThenTheStorePoolIsMeasured() {
    try (RunningNode node = start(NODE)) {
      HttpResponse<String> metrics = node.admin("GET", "/metrics", null);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("hikaricp_connections");
    }
  }
}
