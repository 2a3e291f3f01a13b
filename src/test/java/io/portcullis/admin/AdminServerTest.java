package io.portcullis.admin;

import static io.portcullis.admin.AdminFixture.ADMIN;
import static io.portcullis.admin.AdminFixture.ADMIN_PASSWORD;
import static io.portcullis.admin.AdminFixture.ALICE;
import static io.portcullis.admin.AdminFixture.ALICE_PASSWORD;
import static io.portcullis.admin.AdminFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Scope;
import io.portcullis.registry.User;
import io.portcullis.registry.Versioned;
import io.portcullis.store.StoreConflictException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication, error answers, /health and /metrics of the admin server. */
class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHALLENGE = "Basic realm=\"portcullis-admin\", charset=\"UTF-8\"";

  private AdminFixture fixture;

  @AfterEach
  void close() {
    if (fixture != null) fixture.close();
  }

  private AdminFixture fixture() {
    fixture = new AdminFixture();
    return fixture;
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  static void assertProblem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(response).get("status").asInt()).isEqualTo(status);
  }

  // ---------------------------------------------------------------- authentication

  @Test
  void callWhenAdminCredentialsThenAnswered() {
    HttpResponse<String> response = fixture().admin("GET", "/apis");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("[]");
  }

  @Test
  void callWhenNoCredentialsThen401WithBasicChallenge() {
    HttpResponse<String> response = fixture().call("GET", "/apis", null);

    assertProblem(response, 401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains(CHALLENGE);
    assertThat(json(response).get("field").asText()).isEqualTo("Authorization");
  }

  @Test
  void callWhenWrongPasswordOrUnknownUserThenIdentical401() {
    AdminFixture f = fixture();
    HttpResponse<String> wrongPassword =
        f.call("GET", "/apis", null, basic(ADMIN, "not-the-password"));
    HttpResponse<String> unknownUser = f.call("GET", "/apis", null, basic("nobody", "whatever1"));

    assertProblem(wrongPassword, 401);
    assertProblem(unknownUser, 401);
    assertThat(unknownUser.body()).isEqualTo(wrongPassword.body());
    assertThat(unknownUser.headers().map()).containsAllEntriesOf(withoutDate(wrongPassword));
    assertThat(wrongPassword.headers().firstValue("WWW-Authenticate")).contains(CHALLENGE);
  }

  private static java.util.Map<String, List<String>> withoutDate(HttpResponse<String> response) {
    java.util.Map<String, List<String>> headers = new java.util.TreeMap<>(response.headers().map());
    headers.remove("date");
    return headers;
  }

  @Test
  void callWhenUserIsDisabledThen401() {
    AdminFixture f = fixture();
    f.admin(
        "POST",
        "/users",
        "{\"username\":\"bob\",\"password\":\"bob-password-1\","
            + "\"roles\":[\"admin\"],\"enabled\":false}");

    assertProblem(f.call("GET", "/apis", null, basic("bob", "bob-password-1")), 401);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Basic",
        "Basic !!!not-base64!!!",
        "Basic bm8tY29sb24=", // "no-colon"
        "Bearer abc.def.ghi",
        "Digest username=\"admin\"",
        "garbage"
      })
  void callWhenMalformedOrOtherSchemeThen401(String authorization) {
    HttpResponse<String> response = fixture().call("GET", "/apis", null, authorization);

    assertProblem(response, 401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains(CHALLENGE);
    assertThat(json(response).get("field").asText()).isEqualTo("Authorization");
  }

  @Test
  void callWhenTwoAuthorizationHeadersThen401() {
    AdminFixture f = fixture();
    String admin = basic(ADMIN, ADMIN_PASSWORD);

    assertProblem(f.call("GET", "/apis", null, admin, admin), 401);
  }

  @Test
  void callWhenUserWithoutAdminRoleThen403() {
    HttpResponse<String> response =
        fixture().call("GET", "/apis", null, basic(ALICE, ALICE_PASSWORD));

    assertProblem(response, 403);
    assertThat(json(response).get("detail").asText()).contains("alice", "admin");
  }

  @Test
  void callWhenUnknownPathWithoutCredentialsThen401NotTheResourceMap() {
    assertProblem(fixture().call("GET", "/no-such-thing", null), 401);
  }

  // ---------------------------------------------------------------- error answers

  @Test
  void callWhenUnknownPathThen404Problem() {
    HttpResponse<String> response = fixture().admin("GET", "/no-such-thing");

    assertProblem(response, 404);
    assertThat(json(response).get("detail").asText()).contains("/no-such-thing");
  }

  @Test
  void callWhenWrongMethodThen405WithAllow() {
    HttpResponse<String> response = fixture().admin("PATCH", "/apis", "{}");

    assertProblem(response, 405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, POST");
  }

  @Test
  void callWhenWrongMethodOnItemThen405WithAllow() {
    HttpResponse<String> response = fixture().admin("POST", "/scopes/read");

    assertProblem(response, 405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, DELETE");
  }

  @Test
  void callWhenBodyTooLargeThen413() {
    String big = "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}";

    HttpResponse<String> response = fixture().admin("POST", "/apis", big);

    assertProblem(response, 413);
    assertThat(json(response).get("detail").asText()).contains("65536 bytes");
  }

  @Test
  void callWhenMalformedJsonThen400NamingThePosition() {
    HttpResponse<String> response = fixture().admin("POST", "/apis", "{\n  \"name\": petstore\n}");

    assertProblem(response, 400);
    JsonNode problem = json(response);
    assertThat(problem.get("line").asInt()).isEqualTo(2);
    assertThat(problem.get("column").asInt()).isPositive();
    assertThat(problem.get("detail").asText()).contains("line 2, column");
  }

  @Test
  void callWhenDuplicateKeyInJsonThen400() {
    HttpResponse<String> response =
        fixture().admin("POST", "/scopes", "{\"name\":\"a\",\"name\":\"b\"}");

    assertProblem(response, 400);
    assertThat(json(response).get("detail").asText()).contains("name");
  }

  @Test
  void callWhenEmptyBodyThen400() {
    AdminFixture f = fixture();
    HttpResponse<String> response =
        f.send(
            HttpRequest.newBuilder(f.uri("/scopes"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", basic(ADMIN, ADMIN_PASSWORD))
                .build());

    assertProblem(response, 400);
    assertThat(json(response).get("detail").asText()).contains("JSON body");
  }

  @Test
  void callWhenContentTypeIsNotJsonThen415() {
    AdminFixture f = fixture();
    HttpResponse<String> response =
        f.send(
            HttpRequest.newBuilder(f.uri("/scopes"))
                .POST(HttpRequest.BodyPublishers.ofString("name=read"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(ADMIN, ADMIN_PASSWORD))
                .build());

    assertProblem(response, 415);
    assertThat(json(response).get("field").asText()).isEqualTo("Content-Type");
  }

  @Test
  void callWhenHandlerFailsUnexpectedlyThen500WithCorrelationIdAndNoDetail() {
    fixture =
        new AdminFixture(
            store -> store,
            List.of(
                router ->
                    router
                        .get("/boom")
                        .handler(
                            ctx -> {
                              throw new IllegalStateException("secret internals at line 42");
                            })));

    HttpResponse<String> response = fixture.admin("GET", "/boom");

    assertProblem(response, 500);
    JsonNode problem = json(response);
    assertThat(problem.get("correlationId").asText()).hasSize(36);
    assertThat(problem.get("detail").asText()).contains(problem.get("correlationId").asText());
    assertThat(response.body()).doesNotContain("secret internals", "IllegalStateException", "at ");
  }

  @Test
  void extensionWhenMountedThenBehindAdminAuthentication() {
    fixture =
        new AdminFixture(
            store -> store,
            List.of(
                router -> router.post("/extra").handler(ctx -> ctx.end(ctx.body().asString()))));

    assertProblem(fixture.call("POST", "/extra", "{\"a\":1}"), 401);
    HttpResponse<String> response = fixture.admin("POST", "/extra", "{\"a\":1}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"a\":1}");
  }

  @Test
  void saveWhenStoreReportsUniqueConflictThen409() {
    fixture = new AdminFixture(ConflictingStore::new, List.of());

    HttpResponse<String> response =
        fixture.admin("POST", "/applications", "{\"name\":\"photo-app\",\"clientId\":\"photo\"}");

    assertProblem(response, 409);
    assertThat(json(response).get("detail").asText()).contains("client_id", "photo");
  }

  /** A store whose application saves always hit another node's row with the same client id. */
  private record ConflictingStore(RegistryStore store) implements RegistryStore {
    @Override
    public io.portcullis.registry.AuditLog audit() {
      return store.audit();
    }

    @Override
    public Repository<Api> apis() {
      return store.apis();
    }

    @Override
    public Repository<Application> applications() {
      Repository<Application> real = store.applications();
      return new Repository<>() {
        @Override
        public List<Application> findAll() {
          return real.findAll();
        }

        @Override
        public Optional<Application> find(String key) {
          return real.find(key);
        }

        @Override
        public Optional<Versioned<Application>> findVersioned(String key) {
          return real.findVersioned(key);
        }

        @Override
        public boolean save(Application app) {
          throw new StoreConflictException(
              "applications", "client_id", app.clientId(), app.name(), "other-app");
        }

        @Override
        public boolean delete(String key) {
          return real.delete(key);
        }
      };
    }

    @Override
    public Repository<User> users() {
      return store.users();
    }

    @Override
    public Repository<Scope> scopes() {
      return store.scopes();
    }

    @Override
    public Repository<AuthorizationServer> authorizationServers() {
      return store.authorizationServers();
    }

    @Override
    public void inTransaction(Runnable work) {
      store.inTransaction(work);
    }

    @Override
    public <R> R writeExclusively(ExclusiveWork<R> work) {
      return store.writeExclusively(work);
    }

    @Override
    public boolean isReachable() {
      return store.isReachable();
    }
  }

  // ---------------------------------------------------------------- health and metrics

  @Test
  void healthWhenReadyAndAuthenticatedThen200WithChecks() {
    HttpResponse<String> response = fixture().admin("GET", "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response))
        .isEqualTo(
            json(
                "{\"status\":\"UP\",\"store\":\"UP\","
                    + "\"checks\":{\"store\":\"UP\",\"snapshot\":\"UP\"}}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/health/ready"})
  void healthWhenReadyWithoutCredentialsThen200WithStoreOnly(String path) {
    HttpResponse<String> response = fixture().call("GET", path, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\",\"store\":\"UP\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/health/ready"})
  void healthWhenDatabaseClosedThenStillReadyWithStoreDown(String path) {
    AdminFixture f = fixture();
    f.database.close();

    HttpResponse<String> detailed = f.admin("GET", path);
    HttpResponse<String> open = f.call("GET", path, null);

    // The data plane still serves JWT-protected and open APIs: a load balancer must keep the node.
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body()).isEqualTo("{\"status\":\"UP\",\"store\":\"DOWN\"}");
    assertThat(detailed.statusCode()).as(detailed.body()).isEqualTo(200);
    assertThat(json(detailed))
        .isEqualTo(
            json(
                "{\"status\":\"UP\",\"store\":\"DOWN\","
                    + "\"checks\":{\"store\":\"DOWN\",\"snapshot\":\"UP\"}}"));
  }

  @Test
  void healthWhenWrongCredentialsThen401() {
    assertProblem(fixture().call("GET", "/health", null, basic(ADMIN, "wrong-password")), 401);
  }

  @Test
  void liveWhenDatabaseClosedThenStill200() {
    AdminFixture f = fixture();
    f.database.close();

    HttpResponse<String> response = f.call("GET", "/health/live", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void metricsWhenAdminThenPrometheusTextWithJvmMemory() {
    HttpResponse<String> response = fixture().admin("GET", "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage");
  }

  @Test
  void metricsWhenNoCredentialsThen401() {
    assertProblem(fixture().call("GET", "/metrics", null), 401);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
