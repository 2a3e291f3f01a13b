package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPoP (RFC 9449) through a whole node, with a client built from the RFC and the JDK ({@link
 * DpopClient}): tokens bound at the token endpoint and at {@code /oauth2/jwt}, accepted on the data
 * plane only with a proof of the same key for the very request, and every refusal with the RFC's
 * error. The node's public URL ({@code https://gateway.e2e.example}) is what proofs name in {@code
 * htu}, though the test reaches the node on 127.0.0.1: {@code htu} is the URL as the client sees
 * it.
 */
class DpopE2ETest {
  static final String SECRET = "photo-app-secret-for-dpop-e2e";
  static final String PUBLIC = "https://gateway.e2e.example";
  static final String TOKEN_URL = PUBLIC + "/oauth2/token";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;
  static RunningNode nonceNode;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    Path config = RunningNode.configFile("dpop.yaml", dir);
    node = RunningNode.start(config, dir.resolve("plain"), null, env("false"));
    nonceNode = RunningNode.start(config, dir.resolve("nonce"), null, env("true"));
  }

  static Map<String, String> env(String nonce) {
    return Map.of(
        "UPSTREAM",
        "http://127.0.0.1:" + upstream.port(),
        "PHOTO_APP_SECRET",
        SECRET,
        "DPOP_NONCE",
        nonce);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (nonceNode != null) nonceNode.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  // ------------------------------------------------------------------ helpers

  /** client_credentials at /oauth2/token, with these extra headers (a DPoP proof). */
  static HttpResponse<String> tokenRequest(RunningNode on, String... headers) {
    HttpRequest.Builder request =
        on.gateway("/oauth2/token")
            .header("Authorization", RunningNode.basic("photo-app", SECRET))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return RunningNode.send(request.build());
  }

  /** A DPoP-bound opaque access token for this client's key. */
  static String boundToken(RunningNode on, DpopClient client) {
    HttpResponse<String> answer = tokenRequest(on, "DPoP", client.proof("POST", TOKEN_URL));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonObject(answer.body()).getString("access_token");
  }

  static String bearerToken(RunningNode on) {
    HttpResponse<String> answer = tokenRequest(on);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonObject(answer.body()).getString("access_token");
  }

  /** A GET with {@code Authorization: DPoP <token>} and this proof (none when null). */
  static HttpResponse<String> dpopGet(RunningNode on, String path, String token, String proof) {
    return proof == null
        ? on.get(path, "Authorization", "DPoP " + token)
        : on.get(path, "Authorization", "DPoP " + token, "DPoP", proof);
  }

  static void assertDpopRefused(HttpResponse<String> call, String error, String description) {
    assertThat(call.statusCode()).as(call.body()).isEqualTo(401);
    Challenge challenge =
        Challenge.parse(call.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertThat(challenge.scheme()).isEqualTo("DPoP");
    assertThat(challenge.param("error")).isEqualTo(error);
    assertThat(challenge.param("error_description")).contains(description);
    assertThat(call.headers().firstValue("X-Upstream-Public")).isEmpty();
  }

  static void assertTokenRefused(HttpResponse<String> answer, String error, String description) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    JsonObject body = new JsonObject(answer.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("error_description")).contains(description);
  }

  // ------------------------------------------------------------------ token endpoint

  @Test
  void tokenWhenProofThenDpopTypeAndIntrospectionNamesTheKeysThumbprint() {
    DpopClient client = new DpopClient();
    HttpResponse<String> answer = tokenRequest(node, "DPoP", client.proof("POST", TOKEN_URL));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonObject body = new JsonObject(answer.body());
    assertThat(body.getString("token_type")).isEqualTo("DPoP");
    HttpResponse<String> introspection =
        RunningNode.send(
            node.gateway("/oauth2/introspect")
                .header("Authorization", RunningNode.basic("photo-app", SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString("token=" + body.getString("access_token")))
                .build());
    JsonObject active = new JsonObject(introspection.body());
    assertThat(active.getBoolean("active")).isTrue();
    assertThat(active.getString("token_type")).isEqualTo("DPoP");
    assertThat(active.getJsonObject("cnf").getString("jkt")).isEqualTo(client.thumbprint());
  }

  @Test
  void tokenWhenNoProofThenBearerAsBefore() {
    HttpResponse<String> answer = tokenRequest(node);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(new JsonObject(answer.body()).getString("token_type")).isEqualTo("Bearer");
  }

  @Test
  void tokenWhenSameProofTwiceThenSecondRefusedInvalidDpopProof() {
    DpopClient client = new DpopClient();
    String proof = client.proof("POST", TOKEN_URL);
    assertThat(tokenRequest(node, "DPoP", proof).statusCode()).isEqualTo(200);

    assertTokenRefused(tokenRequest(node, "DPoP", proof), "invalid_dpop_proof", "used before");
  }

  @Test
  void tokenWhenPrivateKeyInJwkThenInvalidDpopProof() {
    DpopClient client = new DpopClient();
    String proof =
        client.signed(
            DpopClient.header("dpop+jwt", "ES256", client.privateJwk()),
            DpopClient.payload("POST", TOKEN_URL, null, null, Instant.now()));

    assertTokenRefused(tokenRequest(node, "DPoP", proof), "invalid_dpop_proof", "private");
  }

  @Test
  void tokenWhenHs256ProofThenInvalidDpopProofNamingTheAlgorithm() {
    DpopClient client = new DpopClient();
    String proof =
        DpopClient.hmacSigned(
            DpopClient.header("dpop+jwt", "HS256", client.publicJwk()),
            DpopClient.payload("POST", TOKEN_URL, null, null, Instant.now()),
            DpopClient.bytes(32));

    assertTokenRefused(
        tokenRequest(node, "DPoP", proof), "invalid_dpop_proof", "alg must be an asymmetric");
  }

  @Test
  void tokenWhenTypMissingThenInvalidDpopProof() {
    DpopClient client = new DpopClient();
    String proof =
        client.signed(
            DpopClient.header(null, "ES256", client.publicJwk()),
            DpopClient.payload("POST", TOKEN_URL, null, null, Instant.now()));

    assertTokenRefused(
        tokenRequest(node, "DPoP", proof), "invalid_dpop_proof", "typ must be dpop+jwt");
  }

  @Test
  void tokenWhenIatTooOldThenInvalidDpopProof() {
    DpopClient client = new DpopClient();
    String proof = client.proof("POST", TOKEN_URL, null, null, Instant.now().minusSeconds(120));

    assertTokenRefused(
        tokenRequest(node, "DPoP", proof), "invalid_dpop_proof", "iat is more than 60 s");
  }

  @Test
  void tokenWhenIatInTheFutureThenInvalidDpopProof() {
    DpopClient client = new DpopClient();
    String proof = client.proof("POST", TOKEN_URL, null, null, Instant.now().plusSeconds(60));

    assertTokenRefused(tokenRequest(node, "DPoP", proof), "invalid_dpop_proof", "in the future");
  }

  @Test
  void tokenWhenProofForAnotherUrlOrMethodThenInvalidDpopProof() {
    DpopClient client = new DpopClient();

    assertTokenRefused(
        tokenRequest(node, "DPoP", client.proof("POST", "https://elsewhere.example/oauth2/token")),
        "invalid_dpop_proof",
        "htu must be " + TOKEN_URL);
    assertTokenRefused(
        tokenRequest(node, "DPoP", client.proof("GET", TOKEN_URL)),
        "invalid_dpop_proof",
        "htm must be POST");
  }

  @Test
  void tokenWhenHtuHasQueryAndUpperCaseHostThenAccepted() {
    DpopClient client = new DpopClient();
    String proof = client.proof("POST", "https://GATEWAY.e2e.example:443/oauth2/token?x=1#f");

    assertThat(tokenRequest(node, "DPoP", proof).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenTwoProofsOrGarbageThenInvalidDpopProof() {
    DpopClient client = new DpopClient();
    assertTokenRefused(
        tokenRequest(
            node, "DPoP", client.proof("POST", TOKEN_URL), "DPoP", client.proof("POST", TOKEN_URL)),
        "invalid_dpop_proof",
        "2 DPoP headers");
    assertTokenRefused(
        tokenRequest(node, "DPoP", "not-a-jwt"), "invalid_dpop_proof", "not a signed JWT");
  }

  @Test
  void metadataWhenReadThenListsDpopAlgorithms() {
    HttpResponse<String> metadata = node.get("/.well-known/oauth-authorization-server");

    assertThat(
            new JsonObject(metadata.body())
                .getJsonArray("dpop_signing_alg_values_supported")
                .getList())
        .contains("ES256", "RS256", "PS256", "EdDSA")
        .doesNotContain("HS256", "none");
  }

  // ------------------------------------------------------------------ data plane

  @Test
  void callWhenBoundOpaqueTokenAndProofThen200() {
    DpopClient client = new DpopClient();
    String token = boundToken(node, client);

    HttpResponse<String> call =
        dpopGet(
            node,
            "/photos/v1/albums?page=2",
            token,
            client.proofFor("GET", PUBLIC + "/photos/v1/albums", token));

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    // The proof, like the token it comes with, stays at the gateway.
    JsonObject upstreamSaw = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(upstreamSaw.fieldNames()).doesNotContain("dpop", "authorization");
  }

  @Test
  void callWhenBoundJwtFromJwtEndpointAndProofThen200AndJwtCarriesCnfJkt() {
    DpopClient client = new DpopClient();
    HttpResponse<String> issued =
        RunningNode.send(
            node.gateway("/oauth2/jwt")
                .header("Authorization", RunningNode.basic("photo-app", SECRET))
                .header("DPoP", client.proof("GET", PUBLIC + "/oauth2/jwt"))
                .build());
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    JsonObject body = new JsonObject(issued.body());
    assertThat(body.getString("token_type")).isEqualTo("DPoP");
    String jwt = body.getString("jwt");
    JsonObject claims =
        new JsonObject(
            new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    assertThat(claims.getJsonObject("cnf").getString("jkt")).isEqualTo(client.thumbprint());

    HttpResponse<String> call =
        dpopGet(node, "/strict/v1/a", jwt, client.proofFor("GET", PUBLIC + "/strict/v1/a", jwt));

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    assertDpopRefused(
        node.getWithBearer("/strict/v1/a", jwt), "invalid_token", "the access token is DPoP-bound");
  }

  @Test
  void callWhenSameProofTwiceThen401InvalidDpopProof() {
    DpopClient client = new DpopClient();
    String token = boundToken(node, client);
    String proof = client.proofFor("GET", PUBLIC + "/photos/v1/a", token);
    assertThat(dpopGet(node, "/photos/v1/a", token, proof).statusCode()).isEqualTo(200);

    assertDpopRefused(
        dpopGet(node, "/photos/v1/a", token, proof), "invalid_dpop_proof", "used before");
  }

  @Test
  void callWhenProofFromAnotherKeyThen401InvalidDpopProof() {
    DpopClient client = new DpopClient();
    String token = boundToken(node, client);
    DpopClient thief = new DpopClient();

    assertDpopRefused(
        dpopGet(node, "/photos/v1/a", token, thief.proofFor("GET", PUBLIC + "/photos/v1/a", token)),
        "invalid_dpop_proof",
        "another key");
  }

  @Test
  void callWhenWrongHtuHtmOrAthThen401InvalidDpopProof() {
    DpopClient client = new DpopClient();
    String token = boundToken(node, client);

    assertDpopRefused(
        dpopGet(
            node, "/photos/v1/a", token, client.proofFor("GET", PUBLIC + "/photos/v1/b", token)),
        "invalid_dpop_proof",
        "htu must be " + PUBLIC + "/photos/v1/a");
    assertDpopRefused(
        dpopGet(
            node,
            "/photos/v1/a",
            token,
            client.proofFor("GET", "http://127.0.0.1:1/photos/v1/a", token)),
        "invalid_dpop_proof",
        "htu must be");
    assertDpopRefused(
        dpopGet(
            node, "/photos/v1/a", token, client.proofFor("POST", PUBLIC + "/photos/v1/a", token)),
        "invalid_dpop_proof",
        "htm must be GET");
    assertDpopRefused(
        dpopGet(
            node,
            "/photos/v1/a",
            token,
            client.proofFor("GET", PUBLIC + "/photos/v1/a", "another-token")),
        "invalid_dpop_proof",
        "ath");
    assertDpopRefused(
        dpopGet(node, "/photos/v1/a", token, client.proof("GET", PUBLIC + "/photos/v1/a")),
        "invalid_dpop_proof",
        "no ath");
  }

  @Test
  void callWhenDpopTokenWithoutProofThen401InvalidDpopProof() {
    DpopClient client = new DpopClient();
    String token = boundToken(node, client);

    assertDpopRefused(
        dpopGet(node, "/photos/v1/a", token, null), "invalid_dpop_proof", "no DPoP header");
  }

  @Test
  void callWhenBoundTokenAsPlainBearerThen401InvalidToken() {
    DpopClient client = new DpopClient();
    String token = boundToken(node, client);

    assertDpopRefused(
        node.getWithBearer("/photos/v1/a", token),
        "invalid_token",
        "the access token is DPoP-bound");
  }

  @Test
  void callWhenUnboundTokenThen200WhereAllowedAnd401WhereRequired() {
    String token = bearerToken(node);

    assertThat(node.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);
    assertDpopRefused(
        node.getWithBearer("/strict/v1/a", token),
        "invalid_token",
        "requires a sender-constrained token");
  }

  @Test
  void callWhenUnboundTokenSentWithDpopSchemeThen401InvalidToken() {
    DpopClient client = new DpopClient();
    String token = bearerToken(node);

    assertDpopRefused(
        dpopGet(
            node, "/photos/v1/a", token, client.proofFor("GET", PUBLIC + "/photos/v1/a", token)),
        "invalid_token",
        "not DPoP-bound");
  }

  // ------------------------------------------------------------------ server nonces

  @Test
  void tokenWhenServerAsksForNonceThenUseDpopNonceAndRetryWithItSucceeds() {
    DpopClient client = new DpopClient();
    HttpResponse<String> first = tokenRequest(nonceNode, "DPoP", client.proof("POST", TOKEN_URL));
    assertTokenRefused(first, "use_dpop_nonce", "requires a nonce");
    String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();

    HttpResponse<String> retry =
        tokenRequest(
            nonceNode, "DPoP", client.proof("POST", TOKEN_URL, null, nonce, Instant.now()));

    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(new JsonObject(retry.body()).getString("token_type")).isEqualTo("DPoP");
    assertTokenRefused(
        tokenRequest(
            nonceNode, "DPoP", client.proof("POST", TOKEN_URL, null, "made-up", Instant.now())),
        "use_dpop_nonce",
        "not current");
  }

  @Test
  void callWhenServerAsksForNonceThen401UseDpopNonceWithNonceAndRetrySucceeds() {
    DpopClient client = new DpopClient();
    HttpResponse<String> first = tokenRequest(nonceNode, "DPoP", client.proof("POST", TOKEN_URL));
    String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
    HttpResponse<String> issued =
        tokenRequest(
            nonceNode, "DPoP", client.proof("POST", TOKEN_URL, null, nonce, Instant.now()));
    String token = new JsonObject(issued.body()).getString("access_token");
    String uri = PUBLIC + "/photos/v1/a";

    HttpResponse<String> call =
        dpopGet(nonceNode, "/photos/v1/a", token, client.proofFor("GET", uri, token));
    assertDpopRefused(call, "use_dpop_nonce", "nonce");
    String fresh = call.headers().firstValue("DPoP-Nonce").orElseThrow();

    HttpResponse<String> retry =
        dpopGet(
            nonceNode,
            "/photos/v1/a",
            token,
            client.proof("GET", uri, DpopClient.ath(token), fresh, Instant.now()));
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
  }

  @Test
  void configWhenDpopSettingsThenExportShowsThem() throws Exception {
    HttpResponse<String> server = node.admin("GET", "/authorization-servers/local", null);

    assertThat(server.statusCode()).as(server.body()).isEqualTo(200);
    JsonObject dpop = new JsonObject(server.body()).getJsonObject("dpop");
    assertThat(dpop.getBoolean("nonce")).isFalse();
    assertThat(dpop.getLong("proofMaxAge")).isEqualTo(60);
    assertThat(Files.exists(dir.resolve("dpop.yaml"))).isTrue();
  }
}
