package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Use case 1 of the webMethods seed, "JWT authentication with API Gateway as a JWT issuer", through
 * a whole node: the gateway is the internal authorization server, an API enforces Identify &amp;
 * Authorize with JWT, an application is associated with it, and a client retrieves a JWT (with or
 * without claims, as user or as application) and calls the API with it as a bearer token.
 */
class JwtGatewayIssuerE2ETest {
  static final String ISSUER = "https://gateway.e2e.example";
  static final String PHOTOS_SCOPE = "https://e2e.example/photos";
  static final String APP_SECRET = "photo-app-secret";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    node =
        RunningNode.start(
            RunningNode.configFile("jwt-local.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of(
                "UPSTREAM",
                "http://127.0.0.1:" + upstream.port(),
                "ALICE_PASSWORD",
                "alice-password",
                "PHOTO_APP_SECRET",
                APP_SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void jwtWhenRetrievedAsApplicationThenCallReachesUpstreamWithIdentityAndNoForgedHeaders() {
    JsonObject answer = retrieve("GET", "/oauth2/jwt", "photo-app", APP_SECRET, null);
    assertThat(answer.getString("token_type")).isEqualTo("Bearer");
    assertThat(answer.getInteger("expires_in")).isEqualTo(600);
    String jwt = answer.getString("jwt");

    HttpResponse<String> call =
        node.getWithBearer(
            "/photos/v1/albums?page=2",
            jwt,
            "X-Portcullis-Application",
            "forged-app",
            "x-portcullis-subject",
            "root",
            "X-Portcullis-Scopes",
            "admin");

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject echo = new JsonObject(call.body());
    assertThat(echo.getString("uri")).isEqualTo("/albums?page=2");
    JsonObject headers = echo.getJsonObject("headers");
    assertThat(values(headers, "x-portcullis-application")).containsExactly("photo-app");
    assertThat(values(headers, "x-portcullis-subject")).containsExactly("photo-app");
    assertThat(values(headers, "x-portcullis-scopes")).containsExactly(PHOTOS_SCOPE);
    assertThat(values(headers, "x-portcullis-issuer")).containsExactly(ISSUER);
    assertThat(values(headers, "authorization")).as("forwardAuthorization is off").isEmpty();
  }

  @Test
  void jwtWhenRetrievedAsUserForApplicationThenSubjectIsTheUserAndApplicationIsIdentified() {
    String jwt =
        retrieve("GET", "/oauth2/jwt?app_id=photo-app", "alice", "alice-password", null)
            .getString("jwt");
    assertThat(claims(jwt).getString("sub")).isEqualTo("alice");

    HttpResponse<String> call = node.getWithBearer("/photos/v1/albums", jwt);

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(values(headers, "x-portcullis-application")).containsExactly("photo-app");
    assertThat(values(headers, "x-portcullis-subject")).containsExactly("alice");
    assertThat(values(headers, "x-portcullis-scopes")).containsExactly(PHOTOS_SCOPE);
  }

  @Test
  void jwtWhenRetrievedAsUserWithoutApplicationThenApiRefusesItAsIdentifyingNoApplication() {
    String jwt = retrieve("GET", "/oauth2/jwt", "alice", "alice-password", null).getString("jwt");

    HttpResponse<String> call = node.getWithBearer("/photos/v1/albums", jwt);

    assertThat(call.statusCode()).isEqualTo(401);
    Challenge challenge =
        Challenge.parse(call.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertThat(challenge.param("error")).isEqualTo("invalid_token");
    assertThat(challenge.param("error_description")).contains("identifies no application");
    assertThat(upstreamSaw(call)).isFalse();
  }

  @Test
  void jwtWhenPostedWithClaimsSetThenClaimHeaderCarriesTheClaimAndNotTheClientsCopy() {
    String jwt =
        retrieve(
                "POST",
                "/oauth2/jwt",
                "photo-app",
                APP_SECRET,
                "{\"claimsSet\":{\"department\":\"engineering\"}}")
            .getString("jwt");
    assertThat(claims(jwt).getString("department")).isEqualTo("engineering");

    HttpResponse<String> call =
        node.getWithBearer("/photos/v1/albums", jwt, "X-Department", "forged");

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(values(headers, "x-department")).containsExactly("engineering");
    assertThat(values(headers, "x-portcullis-application")).containsExactly("photo-app");
  }

  @Test
  void callWhenApiForwardsAuthorizationThenUpstreamGetsTheBearerToken() {
    String jwt = retrieve("GET", "/oauth2/jwt", "photo-app", APP_SECRET, null).getString("jwt");

    HttpResponse<String> call = node.getWithBearer("/photos-forwarding/v1/albums", jwt);

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(values(headers, "authorization")).containsExactly("Bearer " + jwt);
    assertThat(values(headers, "x-portcullis-application")).containsExactly("photo-app");
  }

  @Test
  void jwtWhenIssuedThenJdkSignatureVerifiesItWithTheKeyFromJwksFetchedOverHttp() throws Exception {
    String jwt = retrieve("GET", "/oauth2/jwt", "photo-app", APP_SECRET, null).getString("jwt");
    JsonObject header = header(jwt);
    assertThat(header.getString("alg")).isEqualTo("RS256");

    JsonObject jwk = jwks().get(header.getString("kid"));

    assertThat(jwk).as("the token's kid in /oauth2/jwks").isNotNull();
    assertThat(jwk.getString("kty")).isEqualTo("RSA");
    assertThat(jwk.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi");
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
                    new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")))));
    String[] parts = jwt.split("\\.");
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(key);
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(signature.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

    signature.initVerify(key);
    signature.update((parts[0] + "." + parts[1] + "x").getBytes(StandardCharsets.US_ASCII));
    assertThat(signature.verify(Base64.getUrlDecoder().decode(parts[2]))).isFalse();
  }

  @Test
  void rotateWhenAdminRotatesLocalKeysThenEarlierTokenStillWorksAndNewTokenHasTheNewKid() {
    String before = retrieve("GET", "/oauth2/jwt", "photo-app", APP_SECRET, null).getString("jwt");
    String oldKid = header(before).getString("kid");

    HttpResponse<String> rotated =
        node.admin("POST", "/authorization-servers/local/keys/rotate", null);

    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    String newKid = new JsonObject(rotated.body()).getString("activeKid");
    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(node.getWithBearer("/photos/v1/albums", before).statusCode()).isEqualTo(200);
    String after = retrieve("GET", "/oauth2/jwt", "photo-app", APP_SECRET, null).getString("jwt");
    assertThat(header(after).getString("kid")).isEqualTo(newKid);
    assertThat(node.getWithBearer("/photos/v1/albums", after).statusCode()).isEqualTo(200);
    assertThat(jwks().keySet()).contains(oldKid, newKid);
  }

  /** Retrieves a JWT at an authorization-server endpoint with HTTP Basic; expects 200. */
  private static JsonObject retrieve(
      String method, String path, String user, String password, String json) {
    HttpRequest.Builder request =
        node.gateway(path)
            .header("Authorization", RunningNode.basic(user, password))
            .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
    if (json != null) request.header("Content-Type", "application/json");
    HttpResponse<String> response = RunningNode.send(request.build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** The node's JWKS, fetched over HTTP, by kid. */
  private static Map<String, JsonObject> jwks() {
    HttpResponse<String> response = node.get("/oauth2/jwks");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray keys = new JsonObject(response.body()).getJsonArray("keys");
    Map<String, JsonObject> byKid = new java.util.HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      JsonObject key = keys.getJsonObject(i);
      byKid.put(key.getString("kid"), key);
    }
    return byKid;
  }

  static JsonObject header(String jwt) {
    return segment(jwt, 0);
  }

  static JsonObject claims(String jwt) {
    return segment(jwt, 1);
  }

  private static JsonObject segment(String jwt, int index) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  static List<String> values(JsonObject headers, String name) {
    JsonArray values = headers.getJsonArray(name);
    return values == null ? List.of() : values.stream().map(String::valueOf).toList();
  }

  private static boolean upstreamSaw(HttpResponse<String> response) {
    return response.headers().firstValue("X-Upstream-Public").isPresent();
  }
}
