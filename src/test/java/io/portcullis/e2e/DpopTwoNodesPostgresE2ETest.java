package io.portcullis.e2e;

import static io.portcullis.e2e.DpopE2ETest.PUBLIC;
import static io.portcullis.e2e.DpopE2ETest.TOKEN_URL;
import static io.portcullis.e2e.DpopE2ETest.assertDpopRefused;
import static io.portcullis.e2e.DpopE2ETest.assertTokenRefused;
import static io.portcullis.e2e.DpopE2ETest.dpopGet;
import static io.portcullis.e2e.DpopE2ETest.tokenRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.store.TestDatabases;
import io.portcullis.token.issue.KeyEncryptor;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a DPoP proof used on one is refused on the other (the shared {@code
 * dpop_jtis} table decides, not the nodes' memories), at the token endpoint and on the data plane;
 * and a nonce made by one node is accepted by the other (one key in the store).
 */
class DpopTwoNodesPostgresE2ETest {
  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode a;
  static RunningNode b;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    Map<String, String> env = new HashMap<>();
    env.put("UPSTREAM", "http://127.0.0.1:" + upstream.port());
    env.put("PHOTO_APP_SECRET", DpopE2ETest.SECRET);
    env.put("DPOP_NONCE", "true");
    env.put(KeyEncryptor.ENV, Base64.getEncoder().encodeToString(masterKey));
    String db = TestDatabases.postgres();
    Path config = RunningNode.configFile("dpop.yaml", dir);
    a = RunningNode.start(config, dir.resolve("a"), db, env);
    b = RunningNode.start(config, dir.resolve("b"), db, env);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void tokenWhenProofUsedOnOneNodeThenOtherRefusesItAndAcceptsItsNonce() {
    DpopClient client = new DpopClient();
    String nonce =
        tokenRequest(a, "DPoP", client.proof("POST", TOKEN_URL))
            .headers()
            .firstValue("DPoP-Nonce")
            .orElseThrow();
    String proof = client.proof("POST", TOKEN_URL, null, nonce, Instant.now());

    HttpResponse<String> onB = tokenRequest(b, "DPoP", proof);
    assertThat(onB.statusCode())
        .as("a nonce of node a is good on node b: " + onB.body())
        .isEqualTo(200);
    assertTokenRefused(tokenRequest(a, "DPoP", proof), "invalid_dpop_proof", "used before");
  }

  @Test
  void callWhenProofUsedOnOneNodeThenOtherRefusesIt() {
    DpopClient client = new DpopClient();
    String token = boundTokenWithNonce(client);
    String uri = PUBLIC + "/photos/v1/a";
    String nonce =
        dpopGet(a, "/photos/v1/a", token, client.proofFor("GET", uri, token))
            .headers()
            .firstValue("DPoP-Nonce")
            .orElseThrow();
    String proof = client.proof("GET", uri, DpopClient.ath(token), nonce, Instant.now());

    HttpResponse<String> first = dpopGet(b, "/photos/v1/a", token, proof);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertDpopRefused(
        dpopGet(a, "/photos/v1/a", token, proof), "invalid_dpop_proof", "used before");
  }

  /** A bound opaque token from node a (the database store: node b knows it too). */
  private static String boundTokenWithNonce(DpopClient client) {
    String nonce =
        tokenRequest(a, "DPoP", client.proof("POST", TOKEN_URL))
            .headers()
            .firstValue("DPoP-Nonce")
            .orElseThrow();
    HttpResponse<String> issued =
        tokenRequest(a, "DPoP", client.proof("POST", TOKEN_URL, null, nonce, Instant.now()));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    return new JsonObject(issued.body()).getString("access_token");
  }
}
