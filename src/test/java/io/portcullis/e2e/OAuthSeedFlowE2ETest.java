package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow of the Axway seed "OAuth 2.0 Access Token using JWT" through a whole node: an
 * application is registered with its public key, signs a JWT assertion with its private key,
 * exchanges it at the token endpoint for an opaque access token, calls an API with it, has it
 * introspected (with the application's additional parameters) and revoked; a second token expires
 * when the node's clock passes its lifetime and is purged. Run once per token store type.
 */
class OAuthSeedFlowE2ETest {
  static final String ISSUER = "https://gateway.e2e.example";
  static final String TOKEN_URL = ISSUER + "/api/oauth/token";
  static final String PHOTOS = "https://localhost:8090/auth/user.photos";
  static final String CLIENT = "SampleConfidentialApp";
  static final String SECRET = "sample-confidential-secret";

  @TempDir Path dir;
  Vertx vertx;
  EchoUpstream upstream;
  RunningNode node;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));

  @AfterEach
  void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cache", "database"})
  void seedFlowWhenAssertionExchangedThenTokenWorksUntilRevokedOrExpiredAndIsPurged(String store)
      throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node =
        RunningNode.start(
            RunningNode.configFile("oauth-seed.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of("UPSTREAM", "http://127.0.0.1:" + upstream.port(), "TOKEN_STORE", store),
            clock);

    // 1. Register the application with its public key.
    RSAKey key = new RSAKeyGenerator(2048).keyID("sample-1").generate();
    JsonObject app =
        new JsonObject()
            .put("name", CLIENT)
            .put("clientId", CLIENT)
            .put("clientSecret", SECRET)
            .put(
                "jwks",
                new JsonObject().put("keys", new JsonArray().add(key.toPublicJWK().toJSONObject())))
            .put("scopes", new JsonArray().add(PHOTOS))
            .put("apis", new JsonArray().add("photos/v1"))
            .put("tokenParameters", new JsonObject().put("Department", "Engineering"));
    HttpResponse<String> created = node.admin("POST", "/applications", app.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    // 2. Sign an assertion with the private key and exchange it at the token endpoint.
    JsonObject issued = exchange(assertion(key));
    String token = issued.getString("access_token");
    assertThat(token).hasSize(54).matches("[A-Za-z0-9_-]+");
    assertThat(issued.getString("token_type")).isEqualTo("Bearer");
    assertThat(issued.getValue("expires_in")).isEqualTo(3600);
    assertThat(issued.getString("scope")).isEqualTo(PHOTOS);

    // 3. Call the API with it.
    HttpResponse<String> call = node.getWithBearer("/photos/v1/albums", token);
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-portcullis-application").getList()).containsExactly(CLIENT);

    // 4. Introspect: active, with the additional parameters.
    JsonObject introspected = new JsonObject(form("/oauth2/introspect", "token", token).body());
    assertThat(introspected.getBoolean("active")).isTrue();
    assertThat(introspected.getString("client_id")).isEqualTo(CLIENT);
    assertThat(introspected.getString("scope")).isEqualTo(PHOTOS);
    assertThat(introspected.getString("Department")).isEqualTo("Engineering");

    // 5. Revoke: the next call is refused as an invalid token.
    assertThat(form("/oauth2/revoke", "token", token).statusCode()).isEqualTo(200);
    assertInvalidToken(node.getWithBearer("/photos/v1/albums", token));
    assertThat(
            new JsonObject(form("/oauth2/introspect", "token", token).body()).getBoolean("active"))
        .isFalse();

    // 6. A second token expires with its lifetime (the node's clock moves; nobody sleeps) ...
    String second = exchange(assertion(key)).getString("access_token");
    assertThat(node.getWithBearer("/photos/v1/albums", second).statusCode()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(3600));
    assertInvalidToken(node.getWithBearer("/photos/v1/albums", second));

    // ... and is purged (purgeInterval is 1 s in this configuration).
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> listed =
                  node.admin("GET", "/applications/" + CLIENT + "/tokens", null);
              assertThat(listed.statusCode()).isEqualTo(200);
              assertThat(new JsonArray(listed.body())).isEmpty();
            });
  }

  private String assertion(RSAKey key) throws Exception {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(CLIENT)
            .subject(CLIENT)
            .audience(TOKEN_URL)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(120)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private JsonObject exchange(String assertion) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    params.put("assertion", assertion);
    params.put("scope", PHOTOS);
    HttpResponse<String> r =
        RunningNode.send(
            node.gateway("/api/oauth/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(encode(params)))
                .build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    return new JsonObject(r.body());
  }

  /** A form POST to the gateway, authenticated as the client with client_secret_basic. */
  private HttpResponse<String> form(String path, String... nameValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) params.put(nameValues[i], nameValues[i + 1]);
    return RunningNode.send(
        node.gateway(path)
            .header("Authorization", RunningNode.basic(CLIENT, SECRET))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(BodyPublishers.ofString(encode(params)))
            .build());
  }

  private static void assertInvalidToken(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    Challenge challenge = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
    assertThat(challenge.scheme()).isEqualTo("Bearer");
    assertThat(challenge.params()).containsEntry("error", "invalid_token");
  }

  private static String encode(Map<String, String> params) {
    return params.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
