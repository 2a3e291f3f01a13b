package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's flow through a whole node started from a configuration file: the application is
 * registered with its public key, signs an assertion, exchanges it for an opaque token, which is
 * introspected and revoked; the store type is the one the file names, and with the database store
 * tokens and used assertion jtis survive a restart, while with the cache store old tokens become
 * invalid.
 */
class OAuthTokenE2ETest {
  static final String TOKEN_URL = "https://gateway.e2e.example/oauth2/token";
  static final String SECRET = "photo-app-secret";

  @TempDir Path dir;

  private static Map<String, String> env(String store) {
    return Map.of("PHOTO_APP_SECRET", SECRET, "TOKEN_STORE", store);
  }

  /** The configuration file, with the application's public key written in as a JWK set. */
  private Path config(RSAKey key) throws Exception {
    Path config = RunningNode.configFile("oauth-grant.yaml", dir);
    String text = Files.readString(config);
    Files.writeString(
        config, text.replace("PHOTO_APP_JWKS", new JWKSet(key.toPublicJWK()).toString()));
    return config;
  }

  private static String assertion(RSAKey key) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer("photo-app")
                .subject("photo-app")
                .audience(TOKEN_URL)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static HttpResponse<String> post(
      RunningNode node, String path, String authorization, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        node.gateway(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    return RunningNode.send(b.build());
  }

  private static JsonObject introspect(RunningNode node, String token) {
    HttpResponse<String> r =
        post(
            node,
            "/oauth2/introspect",
            RunningNode.basic("photo-app", SECRET),
            Map.of("token", token));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  @Test
  void tokenWhenDatabaseStoreThenSeedFlowWorksAndSurvivesRestart() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("photo-1").generate();
    Path config = config(key);
    String assertion = assertion(key);
    String access;
    String refresh;
    try (RunningNode node = RunningNode.start(config, dir.resolve("data"), null, env("database"))) {
      HttpResponse<String> r =
          post(
              node,
              "/oauth2/token",
              null,
              Map.of(
                  "grant_type",
                  "urn:ietf:params:oauth:grant-type:jwt-bearer",
                  "assertion",
                  assertion));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
      JsonObject body = new JsonObject(r.body());
      access = body.getString("access_token");
      refresh = body.getString("refresh_token");
      assertThat(access).hasSize(54);
      assertThat(body.getString("token_type")).isEqualTo("Bearer");
      assertThat(body.getValue("expires_in")).isEqualTo(3600);

      JsonObject active = introspect(node, access);
      assertThat(active.getBoolean("active")).isTrue();
      assertThat(active.getString("Department")).isEqualTo("Engineering");
      assertThat(active.getString("iss")).isEqualTo("https://gateway.e2e.example");

      JsonObject metadata =
          new JsonObject(node.get("/.well-known/oauth-authorization-server").body());
      assertThat(metadata.getString("token_endpoint")).isEqualTo(TOKEN_URL);
    }

    try (RunningNode node = RunningNode.start(config, dir.resolve("data"), null, env("database"))) {
      assertThat(introspect(node, access).getBoolean("active")).isTrue();
      HttpResponse<String> replay =
          post(
              node,
              "/oauth2/token",
              null,
              Map.of(
                  "grant_type",
                  "urn:ietf:params:oauth:grant-type:jwt-bearer",
                  "assertion",
                  assertion));
      assertThat(replay.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(replay.body()).getString("error_description"))
          .contains("was used before");

      assertThat(
              post(
                      node,
                      "/oauth2/revoke",
                      RunningNode.basic("photo-app", SECRET),
                      Map.of("token", refresh))
                  .statusCode())
          .isEqualTo(200);
      assertThat(introspect(node, access)).isEqualTo(new JsonObject().put("active", false));
    }
  }

  @Test
  void tokenWhenCacheStoreThenRestartMakesOldTokensInactive() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("photo-1").generate();
    Path config = config(key);
    String access;
    try (RunningNode node = RunningNode.start(config, dir.resolve("data"), null, env("cache"))) {
      HttpResponse<String> r =
          post(
              node,
              "/oauth2/token",
              RunningNode.basic("photo-app", SECRET),
              Map.of("grant_type", "client_credentials"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      access = new JsonObject(r.body()).getString("access_token");
      assertThat(introspect(node, access).getBoolean("active")).isTrue();
    }
    try (RunningNode node = RunningNode.start(config, dir.resolve("data"), null, env("cache"))) {
      assertThat(introspect(node, access)).isEqualTo(new JsonObject().put("active", false));
    }
  }
}
