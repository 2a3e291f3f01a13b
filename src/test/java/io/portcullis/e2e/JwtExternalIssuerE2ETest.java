package io.portcullis.e2e;

import static io.portcullis.e2e.JwtGatewayIssuerE2ETest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import io.portcullis.gateway.EchoUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Use case 2 of the webMethods seed, "API Gateway with an external JWT issuer", and the application
 * lookup of use case 3's policy, through a whole node: a third-party issuer publishes its keys as a
 * JWKS on a real server, an application trusts it and is identified by the claims of its tokens.
 *
 * <p>The key-rotation test runs last: the gateway fetches an issuer's JWKS at most once per 30 s
 * (so that a flood of unknown {@code kid}s costs one fetch), counted from the fetch at start; the
 * tests before it use that time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JwtExternalIssuerE2ETest {
  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static TestIssuer corp;
  static TestIssuer rotating;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    corp = new TestIssuer(vertx, "https://idp.e2e.example", JWSAlgorithm.RS256);
    rotating = new TestIssuer(vertx, "https://rotating.e2e.example", JWSAlgorithm.RS256);
    node =
        RunningNode.start(
            RunningNode.configFile("jwt-external.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of(
                "UPSTREAM", "http://127.0.0.1:" + upstream.port(),
                "CORP_JWKS", corp.jwksUrl(),
                "ROTATING_JWKS", rotating.jwksUrl()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (corp != null) corp.close();
    if (rotating != null) rotating.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  @Order(1)
  void tokenWhenSignedByTrustedExternalIssuerThenAcceptedAndIdentityPassedUpstream() {
    String token = corp.sign(corp.claims("partner-x").claim("scope", "read write").build());

    HttpResponse<String> call =
        node.getWithBearer("/partner/v1/orders", token, "X-Portcullis-Application", "forged");

    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(call.body()).getJsonObject("headers");
    assertThat(values(headers, "x-portcullis-application")).containsExactly("partner-app");
    assertThat(values(headers, "x-portcullis-subject")).containsExactly("partner-x");
    assertThat(values(headers, "x-portcullis-scopes")).containsExactly("read write");
    assertThat(values(headers, "x-portcullis-issuer")).containsExactly("https://idp.e2e.example");
    assertThat(values(headers, "authorization")).isEmpty();
  }

  @Test
  @Order(2)
  void callWhenApplicationNotAssociatedThenRegisteredLookupRefusesAndGlobalLookupAccepts() {
    String token = corp.sign(corp.claims("partner-x").build());

    HttpResponse<String> registered = node.getWithBearer("/registered-only/v1/orders", token);

    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(403);
    assertThat(registered.headers().firstValue("WWW-Authenticate"))
        .as("a 403 without an RFC 6750 error code has no challenge")
        .isEmpty();
    assertThat(registered.headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");
    JsonObject problem = new JsonObject(registered.body());
    assertThat(problem.getInteger("status")).isEqualTo(403);
    assertThat(problem.getString("title")).isEqualTo("Forbidden");
    assertThat(problem.getString("detail"))
        .isEqualTo("application partner-app is not associated with API registered-only/v1");

    HttpResponse<String> global = node.getWithBearer("/global/v1/orders", token);

    assertThat(global.statusCode()).as(global.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(global.body()).getJsonObject("headers");
    assertThat(values(headers, "x-portcullis-application")).containsExactly("partner-app");
  }

  @Test
  @Order(3)
  void tokenWhenIssuerRotatedKeysThenNewKidAcceptedWithoutRestartAndKnownKidsSurviveJwksOutage() {
    String beforeRotation = rotating.sign(rotating.claims("rotating-x").build());
    assertThat(node.getWithBearer("/rotating/v1/x", beforeRotation).statusCode()).isEqualTo(200);

    int fetchesBeforeRotation = rotating.requests();
    rotating.rotate();
    String afterRotation = rotating.sign(rotating.claims("rotating-x").build());
    List<HttpResponse<String>> refusals = new CopyOnWriteArrayList<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              HttpResponse<String> call = node.getWithBearer("/rotating/v1/x", afterRotation);
              if (call.statusCode() != 200) refusals.add(call);
              return call.statusCode() == 200;
            });

    // Until the rate limit let the gateway fetch the JWKS again, the new kid was unknown to it.
    assertThat(refusals)
        .allSatisfy(
            refusal -> {
              assertThat(refusal.statusCode()).isEqualTo(401);
              Challenge challenge =
                  Challenge.parse(refusal.headers().firstValue("WWW-Authenticate").orElseThrow());
              assertThat(challenge.param("error")).isEqualTo("invalid_token");
              assertThat(challenge.param("error_description"))
                  .startsWith("no key of issuer rotating-idp matches");
            });
    assertThat(rotating.requests()).as("JWKS fetches").isGreaterThan(fetchesBeforeRotation);
    HttpResponse<String> oldKid = node.getWithBearer("/rotating/v1/x", beforeRotation);
    assertThat(oldKid.statusCode()).as("the removed key no longer verifies").isEqualTo(401);

    rotating.close();
    String duringOutage = rotating.sign(rotating.claims("rotating-x").build());

    assertThat(node.getWithBearer("/rotating/v1/x", duringOutage).statusCode()).isEqualTo(200);
    assertThat(node.getWithBearer("/rotating/v1/x", afterRotation).statusCode()).isEqualTo(200);
  }
}
