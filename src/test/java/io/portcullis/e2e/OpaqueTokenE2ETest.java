package io.portcullis.e2e;

import static io.portcullis.e2e.JwtGatewayIssuerE2ETest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opaque access tokens ({@code OAUTH2_TOKEN}) through whole nodes with a real upstream: tokens are
 * stored the way the token endpoint stores them (a {@link TokenRecord} keyed by {@link
 * TokenHasher#hash}) in the node's own token store, and time moves by the node's injected clock.
 */
class OpaqueTokenE2ETest {
  static final String PHOTOS = "https://e2e.example/photos";
  static final String ISSUER = "https://gateway.e2e.example";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static MutableClock clock;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    node = startNode(dir, "cache", clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  static RunningNode startNode(Path directory, String store, MutableClock clock) {
    return RunningNode.start(
        RunningNode.configFile("opaque.yaml", directory),
        directory.resolve("data"),
        null,
        Map.of("UPSTREAM", "http://127.0.0.1:" + upstream.port(), "TOKEN_STORE", store),
        clock);
  }

  /** Stores a token as the token endpoint would and returns it. */
  static String issue(
      RunningNode node,
      MutableClock clock,
      String application,
      TokenRecord.Kind kind,
      List<String> scopes) {
    String token = Tokens.newToken();
    Instant now = clock.instant();
    node.node()
        .tokenStores()
        .current()
        .save(
            TokenRecord.builder()
                .tokenHash(TokenHasher.hash(token))
                .kind(kind)
                .authorizationServer("local")
                .clientId(application)
                .applicationName(application)
                .subject("alice")
                .scopes(scopes)
                .parameters(Map.of("Department", "Engineering"))
                .issuedAt(now)
                .expiresAt(now.plus(Duration.ofHours(1)))
                .familyId(UUID.randomUUID().toString())
                .build());
    return token;
  }

  static String access(RunningNode node, MutableClock clock, String application) {
    return issue(node, clock, application, TokenRecord.Kind.ACCESS, List.of(PHOTOS));
  }

  static void assertInvalidToken(HttpResponse<String> call, String description) {
    assertThat(call.statusCode()).as(call.body()).isEqualTo(401);
    Challenge challenge =
        Challenge.parse(call.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertThat(challenge.scheme()).isEqualTo("Bearer");
    assertThat(challenge.param("error")).isEqualTo("invalid_token");
    assertThat(challenge.param("error_description")).contains(description);
    assertThat(call.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(call.headers().firstValue("X-Upstream-Public")).isEmpty();
  }

  @Test
  void callWhenStoredAccessTokenThen200WithIdentityHeadersAndNoForgedOnes() {
    String token = access(node, clock, "photo-app");

    HttpResponse<String> call =
        node.getWithBearer(
            "/photos/v1/albums?page=2", token, "X-Portcullis-Application", "forged-app");

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject echo = new JsonObject(call.body());
    assertThat(echo.getString("uri")).isEqualTo("/albums?page=2");
    JsonObject headers = echo.getJsonObject("headers");
    assertThat(values(headers, "x-portcullis-application")).containsExactly("photo-app");
    assertThat(values(headers, "x-portcullis-subject")).containsExactly("alice");
    assertThat(values(headers, "x-portcullis-scopes")).containsExactly(PHOTOS);
    assertThat(values(headers, "x-portcullis-issuer")).containsExactly(ISSUER);
    assertThat(values(headers, "authorization")).isEmpty();
  }

  @Test
  void callWhenTokenExpiredByTheClockThen401InvalidToken() {
    String token = access(node, clock, "photo-app");
    assertThat(node.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofHours(1).plusSeconds(1));

    assertInvalidToken(node.getWithBearer("/photos/v1/a", token), "unknown, expired or revoked");
  }

  @Test
  void callWhenRevokedThroughTheStoreThen401OnTheVeryNextRequest() {
    String token = access(node, clock, "photo-app");
    assertThat(node.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);

    node.node().tokenStores().current().revoke(TokenHasher.hash(token), clock.instant());

    assertInvalidToken(node.getWithBearer("/photos/v1/a", token), "unknown, expired or revoked");
  }

  @Test
  void callWhenRevokedThroughTheAdminApiThen401OnTheVeryNextRequest() {
    String token = access(node, clock, "photo-app");
    assertThat(node.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);
    String id = TokenHasher.hash(token).substring(0, 12);

    HttpResponse<String> revoke =
        node.admin("DELETE", "/applications/photo-app/tokens/" + id, null);

    assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
    assertInvalidToken(node.getWithBearer("/photos/v1/a", token), "unknown, expired or revoked");
  }

  @Test
  void callWhenRefreshTokenPresentedAsAccessTokenThen401InvalidToken() {
    String refresh = issue(node, clock, "photo-app", TokenRecord.Kind.REFRESH, List.of(PHOTOS));

    assertInvalidToken(node.getWithBearer("/photos/v1/a", refresh), "refresh token");
  }

  @Test
  void callWhenUnknownTokenThen401InvalidToken() {
    assertInvalidToken(
        node.getWithBearer("/photos/v1/a", Tokens.newToken()), "unknown, expired or revoked");
  }

  @Test
  void callWhenNeitherJwtNorOpaqueTokenThen401InvalidToken() {
    for (String token : List.of("short", "has+plus/and-slash-long-enough==", "one.dot-only")) {
      assertInvalidToken(node.getWithBearer("/photos/v1/a", token), "neither a JWT");
    }
  }

  @Test
  void callWhenJwtShapedGarbageOnApiAcceptingBothThenTheJwtCheckRefusesIt() {
    HttpResponse<String> call = node.getWithBearer("/photos/v1/a", "abc.def.ghi");

    assertThat(call.statusCode()).isEqualTo(401);
    assertThat(call.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("invalid_token")
        .doesNotContain("neither a JWT");
  }

  @Test
  void callWhenApplicationNotAssociatedWithRegisteredApiThen403ButGlobalApiAccepts() {
    String token = issue(node, clock, "other-app", TokenRecord.Kind.ACCESS, List.of(PHOTOS));

    HttpResponse<String> registered = node.getWithBearer("/photos/v1/a", token);
    HttpResponse<String> global = node.getWithBearer("/everyone/v1/a", token);

    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(403);
    assertThat(registered.body()).contains("not associated");
    assertThat(global.statusCode()).as(global.body()).isEqualTo(200);
    assertThat(
            values(
                new JsonObject(global.body()).getJsonObject("headers"), "x-portcullis-application"))
        .containsExactly("other-app");
  }

  @Test
  void callWhenRequiredScopeNotHeldThen403InsufficientScope() {
    String token = issue(node, clock, "photo-app", TokenRecord.Kind.ACCESS, List.of());

    HttpResponse<String> call = node.getWithBearer("/photos/v1/a", token);

    assertThat(call.statusCode()).as(call.body()).isEqualTo(403);
    Challenge challenge =
        Challenge.parse(call.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertThat(challenge.param("error")).isEqualTo("insufficient_scope");
    assertThat(challenge.param("scope")).isEqualTo(PHOTOS);
  }

  @Test
  void callWhenApplicationDisabledThen401InvalidToken() throws Exception {
    String token = issue(node, clock, "other-app", TokenRecord.Kind.ACCESS, List.of());
    assertThat(node.getWithBearer("/everyone/v1/a", token).statusCode()).isEqualTo(200);
    ObjectNode app =
        (ObjectNode) JSON.readTree(node.admin("GET", "/applications/other-app", null).body());
    app.put("enabled", false);
    assertThat(node.admin("PUT", "/applications/other-app", app.toString()).statusCode())
        .isEqualTo(200);
    try {
      assertInvalidToken(node.getWithBearer("/everyone/v1/a", token), "is disabled");
    } finally {
      app.put("enabled", true);
      node.admin("PUT", "/applications/other-app", app.toString());
    }
  }

  @Test
  void callWhenApplicationDeletedAndCreatedAgainUnderTheSameNameThenItsOldTokensStay401() {
    assertThat(node.admin("POST", "/applications", "{\"name\": \"temp-app\"}").statusCode())
        .isEqualTo(201);
    String token = issue(node, clock, "temp-app", TokenRecord.Kind.ACCESS, List.of());
    assertThat(node.getWithBearer("/everyone/v1/a", token).statusCode()).isEqualTo(200);

    assertThat(node.admin("DELETE", "/applications/temp-app", null).statusCode()).isEqualTo(204);
    // Revoked with the deletion, before the admin call answered.
    assertInvalidToken(node.getWithBearer("/everyone/v1/a", token), "unknown, expired or revoked");
    assertThat(node.node().tokenStores().current().counts(clock.instant()).access().revoked())
        .isPositive();
    assertThat(node.admin("POST", "/applications", "{\"name\": \"temp-app\"}").statusCode())
        .isEqualTo(201);

    assertInvalidToken(node.getWithBearer("/everyone/v1/a", token), "unknown, expired or revoked");
  }

  @Test
  void purgerWhenClockPassesExpiryThenRemovesExpiredTokensOnItsSchedule() throws Exception {
    String token = access(node, clock, "photo-app");
    String id = TokenHasher.hash(token).substring(0, 12);
    clock.advance(Duration.ofHours(2));
    assertThat(node.admin("GET", "/applications/photo-app/tokens", null).body()).contains(id);

    setTokenStore(node, "cache", 1);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> !node.admin("GET", "/applications/photo-app/tokens", null).body().contains(id));
    } finally {
      setTokenStore(node, "cache", 3600);
    }
  }

  @Test
  void restartWhenDatabaseStoreThenTokensSurviveAndRevocationsToo(@TempDir Path own)
      throws Exception {
    MutableClock ownClock = new MutableClock(clock.instant());
    String live;
    String revoked;
    try (RunningNode first = startNode(own, "database", ownClock)) {
      live = access(first, ownClock, "photo-app");
      revoked = access(first, ownClock, "photo-app");
      first.node().tokenStores().current().revoke(TokenHasher.hash(revoked), ownClock.instant());
      assertThat(first.getWithBearer("/photos/v1/a", live).statusCode()).isEqualTo(200);
    }
    try (RunningNode second = startNode(own, "database", ownClock)) {
      assertThat(second.getWithBearer("/photos/v1/a", live).statusCode()).isEqualTo(200);
      assertInvalidToken(second.getWithBearer("/photos/v1/a", revoked), "unknown");
    }
  }

  @Test
  void restartWhenCacheStoreThenOldTokensAre401NeverValid(@TempDir Path own) {
    MutableClock ownClock = new MutableClock(clock.instant());
    String token;
    try (RunningNode first = startNode(own, "cache", ownClock)) {
      token = access(first, ownClock, "photo-app");
      assertThat(first.getWithBearer("/photos/v1/a", token).statusCode()).isEqualTo(200);
    }
    try (RunningNode second = startNode(own, "cache", ownClock)) {
      assertInvalidToken(second.getWithBearer("/photos/v1/a", token), "unknown");
    }
  }

  @Test
  void
      switchWhenAdminChangesStoreTypeAtRunTimeThenOldStoresTokensAre401AndNewOnesWorkAndNeverReturn(
          @TempDir Path own) throws Exception {
    MutableClock ownClock = new MutableClock(clock.instant());
    try (RunningNode switching = startNode(own, "cache", ownClock)) {
      String inMemory = access(switching, ownClock, "photo-app");
      assertThat(switching.getWithBearer("/photos/v1/a", inMemory).statusCode()).isEqualTo(200);

      setTokenStore(switching, "database", 3600);

      assertInvalidToken(switching.getWithBearer("/photos/v1/a", inMemory), "unknown");
      String inDatabase = access(switching, ownClock, "photo-app");
      assertThat(switching.getWithBearer("/photos/v1/a", inDatabase).statusCode()).isEqualTo(200);
      assertThat(switching.admin("GET", "/tokens/counts", null).body())
          .contains("\"store\":\"database\"");

      setTokenStore(switching, "cache", 3600);

      assertInvalidToken(switching.getWithBearer("/photos/v1/a", inDatabase), "unknown");
      assertInvalidToken(switching.getWithBearer("/photos/v1/a", inMemory), "unknown");

      setTokenStore(switching, "database", 3600);

      assertInvalidToken(switching.getWithBearer("/photos/v1/a", inDatabase), "unknown");
      assertThat(switching.admin("GET", "/applications/photo-app/tokens", null).body())
          .contains("\"state\":\"revoked\"");
    }
  }

  /** Changes {@code local}'s token store settings through the admin API. */
  static void setTokenStore(RunningNode node, String type, long purgeInterval) throws Exception {
    HttpResponse<String> read = node.admin("GET", "/authorization-servers/local", null);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    ObjectNode local = (ObjectNode) JSON.readTree(read.body());
    local.putObject("tokenStore").put("type", type).put("purgeInterval", purgeInterval);
    HttpResponse<String> write =
        node.admin("PUT", "/authorization-servers/local", local.toString());
    assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
  }
}
