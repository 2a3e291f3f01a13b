package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.TestDatabases;
import io.portcullis.token.issue.KeyEncryptor;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conflicting admin writes sent at the same instant to two whole nodes on one PostgreSQL: one wins,
 * the other is refused, and the database holds what the winner wrote. Each race runs {@value
 * #ROUNDS} times, both requests released together by a latch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrentAdminWritesPostgresTest {
  private static final int ROUNDS = 10;
  private static final String PASSWORD = "admin-password-123";
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ExecutorService racers = Executors.newFixedThreadPool(2);
  private static String db;
  private static PortcullisNode a;
  private static PortcullisNode b;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        "gateway:\n  listen: 127.0.0.1:0\n  publicUrl: http://cluster.test\nadmin:\n  listen: 127.0.0.1:0\n");
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    Map<String, String> env =
        Map.of(
            "PORTCULLIS_ADMIN_PASSWORD",
            PASSWORD,
            KeyEncryptor.ENV,
            Base64.getEncoder().encodeToString(masterKey));
    db = TestDatabases.postgres();
    a = PortcullisNode.start(new NodeOptions(config, dir.resolve("a"), db, env));
    b = PortcullisNode.start(new NodeOptions(config, dir.resolve("b"), db, env));
  }

  @AfterAll
  static void stop() {
    racers.shutdownNow();
    if (a != null) a.close();
    if (b != null) b.close();
  }

  @Test
  void createOnBothNodesWhenSameBasePathThenOne201OneConflictAndOneRow() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String basePath = "/race/" + round;
      List<HttpResponse<String>> answers =
          race(
              () -> call(a, "POST", "/apis", api("left-" + basePath.substring(6), basePath), null),
              () ->
                  call(b, "POST", "/apis", api("right-" + basePath.substring(6), basePath), null));

      assertThat(statuses(answers)).as(bodies(answers)).containsExactlyInAnyOrder(201, 409);
      HttpResponse<String> refused = answers.get(answers.get(0).statusCode() == 409 ? 0 : 1);
      assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(new JsonObject(refused.body()).getString("field")).isEqualTo("basePath");
      assertThat(count("SELECT COUNT(*) FROM apis WHERE base_path = ?", basePath)).isEqualTo(1);
    }
  }

  @Test
  void createOnBothNodesWhenSameKeyThenOne201One409() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String name = "same-" + round;
      String prefix = "/same/" + round;
      List<HttpResponse<String>> answers =
          race(
              () -> call(a, "POST", "/apis", api(name, prefix + "/a"), null),
              () -> call(b, "POST", "/apis", api(name, prefix + "/b"), null));

      assertThat(statuses(answers)).as(bodies(answers)).containsExactlyInAnyOrder(201, 409);
      assertThat(count("SELECT COUNT(*) FROM apis WHERE name = ?", name)).isEqualTo(1);
    }
  }

  @Test
  void putOnBothNodesWhenSameIfMatchThenOne200One412NamingTheNewVersion() throws Exception {
    HttpResponse<String> created = call(a, "POST", "/apis", api("edited", "/edited"), null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String etag = created.headers().firstValue("ETag").orElseThrow();
    for (int round = 0; round < ROUNDS; round++) {
      String read = etag;
      List<HttpResponse<String>> answers =
          race(
              () -> call(a, "PUT", "/apis/edited/v1", api("edited", "/edited/a"), read),
              () -> call(b, "PUT", "/apis/edited/v1", api("edited", "/edited/b"), read));

      assertThat(statuses(answers)).as(bodies(answers)).containsExactlyInAnyOrder(200, 412);
      HttpResponse<String> won = answers.get(answers.get(0).statusCode() == 200 ? 0 : 1);
      HttpResponse<String> lost = answers.get(answers.get(0).statusCode() == 412 ? 0 : 1);
      etag = won.headers().firstValue("ETag").orElseThrow();
      assertThat(etag).isNotEqualTo(read);
      assertThat(lost.headers().firstValue("ETag")).contains(etag);
      assertThat("\"" + new JsonObject(lost.body()).getLong("currentVersion") + "\"")
          .isEqualTo(etag);
      // The loser's node reads what the winner wrote, with the winner's version.
      HttpResponse<String> onOther = call(b, "GET", "/apis/edited/v1", null, null);
      assertThat(onOther.headers().firstValue("ETag")).contains(etag);
      assertThat(new JsonObject(onOther.body()).getString("basePath"))
          .isEqualTo(new JsonObject(won.body()).getString("basePath"));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // it deletes the bootstrap admin, whom the other tests call as
  void deleteOnBothNodesWhenTheLastTwoAdminsThenOneRefusedAndAnAdminRemains() throws Exception {
    String[] admins = {"keeper-p", "keeper-q"};
    for (String admin : admins) {
      HttpResponse<String> created = call(a, "POST", "/users", user(admin), null);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    HttpResponse<String> bootstrapGone = send(a, "DELETE", "/users/admin", null, null, admins[0]);
    assertThat(bootstrapGone.statusCode()).as(bootstrapGone.body()).isEqualTo(204);
    for (int round = 0; round < ROUNDS; round++) {
      // Each admin's password is checked once on each node before the race, so that both calls
      // pass authentication at once and meet at the registry's write lock.
      for (String admin : admins) {
        for (PortcullisNode node : List.of(a, b)) {
          awaitStatus(node, admin, 200);
        }
      }
      List<HttpResponse<String>> answers =
          race(
              () -> send(a, "DELETE", "/users/" + admins[0], null, null, admins[1]),
              () -> send(b, "DELETE", "/users/" + admins[1], null, null, admins[0]));

      List<Integer> statuses = statuses(answers);
      assertThat(statuses).as(bodies(answers)).contains(204);
      // The loser's node may already know that its caller was deleted (401); else the control
      // plane refuses to delete the last enabled admin (409).
      assertThat(statuses).as(bodies(answers)).containsAnyOf(409, 401).doesNotHaveDuplicates();
      List<String> left = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(db);
          PreparedStatement statement =
              connection.prepareStatement("SELECT username, document FROM users")) {
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            JsonObject document = new JsonObject(rs.getString(2));
            if (document.getBoolean("enabled", true)
                && document.getJsonArray("roles").contains("admin")) {
              left.add(rs.getString(1));
            }
          }
        }
      }
      assertThat(left).hasSize(1);
      String survivor = left.get(0);
      String deleted = survivor.equals(admins[0]) ? admins[1] : admins[0];
      HttpResponse<String> again = send(a, "POST", "/users", user(deleted), null, survivor);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    }
  }

  /** Waits until the node knows the admin (its snapshot may lag the other node's write). */
  private static void awaitStatus(PortcullisNode node, String admin, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<String> response;
    do {
      response = send(node, "GET", "/users/" + admin, null, null, admin);
    } while (response.statusCode() != status && System.nanoTime() < deadline);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }

  private interface Call {
    HttpResponse<String> send() throws Exception;
  }

  /** Sends both calls at the same instant from two threads; answers in the order given. */
  private static List<HttpResponse<String>> race(Call first, Call second) throws Exception {
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> futures = new ArrayList<>();
    for (Call call : List.of(first, second)) {
      futures.add(
          racers.submit(
              () -> {
                ready.countDown();
                go.await();
                return call.send();
              }));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (Future<HttpResponse<String>> f : futures) answers.add(f.get(60, TimeUnit.SECONDS));
    return answers;
  }

  private static List<Integer> statuses(List<HttpResponse<String>> answers) {
    return answers.stream().map(HttpResponse::statusCode).toList();
  }

  private static String bodies(List<HttpResponse<String>> answers) {
    return answers.stream().map(HttpResponse::body).toList().toString();
  }

  private static long count(String sql, String value) throws Exception {
    try (Connection connection = DriverManager.getConnection(db);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, value);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String api(String name, String basePath) {
    return new JsonObject()
        .put("name", name)
        .put("version", "v1")
        .put("basePath", basePath)
        .put("upstream", "http://127.0.0.1:9")
        .encode();
  }

  private static String user(String username) {
    return new JsonObject()
        .put("username", username)
        .put("password", PASSWORD)
        .put("roles", List.of("admin"))
        .encode();
  }

  private static HttpResponse<String> call(
      PortcullisNode node, String method, String path, String body, String ifMatch)
      throws Exception {
    return send(node, method, path, body, ifMatch, "admin");
  }

  private static HttpResponse<String> send(
      PortcullisNode node, String method, String path, String body, String ifMatch, String user)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
            .timeout(Duration.ofSeconds(60))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (ifMatch != null) request.header("If-Match", ifMatch);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
