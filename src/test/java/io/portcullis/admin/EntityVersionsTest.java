package io.portcullis.admin;

import static io.portcullis.admin.AdminServerTest.assertProblem;
import static io.portcullis.admin.AdminServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.registry.Api;
import io.portcullis.registry.Versioned;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ETag and If-Match on the registry resources, one node on H2. */
class EntityVersionsTest {
  private static final String PETSTORE =
      "{\"name\":\"petstore\",\"version\":\"v1\",\"basePath\":\"/petstore/v1\","
          + "\"upstream\":\"http://127.0.0.1:9000\"}";
  private static final String MOVED =
      "{\"basePath\":\"/pets\",\"upstream\":\"http://127.0.0.1:9001\"}";

  private AdminFixture fixture;

  @BeforeEach
  void start() {
    fixture = new AdminFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private HttpResponse<String> call(String method, String path, String body, String ifMatch) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(fixture.uri(path))
            .timeout(Duration.ofSeconds(60))
            .header(
                "Authorization",
                AdminFixture.basic(AdminFixture.ADMIN, AdminFixture.ADMIN_PASSWORD))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (ifMatch != null) request.header("If-Match", ifMatch);
    return fixture.send(request.build());
  }

  private static String etag(HttpResponse<String> response) {
    return response.headers().firstValue("ETag").orElseThrow();
  }

  @Test
  void writesWhenEachChangesTheApiThenEachAnswersANewStrongEtagThatGetShows() {
    Set<String> seen = new HashSet<>();
    HttpResponse<String> created = call("POST", "/apis", PETSTORE, null);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(etag(created)).matches("\"[1-9][0-9]*\"");
    seen.add(etag(created));
    assertThat(etag(call("GET", "/apis/petstore/v1", null, null))).isEqualTo(etag(created));

    for (String[] write :
        new String[][] {
          {"PUT", "/apis/petstore/v1", MOVED},
          {"POST", "/apis/petstore/v1/deactivate", null},
          {"POST", "/apis/petstore/v1/activate", null},
          {"PUT", "/apis/petstore/v1", PETSTORE}
        }) {
      HttpResponse<String> written = call(write[0], write[1], write[2], null);
      assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
      assertThat(seen.add(etag(written))).as("new ETag after " + write[1]).isTrue();
      assertThat(etag(call("GET", "/apis/petstore/v1", null, null))).isEqualTo(etag(written));
    }
  }

  @Test
  void controlPlaneApiWhenReadThenVersionIsTheEtag() {
    String etag = etag(call("POST", "/apis", PETSTORE, null));

    Versioned<Api> api = fixture.control.api("petstore", "v1");

    assertThat("\"" + api.version() + "\"").isEqualTo(etag);
    assertThat(api.value().basePath()).isEqualTo("/petstore/v1");
  }

  @Test
  void putWhenIfMatchIsCurrentThen200WithNewEtag() {
    String etag = etag(call("POST", "/apis", PETSTORE, null));

    HttpResponse<String> response = call("PUT", "/apis/petstore/v1", MOVED, etag);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(etag(response)).isNotEqualTo(etag);
    assertThat(fixture.snapshots.get().routes().match("/pets/1")).isPresent();
  }

  @Test
  void putWhenIfMatchIsStaleThen412NamingCurrentVersionAndNothingWritten() {
    String first = etag(call("POST", "/apis", PETSTORE, null));
    String second = etag(call("POST", "/apis/petstore/v1/deactivate", null, null));

    HttpResponse<String> response = call("PUT", "/apis/petstore/v1", MOVED, first);

    assertProblem(response, 412);
    assertThat(etag(response)).isEqualTo(second);
    assertThat("\"" + json(response).get("currentVersion").asLong() + "\"").isEqualTo(second);
    assertThat(json(response).get("detail").asText()).contains("petstore/v1", "read it again");
    assertThat(fixture.control.api("petstore", "v1").value().basePath()).isEqualTo("/petstore/v1");
  }

  @Test
  void deleteWhenIfMatchIsStaleThen412AndWhenCurrentThen204() {
    String first = etag(call("POST", "/apis", PETSTORE, null));
    String second = etag(call("PUT", "/apis/petstore/v1", MOVED, null));

    assertProblem(call("DELETE", "/apis/petstore/v1", null, first), 412);
    assertThat(fixture.snapshots.get().api("petstore", "v1")).isPresent();

    assertThat(call("DELETE", "/apis/petstore/v1", null, second).statusCode()).isEqualTo(204);
    assertThat(fixture.snapshots.get().api("petstore", "v1")).isEmpty();
  }

  @Test
  void activateWhenIfMatchIsStaleThen412() {
    String first = etag(call("POST", "/apis", PETSTORE, null));
    call("POST", "/apis/petstore/v1/deactivate", null, null);

    assertProblem(call("POST", "/apis/petstore/v1/activate", null, first), 412);
    assertThat(fixture.control.api("petstore", "v1").value().active()).isFalse();
  }

  @Test
  void putWhenIfMatchGivenAndEntityMissingThen412WithNullCurrentVersion() {
    HttpResponse<String> response = call("PUT", "/apis/petstore/v1", PETSTORE, "*");

    assertProblem(response, 412);
    assertThat(json(response).get("currentVersion").isNull()).isTrue();
    assertThat(json(response).get("detail").asText()).contains("does not exist");
    assertThat(fixture.snapshots.get().api("petstore", "v1")).isEmpty();
  }

  @Test
  void putWhenIfMatchIsStarAndEntityExistsThen200() {
    call("POST", "/apis", PETSTORE, null);

    assertThat(call("PUT", "/apis/petstore/v1", MOVED, "*").statusCode()).isEqualTo(200);
  }

  @Test
  void putWhenIfMatchListsTheCurrentAmongOthersThen200() {
    String etag = etag(call("POST", "/apis", PETSTORE, null));

    HttpResponse<String> response = call("PUT", "/apis/petstore/v1", MOVED, "\"999999\", " + etag);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void putWhenIfMatchIsWeakThen412() {
    String etag = etag(call("POST", "/apis", PETSTORE, null));

    assertProblem(call("PUT", "/apis/petstore/v1", MOVED, "W/" + etag), 412);
  }

  @Test
  void putWhenIfMatchIsNotAnEntityTagThen400NamingIfMatch() {
    call("POST", "/apis", PETSTORE, null);

    HttpResponse<String> response = call("PUT", "/apis/petstore/v1", MOVED, "7");

    assertProblem(response, 400);
    assertThat(json(response).get("field").asText()).isEqualTo("If-Match");
  }

  @Test
  void createWhenDeletedAndCreatedAgainThenVersionNotReused() {
    String first = etag(call("POST", "/apis", PETSTORE, null));
    call("DELETE", "/apis/petstore/v1", null, null);

    String again = etag(call("POST", "/apis", PETSTORE, null));

    assertThat(again).isNotEqualTo(first);
    assertProblem(call("PUT", "/apis/petstore/v1", MOVED, first), 412);
  }

  @Test
  void usersWhenReadAndWrittenThenEtagAndIfMatchApply() {
    HttpResponse<String> created =
        call("POST", "/users", "{\"username\":\"bob\",\"password\":\"bob-password\"}", null);
    String etag = etag(created);
    assertThat(etag(call("GET", "/users/bob", null, null))).isEqualTo(etag);
    String changed = etag(call("PUT", "/users/bob", "{\"roles\":[\"viewer\"]}", etag));

    assertProblem(call("PUT", "/users/bob", "{\"roles\":[]}", etag), 412);
    assertProblem(call("DELETE", "/users/bob", null, etag), 412);
    assertThat(call("DELETE", "/users/bob", null, changed).statusCode()).isEqualTo(204);
  }

  @Test
  void scopesApplicationsAndServersWhenStaleIfMatchThen412() {
    String scope = etag(call("POST", "/scopes", "\"photos\"", null));
    assertThat(etag(call("GET", "/scopes/photos", null, null))).isEqualTo(scope);
    String server =
        etag(
            call(
                "POST",
                "/authorization-servers",
                "{\"alias\":\"corp-idp\",\"type\":\"external\",\"issuer\":\"https://idp.example.com\","
                    + "\"jwksUri\":\"https://idp.example.com/jwks.json\","
                    + "\"audience\":[\"api://gateway\"],\"algorithms\":[\"RS256\"]}",
                null));
    String app = etag(call("POST", "/applications", "{\"name\":\"photo-app\"}", null));
    assertThat(etag(call("GET", "/applications/photo-app", null, null))).isEqualTo(app);
    assertThat(etag(call("GET", "/authorization-servers/corp-idp", null, null))).isEqualTo(server);
    call("PUT", "/applications/photo-app", "{\"description\":\"Photos\"}", app);

    assertProblem(call("PUT", "/applications/photo-app", "{}", app), 412);
    assertProblem(call("DELETE", "/applications/photo-app", null, app), 412);
    assertProblem(call("DELETE", "/scopes/photos", null, "\"1\""), 412);
    assertProblem(call("DELETE", "/authorization-servers/corp-idp", null, "\"1\""), 412);
    assertThat(call("DELETE", "/scopes/photos", null, scope).statusCode()).isEqualTo(204);
    assertThat(call("DELETE", "/authorization-servers/corp-idp", null, server).statusCode())
        .isEqualTo(204);
  }

  @Test
  void deleteWhenTheLastEnabledAdminThen409NamingUsername() {
    HttpResponse<String> response = call("DELETE", "/users/admin", null, null);

    assertProblem(response, 409);
    assertThat(json(response).get("field").asText()).isEqualTo("username");
    assertThat(fixture.snapshots.get().user("admin")).isPresent();
  }
}
