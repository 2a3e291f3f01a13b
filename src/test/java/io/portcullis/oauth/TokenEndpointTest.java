package io.portcullis.oauth;

import static io.portcullis.oauth.OAuthFixture.ADMIN;
import static io.portcullis.oauth.OAuthFixture.EMAIL;
import static io.portcullis.oauth.OAuthFixture.PHOTOS;
import static io.portcullis.oauth.OAuthFixture.TOKEN_URL;
import static io.portcullis.oauth.OAuthFixture.UNREGISTERED;
import static io.portcullis.oauth.OAuthFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.store.JdbcTokenStore;
import io.portcullis.store.LocalChangeNotifier;
import io.portcullis.store.StoreJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token, introspection and revocation endpoints over real HTTP, with the database token store
 * on H2, refresh tokens enabled, and every rejection path sent as the real bad input.
 */
class TokenEndpointTest {
  private static OAuthFixture f;

  @BeforeAll
  static void start() throws Exception {
    f =
        new OAuthFixture(
            db ->
                new JdbcTokenStore(db.dataSource(), StoreJson.mapper(), new LocalChangeNotifier()),
            true);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static HttpResponse<String> token(String authorization, Map<String, String> form)
      throws Exception {
    return f.post("/oauth2/token", authorization, form);
  }

  private static HttpResponse<String> jwtBearer(String assertion) throws Exception {
    return token(null, Map.of("grant_type", TokenEndpoint.JWT_BEARER, "assertion", assertion));
  }

  private static void assertError(
      HttpResponse<String> r, int status, String error, String descriptionContains) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("error_description")).contains(descriptionContains);
    if (status == 401) {
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
    }
  }

  // ---------------------------------------------------------------- the seed flow

  @Test
  void tokenWhenSeedAssertionExchangedThenOpaqueBearerTokenNotCached() throws Exception {
    HttpResponse<String> r = jwtBearer(f.assertion(f.claims()));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(r.headers().firstValue("Pragma")).contains("no-cache");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("access_token")).hasSize(54).matches("[A-Za-z0-9_-]+");
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getValue("expires_in")).isInstanceOf(Number.class).isEqualTo(3600);
    assertThat(body.getString("scope")).isEqualTo(PHOTOS + " " + EMAIL + " " + UNREGISTERED);
    assertThat(body.getString("refresh_token")).hasSize(46);
  }

  @Test
  void introspectWhenActiveThenDescribedWithAdditionalParameters() throws Exception {
    JsonObject issued = f.exchange(f.claims());

    JsonObject info =
        f.introspect(issued.getString("access_token"), basic("other-app", "other-secret"));

    assertThat(info.getBoolean("active")).isTrue();
    assertThat(info.getString("client_id")).isEqualTo("photo-app");
    assertThat(info.getString("sub")).isEqualTo("photo-app");
    assertThat(info.getString("token_type")).isEqualTo("Bearer");
    assertThat(info.getString("iss")).isEqualTo(OAuthFixture.ISSUER);
    assertThat(info.getString("scope")).isEqualTo(issued.getString("scope"));
    assertThat(info.getString("Department")).isEqualTo("Engineering");
    long now = f.clock.instant().getEpochSecond();
    assertThat(info.getLong("iat")).isEqualTo(now);
    assertThat(info.getLong("exp")).isEqualTo(now + 3600);
  }

  @Test
  void revokeWhenIssuingClientRevokesThenIntrospectionInactiveOnly() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");

    HttpResponse<String> r =
        f.post("/oauth2/revoke", basic("photo-app", "photo-secret"), Map.of("token", access));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(f.introspect(access, basic("other-app", "other-secret")))
        .isEqualTo(new JsonObject().put("active", false));
  }

  @Test
  void tokenWhenAxwayPathsUsedThenTokenInfoAndRevokeAnswerAsAxway() throws Exception {
    HttpResponse<String> r =
        f.post(
            "/api/oauth/token",
            null,
            Map.of(
                "grant_type",
                TokenEndpoint.JWT_BEARER,
                "assertion",
                f.assertion(f.claims()),
                "scope",
                PHOTOS));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String access = new JsonObject(r.body()).getString("access_token");

    HttpResponse<String> info = f.get("/api/oauth/tokeninfo?access_token=" + access, null);
    assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
    assertThat(new JsonObject(info.body()))
        .isEqualTo(
            new JsonObject()
                .put("audience", "photo-app")
                .put("user_id", "photo-app")
                .put("scope", PHOTOS)
                .put("expires_in", 3600));
    HttpResponse<String> posted =
        f.post("/api/oauth/tokeninfo", null, Map.of("access_token", access));
    assertThat(posted.statusCode()).isEqualTo(200);

    assertThat(
            f.post("/api/oauth/revoke", basic("photo-app", "photo-secret"), Map.of("token", access))
                .statusCode())
        .isEqualTo(200);
    assertError(
        f.get("/api/oauth/tokeninfo?access_token=" + access, null),
        400,
        "invalid_token",
        "unknown, expired or revoked");
  }

  @Test
  void tokenInfoWhenUnknownOrMissingThen400() throws Exception {
    assertError(
        f.get("/api/oauth/tokeninfo?access_token=" + "x".repeat(54), null),
        400,
        "invalid_token",
        "unknown");
    assertError(f.get("/api/oauth/tokeninfo", null), 400, "invalid_request", "access_token");
  }

  @Test
  void tokenInfoWhenExpiredThen400() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");
    f.clock.advance(Duration.ofSeconds(3600));

    assertError(
        f.get("/api/oauth/tokeninfo?access_token=" + access, null),
        400,
        "invalid_token",
        "expired");
    assertThat(f.introspect(access, basic("photo-app", "photo-secret")).getBoolean("active"))
        .isFalse();
  }

  // ---------------------------------------------------------------- client credentials

  @Test
  void tokenWhenClientCredentialsWithBasicThenTokenWithoutRefresh() throws Exception {
    HttpResponse<String> r =
        token(basic("other-app", "other-secret"), Map.of("grant_type", "client_credentials"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("scope")).isEqualTo(PHOTOS);
    assertThat(body.containsKey("refresh_token")).isFalse();
    JsonObject info =
        f.introspect(body.getString("access_token"), basic("photo-app", "photo-secret"));
    assertThat(info.getString("client_id")).isEqualTo("other-app");
    assertThat(info.containsKey("sub")).isFalse();
  }

  @Test
  void tokenWhenClientSecretPostThenToken() throws Exception {
    HttpResponse<String> r =
        token(
            null,
            Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                "other-app",
                "client_secret",
                "other-secret"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenPrivateKeyJwtThenToken() throws Exception {
    HttpResponse<String> r = token(null, privateKeyJwt(clientAssertion(), "client_credentials"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("scope")).contains(PHOTOS);
  }

  private static Map<String, Object> clientAssertion() {
    Map<String, Object> claims = f.claims();
    claims.put("aud", TOKEN_URL);
    return claims;
  }

  private static Map<String, String> privateKeyJwt(Map<String, Object> claims, String grant)
      throws Exception {
    return Map.of(
        "grant_type",
        grant,
        "client_assertion_type",
        PrivateKeyJWT.CLIENT_ASSERTION_TYPE,
        "client_assertion",
        f.assertion(claims));
  }

  @Test
  void tokenWhenScopeSubsetRequestedThenOnlyThoseGranted() throws Exception {
    HttpResponse<String> r =
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "client_credentials", "scope", EMAIL));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("scope")).isEqualTo(EMAIL);
  }

  @Test
  void tokenWhenScopeMatchingAnyThenGrantedSubsetOnly() throws Exception {
    AuthorizationServer all = f.local();
    f.publish(withScopeMatching(all, AuthorizationServer.ScopeMatching.ANY));
    try {
      HttpResponse<String> some =
          token(
              basic("photo-app", "photo-secret"),
              Map.of("grant_type", "client_credentials", "scope", EMAIL + " " + ADMIN));
      assertThat(some.statusCode()).as(some.body()).isEqualTo(200);
      assertThat(new JsonObject(some.body()).getString("scope")).isEqualTo(EMAIL);

      assertError(
          token(
              basic("photo-app", "photo-secret"),
              Map.of("grant_type", "client_credentials", "scope", ADMIN)),
          400,
          "invalid_scope",
          "scopeMatching ANY");
    } finally {
      f.publish(all);
    }
  }

  private static AuthorizationServer withScopeMatching(
      AuthorizationServer s, AuthorizationServer.ScopeMatching matching) {
    return s.toBuilder().scopeMatching(matching).build();
  }

  // ---------------------------------------------------------------- refresh tokens

  @Test
  void refreshWhenUsedThenRotatedAndReuseRevokesTheFamily() throws Exception {
    JsonObject first = f.exchange(f.claims());
    String refresh1 = first.getString("refresh_token");

    HttpResponse<String> r =
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh1));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject second = new JsonObject(r.body());
    String refresh2 = second.getString("refresh_token");
    String access2 = second.getString("access_token");
    assertThat(refresh2).hasSize(46).isNotEqualTo(refresh1);
    assertThat(second.getString("scope")).isEqualTo(first.getString("scope"));
    assertThat(f.introspect(access2, basic("photo-app", "photo-secret")).getString("Department"))
        .isEqualTo("Engineering");

    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh1)),
        400,
        "invalid_grant",
        "already used");

    assertThat(f.introspect(access2, basic("photo-app", "photo-secret")).getBoolean("active"))
        .isFalse();
    assertThat(
            f.introspect(first.getString("access_token"), basic("photo-app", "photo-secret"))
                .getBoolean("active"))
        .isFalse();
    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh2)),
        400,
        "invalid_grant",
        "revoked");
  }

  @Test
  void refreshWhenSentTwiceAtOnceThenAtMostOneSucceedsAndTheFamilyIsRevoked() throws Exception {
    String refresh = f.exchange(f.claims()).getString("refresh_token");
    Map<String, String> form = Map.of("grant_type", "refresh_token", "refresh_token", refresh);

    java.util.concurrent.CompletableFuture<HttpResponse<String>> a =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> send(form));
    java.util.concurrent.CompletableFuture<HttpResponse<String>> b =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> send(form));
    List<HttpResponse<String>> both = List.of(a.get(), b.get());

    // The loser is reuse: the family is revoked, and the winner's new tokens with it, whether
    // they were saved before or after the revocation (then the winner is refused too).
    assertThat(both.stream().filter(r -> r.statusCode() == 200)).hasSizeLessThanOrEqualTo(1);
    assertThat(both.stream().filter(r -> r.statusCode() == 400))
        .isNotEmpty()
        .allSatisfy(r -> assertError(r, 400, "invalid_grant", "already used"));
    for (HttpResponse<String> won : both) {
      if (won.statusCode() != 200) continue;
      String access = new JsonObject(won.body()).getString("access_token");
      assertThat(f.introspect(access, basic("photo-app", "photo-secret")).getBoolean("active"))
          .isFalse();
    }
  }

  private static HttpResponse<String> send(Map<String, String> form) {
    try {
      return token(basic("photo-app", "photo-secret"), form);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void refreshWhenPresentedByAnotherClientThenInvalidGrantAndTokenStillUsable() throws Exception {
    String refresh = f.exchange(f.claims()).getString("refresh_token");

    assertError(
        token(
            basic("other-app", "other-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh)),
        400,
        "invalid_grant",
        "not issued to this client");

    HttpResponse<String> own =
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
  }

  @Test
  void refreshWhenScopeBeyondOriginalThenInvalidScope() throws Exception {
    String refresh =
        new JsonObject(
                token(
                        null,
                        Map.of(
                            "grant_type",
                            TokenEndpoint.JWT_BEARER,
                            "assertion",
                            f.assertion(f.claims()),
                            "scope",
                            PHOTOS))
                    .body())
            .getString("refresh_token");

    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh, "scope", EMAIL)),
        400,
        "invalid_scope",
        "was not granted with the refresh token");

    HttpResponse<String> still =
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh, "scope", PHOTOS));
    assertThat(still.statusCode()).as(still.body()).isEqualTo(200);
    assertThat(new JsonObject(still.body()).getString("scope")).isEqualTo(PHOTOS);
  }

  @Test
  void refreshWhenRotatedTokenReusedWithBadScopeThenFamilyStillRevoked() throws Exception {
    JsonObject first = f.exchange(f.claims());
    String refresh = first.getString("refresh_token");
    HttpResponse<String> rotated =
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh));
    String access2 = new JsonObject(rotated.body()).getString("access_token");

    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", refresh, "scope", ADMIN)),
        400,
        "invalid_grant",
        "already used");
    assertThat(f.introspect(access2, basic("photo-app", "photo-secret")).getBoolean("active"))
        .isFalse();
  }

  @Test
  void refreshWhenWithoutClientAuthenticationThenInvalidClient() throws Exception {
    String refresh = f.exchange(f.claims()).getString("refresh_token");

    assertError(
        token(null, Map.of("grant_type", "refresh_token", "refresh_token", refresh)),
        401,
        "invalid_client",
        "requires client authentication");
  }

  @Test
  void refreshWhenUnknownOrAccessTokenThenInvalidGrant() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");

    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", access)),
        400,
        "invalid_grant",
        "unknown");
    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "refresh_token", "refresh_token", "y".repeat(46))),
        400,
        "invalid_grant",
        "unknown");
  }

  @Test
  void introspectWhenRefreshTokenPresentedAsAccessTokenThenReportedAsRefreshToken()
      throws Exception {
    String refresh = f.exchange(f.claims()).getString("refresh_token");

    HttpResponse<String> r =
        f.post(
            "/oauth2/introspect",
            basic("photo-app", "photo-secret"),
            Map.of("token", refresh, "token_type_hint", "access_token"));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject info = new JsonObject(r.body());
    assertThat(info.getBoolean("active")).isTrue();
    assertThat(info.getString("token_type")).isEqualTo("refresh_token");
    assertError(
        f.get("/api/oauth/tokeninfo?access_token=" + refresh, null),
        400,
        "invalid_token",
        "unknown");
  }

  @Test
  void revokeWhenRefreshTokenRevokedThenItsAccessTokensToo() throws Exception {
    JsonObject issued = f.exchange(f.claims());

    f.post(
        "/oauth2/revoke",
        basic("photo-app", "photo-secret"),
        Map.of("token", issued.getString("refresh_token"), "token_type_hint", "refresh_token"));

    assertThat(
            f.introspect(issued.getString("access_token"), basic("photo-app", "photo-secret"))
                .getBoolean("active"))
        .isFalse();
  }

  // ---------------------------------------------------------------- revocation

  @Test
  void revokeWhenAnotherClientAsksThen200AndTokenUntouched() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");

    HttpResponse<String> r =
        f.post("/oauth2/revoke", basic("other-app", "other-secret"), Map.of("token", access));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(f.introspect(access, basic("photo-app", "photo-secret")).getBoolean("active"))
        .isTrue();
  }

  @Test
  void revokeWhenTokenMissingThenInvalidRequest() throws Exception {
    assertError(
        f.post(
            "/oauth2/revoke", basic("photo-app", "photo-secret"), Map.of("token_type_hint", "x")),
        400,
        "invalid_request",
        "token is required");
  }

  @Test
  void revokeWhenGetThen405() throws Exception {
    assertThat(f.get("/oauth2/revoke", null).statusCode()).isEqualTo(405);
    assertThat(f.get("/oauth2/introspect", null).statusCode()).isEqualTo(405);
  }

  @Test
  void revokeWhenUnknownTokenThen200() throws Exception {
    assertThat(
            f.post(
                    "/oauth2/revoke",
                    basic("photo-app", "photo-secret"),
                    Map.of("token", "not-a-token-at-all"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void revokeWhenNoClientAuthenticationThenInvalidClient() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");

    assertError(
        f.post("/oauth2/revoke", null, Map.of("token", access)),
        401,
        "invalid_client",
        "requires client authentication");
    assertError(
        f.post("/oauth2/revoke", basic("photo-app", "wrong"), Map.of("token", access)),
        401,
        "invalid_client",
        "unknown client or wrong secret");
  }

  @Test
  void revokeWhenGatewayJwtOfTheClientThenIntrospectionInactive() throws Exception {
    HttpResponse<String> got = f.get("/oauth2/jwt", basic("photo-app", "photo-secret"));
    assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
    String jwt = new JsonObject(got.body()).getString("jwt");

    JsonObject active = f.introspect(jwt, basic("other-app", "other-secret"));
    assertThat(active.getBoolean("active")).isTrue();
    assertThat(active.getString("client_id")).isEqualTo("photo-app");
    assertThat(active.getString("iss")).isEqualTo(OAuthFixture.ISSUER);
    assertThat(active.getString("aud")).isEqualTo("portcullis");
    assertThat(active.getString("jti")).isNotBlank();
    assertThat(active.getString("token_type")).isEqualTo("Bearer");

    f.post("/oauth2/revoke", basic("other-app", "other-secret"), Map.of("token", jwt));
    assertThat(f.introspect(jwt, basic("photo-app", "photo-secret")).getBoolean("active")).isTrue();

    f.post("/oauth2/revoke", basic("photo-app", "photo-secret"), Map.of("token", jwt));
    assertThat(f.introspect(jwt, basic("photo-app", "photo-secret")))
        .isEqualTo(new JsonObject().put("active", false));
  }

  @Test
  void tokenInfoWhenGatewayJwtThenAxwayViewAndExpiredJwtInactive() throws Exception {
    String jwt =
        new JsonObject(f.get("/oauth2/jwt", basic("photo-app", "photo-secret")).body())
            .getString("jwt");

    HttpResponse<String> info = f.get("/api/oauth/tokeninfo?access_token=" + jwt, null);
    assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
    JsonObject body = new JsonObject(info.body());
    assertThat(body.getString("audience")).isEqualTo("photo-app");
    assertThat(body.getString("user_id")).isEqualTo("photo-app");
    assertThat(body.getLong("expires_in")).isEqualTo(600);

    f.clock.advance(Duration.ofSeconds(600 + 61));
    assertThat(f.introspect(jwt, basic("photo-app", "photo-secret")))
        .isEqualTo(new JsonObject().put("active", false));
  }

  @Test
  void introspectWhenNoClientAuthenticationOrNoTokenThenRefused() throws Exception {
    assertError(
        f.post("/oauth2/introspect", null, Map.of("token", "x".repeat(54))),
        401,
        "invalid_client",
        "requires client authentication");
    assertError(
        f.post("/oauth2/introspect", basic("photo-app", "photo-secret"), Map.of("foo", "bar")),
        400,
        "invalid_request",
        "token is required");
  }

  // ---------------------------------------------------------------- RFC 7523 section 3

  @ParameterizedTest
  @ValueSource(strings = {"iss", "sub", "aud", "exp", "jti"})
  void tokenWhenAssertionLacksRequiredClaimThenInvalidGrantNamingIt(String claim) throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put(claim, null);

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "has no " + claim + " claim");
  }

  @Test
  void tokenWhenAudienceWrongThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("aud", "http://elsewhere.test/token");

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "aud must be " + TOKEN_URL);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void tokenWhenAssertionAudienceIsIssuerIdentifierThenToken(boolean asArray) throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("aud", asArray ? List.of(OAuthFixture.ISSUER) : OAuthFixture.ISSUER);

    HttpResponse<String> r = jwtBearer(f.assertion(claims));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenAssertionAudienceNamesIssuerAndAnotherThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("aud", List.of(OAuthFixture.ISSUER, "http://elsewhere.test"));

    assertError(
        jwtBearer(f.assertion(claims)),
        400,
        "invalid_grant",
        "aud must be exactly one value, " + TOKEN_URL + " or " + OAuthFixture.ISSUER);
  }

  @Test
  void tokenWhenAudienceHasSeveralValuesThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("aud", List.of(TOKEN_URL, "http://elsewhere.test/token"));

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "exactly one value");
  }

  @Test
  void tokenWhenAssertionExpiredThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iat", Date.from(f.clock.instant().minusSeconds(600)));
    claims.put("exp", Date.from(f.clock.instant().minusSeconds(61)));

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "expired at");
  }

  @Test
  void tokenWhenExpiryTooFarAheadThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("exp", Date.from(f.clock.instant().plusSeconds(300 + 60 + 1)));

    assertError(
        jwtBearer(f.assertion(claims)), 400, "invalid_grant", "300 s ahead (assertionMaxLifetime)");
  }

  @Test
  void tokenWhenIssuedLongAgoButNotExpiredThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iat", Date.from(f.clock.instant().minusSeconds(3600)));
    claims.put("exp", Date.from(f.clock.instant().plusSeconds(60)));

    assertError(
        jwtBearer(f.assertion(claims)),
        400,
        "invalid_grant",
        "longer than 300 s (assertionMaxLifetime)");
  }

  @Test
  void tokenWhenLifetimeIsOneSecondBeyondTheMaximumPlusSkewThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iat", Date.from(f.clock.instant().minusSeconds(100)));
    claims.put("exp", Date.from(f.clock.instant().plusSeconds(200 + 60 + 1)));

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "(assertionMaxLifetime)");
  }

  @Test
  void tokenWhenLifetimeIsTheMaximumPlusSkewThenIssued() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iat", Date.from(f.clock.instant().minusSeconds(100)));
    claims.put("exp", Date.from(f.clock.instant().plusSeconds(200 + 60)));

    assertThat(jwtBearer(f.assertion(claims)).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenNotBeforeInTheFutureThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("nbf", Date.from(f.clock.instant().plusSeconds(90)));

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "(nbf)");
  }

  @Test
  void tokenWhenIssuedInTheFutureThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iat", Date.from(f.clock.instant().plusSeconds(90)));

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "is in the future");
  }

  @Test
  void tokenWhenJtiReplayedThenInvalidGrant() throws Exception {
    String assertion = f.assertion(f.claims());
    assertThat(jwtBearer(assertion).statusCode()).isEqualTo(200);

    assertError(jwtBearer(assertion), 400, "invalid_grant", "was used before");
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "NONE", "None"})
  void tokenWhenAlgNoneInAnyCaseThenInvalidGrant(String alg) throws Exception {
    String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").toString();
    String payload = Base64URL.encode(toClaims(f.claims()).toString()).toString();

    assertError(jwtBearer(header + "." + payload + "."), 400, "invalid_grant", "none");
  }

  @Test
  void tokenWhenHmacSignedWithThePublicKeyThenInvalidGrant() throws Exception {
    byte[] secret = f.photoKey.toRSAPublicKey().getEncoded();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(f.photoKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            toClaims(f.claims()));
    jwt.sign(new MACSigner(secret));

    assertError(jwtBearer(jwt.serialize()), 400, "invalid_grant", "HS256 is never accepted");
  }

  @Test
  void tokenWhenSignedWithAnotherKeyThenInvalidGrant() throws Exception {
    assertError(
        jwtBearer(OAuthFixture.sign(f.strangerKey, f.claims())),
        400,
        "invalid_grant",
        "signature does not verify");
  }

  @Test
  void tokenWhenKidUnknownThenInvalidGrant() throws Exception {
    assertError(
        jwtBearer(OAuthFixture.sign(f.otherKey, f.claims())),
        400,
        "invalid_grant",
        "no registered key of application photo-app");
  }

  @Test
  void tokenWhenIssuerIsNoClientThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iss", "nobody");

    assertError(
        jwtBearer(f.assertion(claims)), 400, "invalid_grant", "not the client_id of a registered");
  }

  @Test
  void tokenWhenAssertionOfAnotherClientThanTheAuthenticatedOneThenInvalidGrant() throws Exception {
    assertError(
        token(
            basic("other-app", "other-secret"),
            Map.of("grant_type", TokenEndpoint.JWT_BEARER, "assertion", f.assertion(f.claims()))),
        400,
        "invalid_grant",
        "neither the authenticated client");
  }

  @Test
  void tokenWhenAssertionOfDisabledApplicationThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iss", "off-app");
    claims.put("sub", "off-app");

    assertError(jwtBearer(OAuthFixture.sign(f.otherKey, claims)), 400, "invalid_grant", "disabled");
  }

  @Test
  void tokenWhenAssertionMissingThenInvalidRequest() throws Exception {
    assertError(
        token(null, Map.of("grant_type", TokenEndpoint.JWT_BEARER)),
        400,
        "invalid_request",
        "assertion is required");
  }

  @Test
  void tokenWhenAssertionIsGarbageThenInvalidGrant() throws Exception {
    assertError(jwtBearer("a.b.c"), 400, "invalid_grant", "not a compact signed JWT");
  }

  @Test
  void tokenWhenAssertionFromTheIssuerTheApplicationTrustsThenTokenForSub() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iss", OAuthFixture.PARTNER_IDP);
    claims.put("sub", "partner-app");

    HttpResponse<String> r = jwtBearer(OAuthFixture.sign(f.otherKey, claims));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject info =
        f.introspect(
            new JsonObject(r.body()).getString("access_token"), basic("photo-app", "photo-secret"));
    assertThat(info.getString("client_id")).isEqualTo("partner-app");
    assertThat(info.getString("sub")).isEqualTo("partner-app");
  }

  @Test
  void tokenWhenTrustedIssuerButSubIsAnotherApplicationThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("iss", OAuthFixture.PARTNER_IDP);
    claims.put("sub", "photo-app");

    assertError(
        jwtBearer(OAuthFixture.sign(f.otherKey, claims)),
        400,
        "invalid_grant",
        "not the client_id of a registered application");
  }

  @Test
  void tokenWhenClientIdParameterNamesAnotherApplicationThenInvalidGrant() throws Exception {
    assertError(
        token(
            null,
            Map.of(
                "grant_type",
                TokenEndpoint.JWT_BEARER,
                "assertion",
                f.assertion(f.claims()),
                "client_id",
                "other-app")),
        400,
        "invalid_grant",
        "client_id does not name the application");
  }

  @Test
  void tokenWhenAssertionTooLongOrEncryptedOrOddAlgThenInvalidGrant() throws Exception {
    assertError(
        jwtBearer("a".repeat(JwtAssertions.MAX_LENGTH + 1)),
        400,
        "invalid_grant",
        "longer than 16384 characters");
    assertError(jwtBearer("a.b.c.d.e"), 400, "invalid_grant", "encrypted JWT is not accepted");
    String header = Base64URL.encode("{\"alg\":\"XY9\"}").toString();
    String payload = Base64URL.encode(toClaims(f.claims()).toString()).toString();
    assertError(
        jwtBearer(header + "." + payload + ".c2ln"),
        400,
        "invalid_grant",
        "'XY9' is not an accepted algorithm");
    assertError(
        jwtBearer(Base64URL.encode("{}") + "." + payload + ".c2ln"),
        400,
        "invalid_grant",
        "header has no alg");
  }

  @Test
  void tokenWhenAssertionOver8KiBButWithinLimitThenAccepted() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("padding", "p".repeat(10_000));

    HttpResponse<String> r = jwtBearer(f.assertion(claims));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenBodyOver64KiBThen413() throws Exception {
    HttpResponse<String> r =
        f.post(
            "/oauth2/token",
            null,
            "grant_type=client_credentials&x=" + "y".repeat(FormRequest.MAX_BODY));

    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void tokenWhenJtiTooLongThenInvalidGrant() throws Exception {
    Map<String, Object> claims = f.claims();
    claims.put("jti", "j".repeat(513));

    assertError(jwtBearer(f.assertion(claims)), 400, "invalid_grant", "jti must have 1 to 512");
  }

  @Test
  void tokenWhenLocalServerMissingThenTemporarilyUnavailable() throws Exception {
    AuthorizationServer local = f.local();
    f.snapshots.publish(
        new io.portcullis.registry.Snapshot(
            f.snapshots.get().version() + 1,
            List.of(),
            f.snapshots.get().applications(),
            List.of(),
            f.snapshots.get().scopes(),
            List.of()));
    try {
      assertError(
          token(basic("photo-app", "photo-secret"), Map.of("grant_type", "client_credentials")),
          503,
          "temporarily_unavailable",
          "not configured");
      assertError(
          f.post("/oauth2/introspect", basic("photo-app", "photo-secret"), Map.of("token", "x")),
          503,
          "temporarily_unavailable",
          "not configured");
      assertError(
          f.post("/oauth2/revoke", basic("photo-app", "photo-secret"), Map.of("token", "x")),
          503,
          "temporarily_unavailable",
          "not configured");
      assertError(
          f.get("/api/oauth/tokeninfo?access_token=x", null),
          503,
          "temporarily_unavailable",
          "not configured");
    } finally {
      f.publish(local);
    }
  }

  private static JWTClaimsSet toClaims(Map<String, Object> claims) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
    claims.forEach(b::claim);
    return b.build();
  }

  // ---------------------------------------------------------------- client authentication

  @Test
  void tokenWhenUnknownClientOrWrongSecretThenTheSameInvalidClient() throws Exception {
    HttpResponse<String> unknown =
        token(basic("nobody", "photo-secret"), Map.of("grant_type", "client_credentials"));
    HttpResponse<String> wrong =
        token(basic("photo-app", "wrong-secret"), Map.of("grant_type", "client_credentials"));

    assertError(unknown, 401, "invalid_client", ClientAuthenticator.BAD_SECRET);
    assertError(wrong, 401, "invalid_client", ClientAuthenticator.BAD_SECRET);
    assertThat(unknown.body()).isEqualTo(wrong.body());
  }

  @Test
  void tokenWhenWrongSecretPostedThenInvalidClientWithChallenge() throws Exception {
    assertError(
        token(
            null,
            Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                "photo-app",
                "client_secret",
                "wrong-secret")),
        401,
        "invalid_client",
        ClientAuthenticator.BAD_SECRET);
  }

  @Test
  void tokenWhenApplicationDisabledThenInvalidClient() throws Exception {
    assertError(
        token(basic("off-app", "off-secret"), Map.of("grant_type", "client_credentials")),
        401,
        "invalid_client",
        ClientAuthenticator.BAD_SECRET);
  }

  @Test
  void tokenWhenClientCredentialsWithoutAuthenticationThenInvalidClient() throws Exception {
    assertError(
        token(null, Map.of("grant_type", "client_credentials")),
        401,
        "invalid_client",
        "requires client authentication");
  }

  @Test
  void tokenWhenBearerAuthorizationThenInvalidClient() throws Exception {
    assertError(
        token("Bearer abc", Map.of("grant_type", "client_credentials")),
        401,
        "invalid_client",
        "another scheme");
  }

  @Test
  void tokenWhenTwoAuthorizationHeadersThenInvalidRequest() throws Exception {
    HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(URI.create(f.base + "/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", basic("photo-app", "photo-secret"))
                    .header("Authorization", basic("other-app", "other-secret"))
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertError(r, 400, "invalid_request", "one Authorization header");
  }

  @Test
  void tokenWhenBasicAndPostedSecretTogetherThenInvalidRequest() throws Exception {
    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                "photo-app",
                "client_secret",
                "photo-secret")),
        400,
        "invalid_request",
        "more than one client authentication method");
  }

  @Test
  void tokenWhenClientSecretJwtThenInvalidClientNotSupported() throws Exception {
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).build(), toClaims(clientAssertion()));
    hmac.sign(new MACSigner("a-shared-secret-of-at-least-32-bytes!!"));

    assertError(
        token(
            null,
            Map.of(
                "grant_type",
                "client_credentials",
                "client_assertion_type",
                PrivateKeyJWT.CLIENT_ASSERTION_TYPE,
                "client_assertion",
                hmac.serialize())),
        401,
        "invalid_client",
        "client_secret_jwt is not supported");
  }

  @Test
  void tokenWhenPrivateKeyJwtOfDisabledApplicationThenSameAnswerAsWrongKey() throws Exception {
    Map<String, Object> claims = clientAssertion();
    claims.put("iss", "off-app");
    claims.put("sub", "off-app");

    assertError(
        token(
            null,
            Map.of(
                "grant_type",
                "client_credentials",
                "client_assertion_type",
                PrivateKeyJWT.CLIENT_ASSERTION_TYPE,
                "client_assertion",
                OAuthFixture.sign(f.otherKey, claims))),
        401,
        "invalid_client",
        JwtAssertions.CLIENT_UNKNOWN);
  }

  @Test
  void tokenWhenPrivateKeyJwtIssDiffersFromSubThenInvalidClient() throws Exception {
    Map<String, Object> claims = clientAssertion();
    claims.put("sub", "other-app");

    assertError(
        token(null, privateKeyJwt(claims, "client_credentials")),
        401,
        "invalid_client",
        "iss and sub must both be the client_id");
  }

  @Test
  void tokenWhenPrivateKeyJwtAudienceWrongThenInvalidClient() throws Exception {
    Map<String, Object> claims = clientAssertion();
    claims.put("aud", "http://elsewhere.test/token");

    assertError(
        token(null, privateKeyJwt(claims, "client_credentials")),
        401,
        "invalid_client",
        "client assertion aud must be " + TOKEN_URL);
  }

  @Test
  void tokenWhenPrivateKeyJwtAudienceIsIssuerIdentifierThenToken() throws Exception {
    // What openid-client 6 sends, as draft-ietf-oauth-rfc7523bis asks.
    Map<String, Object> claims = clientAssertion();
    claims.put("aud", OAuthFixture.ISSUER);

    HttpResponse<String> r = token(null, privateKeyJwt(claims, "client_credentials"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenPrivateKeyJwtAudienceNamesIssuerAndAnotherThenInvalidClient() throws Exception {
    Map<String, Object> claims = clientAssertion();
    claims.put("aud", List.of(OAuthFixture.ISSUER, "https://other-server.test"));

    assertError(
        token(null, privateKeyJwt(claims, "client_credentials")),
        401,
        "invalid_client",
        "client assertion aud must be exactly one value, "
            + TOKEN_URL
            + " or "
            + OAuthFixture.ISSUER
            + "; it has 2");
  }

  @Test
  void tokenWhenPrivateKeyJwtReplayedThenInvalidClient() throws Exception {
    Map<String, String> form = privateKeyJwt(clientAssertion(), "client_credentials");
    assertThat(token(null, form).statusCode()).isEqualTo(200);

    assertError(token(null, form), 401, "invalid_client", "was used before");
  }

  @Test
  void tokenWhenPrivateKeyJwtSignedByAnotherKeyThenInvalidClient() throws Exception {
    Map<String, String> form =
        Map.of(
            "grant_type",
            "client_credentials",
            "client_assertion_type",
            PrivateKeyJWT.CLIENT_ASSERTION_TYPE,
            "client_assertion",
            OAuthFixture.sign(f.strangerKey, clientAssertion()));

    assertError(token(null, form), 401, "invalid_client", JwtAssertions.CLIENT_UNKNOWN);
  }

  @Test
  void tokenWhenPrivateKeyJwtOfUnknownClientThenSameAnswerAsWrongKey() throws Exception {
    Map<String, Object> claims = clientAssertion();
    claims.put("iss", "nobody");
    claims.put("sub", "nobody");

    assertError(
        token(null, privateKeyJwt(claims, "client_credentials")),
        401,
        "invalid_client",
        JwtAssertions.CLIENT_UNKNOWN);
  }

  // ---------------------------------------------------------------- scopes

  @Test
  void tokenWhenScopeNotGrantedThenInvalidScope() throws Exception {
    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "client_credentials", "scope", PHOTOS + " " + ADMIN)),
        400,
        "invalid_scope",
        "not registered or not granted");
  }

  @Test
  void tokenWhenScopeNotRegisteredThenInvalidScope() throws Exception {
    assertError(
        token(
            null,
            Map.of(
                "grant_type",
                TokenEndpoint.JWT_BEARER,
                "assertion",
                f.assertion(f.claims()),
                "scope",
                UNREGISTERED)),
        400,
        "invalid_scope",
        UNREGISTERED);
  }

  // ---------------------------------------------------------------- request shape

  @Test
  void tokenWhenGrantUnsupportedOrPasswordThenUnsupportedGrantType() throws Exception {
    assertError(
        token(basic("photo-app", "photo-secret"), Map.of("grant_type", "urn:example:magic")),
        400,
        "unsupported_grant_type",
        "is not offered");
    assertError(
        token(
            basic("photo-app", "photo-secret"),
            Map.of("grant_type", "password", "username", "alice", "password", "alice-password")),
        400,
        "unsupported_grant_type",
        "'password' is not offered");
  }

  @Test
  void tokenWhenGrantTypeMissingOrRepeatedThenInvalidRequest() throws Exception {
    assertError(
        token(basic("photo-app", "photo-secret"), Map.of("scope", PHOTOS)),
        400,
        "invalid_request",
        "grant_type is required");
    assertError(
        f.post(
            "/oauth2/token",
            basic("photo-app", "photo-secret"),
            "grant_type=client_credentials&grant_type=client_credentials"),
        400,
        "invalid_request",
        "'grant_type' is repeated");
  }

  @Test
  void tokenWhenNotFormEncodedThenInvalidRequest() throws Exception {
    HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(URI.create(f.base + "/oauth2/token"))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"grant_type\":\"client_credentials\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

    assertError(r, 400, "invalid_request", "application/x-www-form-urlencoded");
  }

  @Test
  void tokenWhenGetThen405() throws Exception {
    HttpResponse<String> r = f.get("/oauth2/token?grant_type=client_credentials", null);

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("POST");
  }

  // ---------------------------------------------------------------- metadata

  @Test
  void metadataWhenTokenEndpointsServedThenListsExactlyWhatExists() throws Exception {
    JsonObject m = new JsonObject(f.get("/.well-known/oauth-authorization-server", null).body());

    assertThat(m.getString("token_endpoint")).isEqualTo(TOKEN_URL);
    assertThat(m.getString("introspection_endpoint"))
        .isEqualTo(OAuthFixture.ISSUER + "/oauth2/introspect");
    assertThat(m.getString("revocation_endpoint"))
        .isEqualTo(OAuthFixture.ISSUER + "/oauth2/revoke");
    assertThat(m.getJsonArray("grant_types_supported"))
        .isEqualTo(
            new JsonArray(
                List.of(
                    "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    "client_credentials",
                    "refresh_token")));
    assertThat(m.getJsonArray("token_endpoint_auth_methods_supported"))
        .isEqualTo(
            new JsonArray(List.of("client_secret_basic", "client_secret_post", "private_key_jwt")));
    assertThat(m.getJsonArray("token_endpoint_auth_signing_alg_values_supported").getList())
        .contains("RS256", "ES256", "PS256", "EdDSA")
        .doesNotContain("HS256", "none");
    assertThat(m.getJsonArray("introspection_endpoint_auth_methods_supported"))
        .isEqualTo(m.getJsonArray("token_endpoint_auth_methods_supported"));
    assertThat(m.getJsonArray("revocation_endpoint_auth_methods_supported"))
        .isEqualTo(m.getJsonArray("token_endpoint_auth_methods_supported"));
  }

  @Test
  void tokenWhenFreshJtiEachTimeThenEveryExchangeSucceeds() throws Exception {
    for (int i = 0; i < 3; i++) {
      Map<String, Object> claims = f.claims();
      claims.put("jti", UUID.randomUUID().toString());
      assertThat(jwtBearer(f.assertion(claims)).statusCode()).isEqualTo(200);
    }
  }
}
