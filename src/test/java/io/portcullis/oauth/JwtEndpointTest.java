package io.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Application;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.registry.User;
import io.portcullis.token.issue.InMemorySigningKeyRepository;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.issue.SigningKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JWT, JWKS and metadata endpoints over real HTTP. */
class JwtEndpointTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static String base;
  private static SigningKeys keys;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    SecureRandom random = new SecureRandom();
    PasswordHasher hasher = new PasswordHasher(1_000, random);
    AuthorizationServer local =
        AuthorizationServer.builder()
            .alias("local")
            .type(AuthorizationServer.Type.INTERNAL)
            .issuer("http://gateway.test")
            .jwt(new AuthorizationServer.JwtSettings("RS256", 600, "portcullis"))
            .build();
    Application photo =
        Application.builder()
            .name("photo-app")
            .clientId("photo-client")
            .clientSecretHash(hasher.hash("photo-secret"))
            .authorizationServer("local")
            .identifiers(List.of(new ClaimSet(Map.of("sub", "photo-client", "team", "pics"))))
            .scopes(List.of("photos.read", "photos.write"))
            .claims(List.of("department"))
            .users(List.of("alice"))
            .build();
    Application disabled =
        Application.builder()
            .name("off-app")
            .clientId("off-client")
            .clientSecretHash(hasher.hash("off-secret"))
            .authorizationServer("local")
            .users(List.of("alice"))
            .enabled(false)
            .build();
    // Written past validation (as a registry from before the reserved-claim rule could be): the
    // endpoint itself must still refuse every claim that identifies or authorises.
    Application legacy =
        Application.builder()
            .name("legacy-app")
            .clientId("legacy-client")
            .clientSecretHash(hasher.hash("legacy-secret"))
            .authorizationServer("local")
            .claims(List.of("client_id", "azp", "scope", "scp", "cnf", "act", "may_act", "team"))
            .build();
    SnapshotHolder holder = new SnapshotHolder();
    holder.publish(
        new Snapshot(
            1,
            List.of(),
            List.of(photo, disabled, legacy),
            List.of(
                new User("alice", hasher.hash("alice-password"), true, Set.of()),
                new User("bob", hasher.hash("bob-password"), false, Set.of()),
                new User("carol", hasher.hash("carol-password"), true, Set.of())),
            List.of(),
            List.of(local)));
    keys =
        new SigningKeys(
            new InMemorySigningKeyRepository(),
            new KeyEncryptor(new byte[32], random, "test"),
            Clock.systemUTC(),
            random);
    keys.load("RS256", Duration.ofHours(1));
    vertx = Vertx.vertx();
    AuthorizationServerEndpoints endpoints =
        new AuthorizationServerEndpoints(
            vertx,
            URI.create("http://gateway.test"),
            holder,
            new Authenticator(hasher, Duration.ofMinutes(1)),
            keys,
            new JwtIssuer(keys, Clock.systemUTC(), random));
    server =
        vertx.createHttpServer().requestHandler(endpoints.handler()).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Verifies the token against the keys the JWKS endpoint publishes. */
  private static JWTClaimsSet verified(String token) throws Exception {
    HttpResponse<String> jwks = get("/oauth2/jwks", null);
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks.body()))));
    return processor.process(token, null);
  }

  @Test
  void getWhenUserAuthenticatesThenSignedJwtForUser() throws Exception {
    HttpResponse<String> r = get("/oauth2/jwt", basic("alice", "alice-password"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getValue("expires_in")).isEqualTo(600);
    JWTClaimsSet claims = verified(body.getString("jwt"));
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getIssuer()).isEqualTo("http://gateway.test");
    assertThat(claims.getAudience()).containsExactly("portcullis");
    assertThat(claims.getClaim("client_id")).isNull();
    assertThat(SignedJWT.parse(body.getString("jwt")).getHeader().getType().toString())
        .isEqualTo("JWT");
  }

  @Test
  void getWhenUserActsForApplicationThenClientIdAndScopes() throws Exception {
    HttpResponse<String> r = get("/oauth2/jwt?app_id=photo-app", basic("alice", "alice-password"));
    assertThat(r.statusCode()).isEqualTo(200);
    JWTClaimsSet claims = verified(new JsonObject(r.body()).getString("jwt"));
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getStringClaim("client_id")).isEqualTo("photo-client");
    assertThat(claims.getStringClaim("scope")).isEqualTo("photos.read photos.write");
  }

  @Test
  void getWhenApplicationAuthenticatesThenSubIsClientIdWithIdentifyingClaims() throws Exception {
    HttpResponse<String> r = get("/oauth2/jwt", basic("photo-client", "photo-secret"));
    assertThat(r.statusCode()).isEqualTo(200);
    JWTClaimsSet claims = verified(new JsonObject(r.body()).getString("jwt"));
    assertThat(claims.getSubject()).isEqualTo("photo-client");
    assertThat(claims.getStringClaim("team")).isEqualTo("pics");
    assertThat(claims.getStringClaim("client_id")).isEqualTo("photo-client");
  }

  @Test
  void postWhenAllowedClaimRequestedThenIncluded() throws Exception {
    HttpResponse<String> r =
        post(
            "/oauth2/jwt",
            basic("photo-client", "photo-secret"),
            "{\"claimsSet\":{\"department\":\"eng\"}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(verified(new JsonObject(r.body()).getString("jwt")).getStringClaim("department"))
        .isEqualTo("eng");
  }

  @Test
  void postWhenClaimNotAllowedThenBadRequestNamingIt() throws Exception {
    HttpResponse<String> r =
        post(
            "/oauth2/jwt",
            basic("photo-client", "photo-secret"),
            "{\"claimsSet\":{\"role\":\"admin\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(new JsonObject(r.body()).getString("detail"))
        .contains("'role'")
        .contains("department");
  }

  @Test
  void postWhenUserWithoutAppAsksForClaimThenRefused() throws Exception {
    HttpResponse<String> r =
        post(
            "/oauth2/jwt",
            basic("alice", "alice-password"),
            "{\"claimsSet\":{\"department\":\"eng\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
  void postWhenReservedClaimRequestedThenRefusedNamingIt(String claim) throws Exception {
    assertRefusedAsReserved(basic("photo-client", "photo-secret"), claim);
  }

  /** Even for an application whose stored claims list them (written past validation). */
  @ParameterizedTest
  @ValueSource(strings = {"client_id", "azp", "scope", "scp", "cnf", "act", "may_act", "team"})
  void postWhenAllowedClaimIdentifiesOrAuthorisesThenRefusedNamingIt(String claim)
      throws Exception {
    assertRefusedAsReserved(basic("legacy-client", "legacy-secret"), claim);
  }

  private static void assertRefusedAsReserved(String authorization, String claim) throws Exception {
    HttpResponse<String> r =
        post("/oauth2/jwt", authorization, "{\"claimsSet\":{\"" + claim + "\":\"photo-client\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("detail"))
        .contains("'" + claim + "'")
        .contains("reserved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1,2]", "{\"claims\":{}}", "{\"claimsSet\":[1]}"})
  void postWhenBodyMalformedThenBadRequest(String body) throws Exception {
    HttpResponse<String> r = post("/oauth2/jwt", basic("photo-client", "photo-secret"), body);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void postWhenBodyTooLargeThen413() throws Exception {
    String big = "{\"claimsSet\":{\"department\":\"" + "x".repeat(70_000) + "\"}}";
    assertThat(post("/oauth2/jwt", basic("photo-client", "photo-secret"), big).statusCode())
        .isEqualTo(413);
  }

  @Test
  void getWhenWrongPasswordOrUnknownUserThenIdenticalUnauthorized() throws Exception {
    HttpResponse<String> wrong = get("/oauth2/jwt", basic("alice", "wrong-password"));
    HttpResponse<String> unknown = get("/oauth2/jwt", basic("mallory", "wrong-password"));
    HttpResponse<String> wrongClient = get("/oauth2/jwt", basic("photo-client", "wrong"));
    for (HttpResponse<String> r : List.of(wrong, unknown, wrongClient)) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
      assertThat(r.body()).isEqualTo(wrong.body());
    }
  }

  @Test
  void getWhenDisabledUserOrApplicationThenUnauthorized() throws Exception {
    assertThat(get("/oauth2/jwt", basic("bob", "bob-password")).statusCode()).isEqualTo(401);
    assertThat(get("/oauth2/jwt", basic("off-client", "off-secret")).statusCode()).isEqualTo(401);
  }

  @Test
  void getWhenNoOrBearerCredentialsThenBasicChallenge() throws Exception {
    for (String auth : new String[] {null, "Bearer abc"}) {
      HttpResponse<String> r = get("/oauth2/jwt", auth);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }
  }

  @Test
  void getWhenAuthorizationMalformedThenBadRequest() throws Exception {
    assertThat(get("/oauth2/jwt", "Basic").statusCode()).isEqualTo(400);
  }

  @Test
  void getWhenAppIdUnknownOrDisabledThenForbidden() throws Exception {
    for (String app : List.of("nope", "off-app")) {
      HttpResponse<String> r = get("/oauth2/jwt?app_id=" + app, basic("alice", "alice-password"));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getString("detail")).contains(app);
    }
  }

  @Test
  void getWhenUserNotListedByApplicationThenForbiddenLikeUnknownApplication() throws Exception {
    HttpResponse<String> listedElsewhere =
        get("/oauth2/jwt?app_id=photo-app", basic("carol", "carol-password"));
    HttpResponse<String> unknown =
        get("/oauth2/jwt?app_id=photo-app2", basic("carol", "carol-password"));
    assertThat(listedElsewhere.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(listedElsewhere.body()).getString("error"))
        .isEqualTo("access_denied");
    assertThat(listedElsewhere.body().replace("photo-app", "X"))
        .isEqualTo(unknown.body().replace("photo-app2", "X"));
    // carol can still get a JWT for herself, without an application.
    assertThat(get("/oauth2/jwt", basic("carol", "carol-password")).statusCode()).isEqualTo(200);
  }

  @Test
  void getWhenApplicationAsksForAnotherAppThenBadRequest() throws Exception {
    assertThat(
            get("/oauth2/jwt?app_id=off-app", basic("photo-client", "photo-secret")).statusCode())
        .isEqualTo(400);
  }

  @Test
  void webMethodsPathsWhenCalledThenAnswerAsOAuth2Paths() throws Exception {
    HttpResponse<String> r =
        get("/rest/pub/apigateway/jwt/getJsonWebToken", basic("alice", "alice-password"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(verified(new JsonObject(r.body()).getString("jwt")).getSubject()).isEqualTo("alice");
    assertThat(get("/rest/pub/apigateway/jwt/certs", null).body())
        .isEqualTo(get("/oauth2/jwks", null).body());
  }

  @Test
  void jwksWhenFetchedThenPublicRfc7517KeysOnly() throws Exception {
    HttpResponse<String> r = get("/oauth2/jwks", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject key = new JsonObject(r.body()).getJsonArray("keys").getJsonObject(0);
    assertThat(key.getString("kty")).isEqualTo("RSA");
    assertThat(key.getString("alg")).isEqualTo("RS256");
    assertThat(key.getString("use")).isEqualTo("sig");
    assertThat(key.getString("kid")).isEqualTo(keys.active().kid());
    assertThat(key.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi");
  }

  @Test
  void metadataWhenFetchedThenIssuerAndJwksUri() throws Exception {
    JsonObject m = new JsonObject(get("/.well-known/oauth-authorization-server", null).body());
    assertThat(m.getString("issuer")).isEqualTo("http://gateway.test");
    assertThat(m.getString("jwks_uri")).isEqualTo("http://gateway.test/oauth2/jwks");
  }

  @Test
  void unknownPathOrMethodThenProblem() throws Exception {
    assertThat(get("/oauth2/nothing", null).statusCode()).isEqualTo(404);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/oauth2/jwks")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isIn(404, 405);
  }
}
