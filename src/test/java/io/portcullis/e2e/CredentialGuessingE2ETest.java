package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credential guessing through a whole node whose {@code gateway.authThrottle} sets small limits:
 * after the limit of failures per name or per address, even the right secret is refused, with
 * {@code Retry-After}, until the window (moved by the node's clock) ends. Each test ends by moving
 * the clock past the window.
 */
class CredentialGuessingE2ETest {
  static final int PER_NAME = 3;
  static final int PER_ADDRESS = 8;
  static final Duration WINDOW = Duration.ofSeconds(120);

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
    node = HostileTrafficE2ETest.startNode(config(), dir, upstream, clock);
  }

  /** hostile.yaml with the limits above in {@code gateway.authThrottle}. */
  private static Path config() throws Exception {
    Path config = RunningNode.configFile("hostile.yaml", dir);
    String text = Files.readString(config);
    String publicUrl = "  publicUrl: https://gateway.e2e.example\n";
    assertThat(text).contains(publicUrl);
    Files.writeString(
        config,
        text.replace(
            publicUrl,
            publicUrl
                + "  authThrottle: { failuresPerName: "
                + PER_NAME
                + ", failuresPerAddress: "
                + PER_ADDRESS
                + ", window: "
                + WINDOW.toSeconds()
                + " }\n"));
    return config;
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @AfterEach
  void windowPassed() {
    clock.advance(WINDOW.plusSeconds(1));
  }

  private static HttpResponse<String> token(String clientId, String secret) {
    return RunningNode.send(
        node.gateway("/oauth2/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", RunningNode.basic(clientId, secret))
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
            .build());
  }

  private static HttpResponse<String> jwt(String name, String secret) {
    return node.get("/oauth2/jwt", "Authorization", RunningNode.basic(name, secret));
  }

  private static long retryAfter(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
  }

  private static void assertLockedAtTokenEndpoint(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo("invalid_client");
    assertThat(body.getString("error_description"))
        .contains("too many failed authentications", "the secret was not checked");
    assertThat(retryAfter(r)).isBetween(1L, WINDOW.toSeconds());
  }

  @Test
  void tokenWhenClientSecretGuessedThenLockedEvenWithRightSecretUntilWindowEnds() {
    for (int i = 0; i < PER_NAME; i++) {
      HttpResponse<String> wrong = token("photo-app", "guess-" + i);
      assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("Retry-After")).isEmpty();
    }

    assertLockedAtTokenEndpoint(token("photo-app", HostileTrafficE2ETest.SECRET));
    for (String path : List.of("/oauth2/introspect", "/oauth2/revoke")) {
      assertLockedAtTokenEndpoint(
          RunningNode.send(
              node.gateway(path)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header(
                      "Authorization", RunningNode.basic("photo-app", HostileTrafficE2ETest.SECRET))
                  .POST(HttpRequest.BodyPublishers.ofString("token=x"))
                  .build()));
    }
    HttpResponse<String> jwt = jwt("photo-app", HostileTrafficE2ETest.SECRET);
    assertThat(jwt.statusCode()).as(jwt.body()).isEqualTo(429);
    assertThat(retryAfter(jwt)).isBetween(1L, WINDOW.toSeconds());

    clock.advance(WINDOW);
    assertThat(token("photo-app", HostileTrafficE2ETest.SECRET).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenManyClientIdsGuessedFromOneAddressThenEveryClientAndAdminLocked() {
    for (int i = 0; i < PER_ADDRESS; i++) {
      assertThat(token("guess-" + i, "secret").statusCode()).isEqualTo(401);
    }

    assertLockedAtTokenEndpoint(token("photo-app", HostileTrafficE2ETest.SECRET));
    HttpResponse<String> admin = node.admin("GET", "/apis", null);
    assertThat(admin.statusCode()).as(admin.body()).isEqualTo(429);
    assertThat(admin.body()).contains("too many failed authentications");
    assertThat(retryAfter(admin)).isBetween(1L, WINDOW.toSeconds());

    clock.advance(WINDOW);
    assertThat(token("photo-app", HostileTrafficE2ETest.SECRET).statusCode()).isEqualTo(200);
    assertThat(node.admin("GET", "/apis", null).statusCode()).isEqualTo(200);
  }

  @Test
  void jwtWhenUserPasswordGuessedThen429UntilWindowEndsThenAccepted() {
    for (int i = 0; i < PER_NAME; i++) {
      assertThat(jwt("alice", "guess-" + i).statusCode()).isEqualTo(401);
    }

    HttpResponse<String> locked = jwt("alice", HostileTrafficE2ETest.ALICE);
    assertThat(locked.statusCode()).as(locked.body()).isEqualTo(429);
    assertThat(locked.body()).contains("the password was not checked");
    assertThat(retryAfter(locked)).isBetween(1L, WINDOW.toSeconds());

    clock.advance(WINDOW);
    assertThat(jwt("alice", HostileTrafficE2ETest.ALICE).statusCode()).isEqualTo(200);
  }

  @Test
  void adminWhenPasswordGuessedThen429EvenWithRightPasswordUntilWindowEnds() {
    for (int i = 0; i < PER_NAME; i++) {
      assertThat(node.adminAs("admin", "guess-" + i, "GET", "/apis", null).statusCode())
          .isEqualTo(401);
    }

    HttpResponse<String> locked = node.admin("GET", "/apis", null);
    assertThat(locked.statusCode()).as(locked.body()).isEqualTo(429);
    assertThat(retryAfter(locked)).isBetween(1L, WINDOW.toSeconds());

    clock.advance(WINDOW);
    assertThat(node.admin("GET", "/apis", null).statusCode()).isEqualTo(200);
  }
}
