package io.portcullis.admin;

import static io.portcullis.admin.AdminFixture.basic;
import static io.portcullis.admin.AdminServerTest.assertProblem;
import static io.portcullis.admin.AdminServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.ConfigLoader;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.RegistryContent;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry resources of the admin API against a real server and store. */
class RegistryRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PETSTORE =
      "{\"name\":\"petstore\",\"version\":\"v1\",\"basePath\":\"/petstore/v1\","
          + "\"upstream\":\"http://127.0.0.1:9000\"}";
  private static final String PHOTOS = "https://localhost:8090/auth/user.photos";
  private static final String PHOTOS_PATH =
      "/scopes/https%3A%2F%2Flocalhost%3A8090%2Fauth%2Fuser.photos";
  private static final String PHOTO_APP =
      "{\"name\":\"photo-app\",\"description\":\"Photos\",\"clientSecret\":\"photo-secret-1\","
          + "\"identifiers\":[{\"claims\":{\"sub\":\"photo-app\"}}],"
          + "\"jwks\":{\"keys\":[]},"
          + "\"scopes\":[\""
          + PHOTOS
          + "\"],\"apis\":[\"petstore/v1\"],\"tokenParameters\":{\"Department\":\"Engineering\"}}";
  private static final String CORP_IDP =
      "{\"alias\":\"corp-idp\",\"type\":\"external\",\"issuer\":\"https://idp.example.com\","
          + "\"jwksUri\":\"https://idp.example.com/jwks.json\",\"audience\":[\"api://gateway\"],"
          + "\"algorithms\":[\"RS256\"]}";

  private AdminFixture fixture;

  @BeforeEach
  void start() {
    fixture = new AdminFixture();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static JsonNode tree(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertInvalid(HttpResponse<String> response, String field) {
    assertProblem(response, 400);
    JsonNode problem = AdminServerTest.json(response);
    assertThat(problem.get("field").asText()).isEqualTo(field);
    assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo(field);
    assertThat(problem.get("errors").get(0).get("message").asText()).isNotBlank();
  }

  // ---------------------------------------------------------------- APIs

  @Test
  void createApiWhenValidThen201WithLocationAndLiveInSnapshot() {
    HttpResponse<String> response = fixture.admin("POST", "/apis", PETSTORE);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).contains("/apis/petstore/v1");
    JsonNode api = json(response);
    assertThat(api.get("type").asText()).isEqualTo("REST");
    assertThat(api.get("active").asBoolean()).isTrue();
    assertThat(api.get("timeouts").get("connect").asLong()).isPositive();
    assertThat(fixture.snapshots.get().routes().match("/petstore/v1/pets"))
        .map(Api::key)
        .contains("petstore/v1");
  }

  @Test
  void createApiWhenItExistsThen409() {
    fixture.admin("POST", "/apis", PETSTORE);

    HttpResponse<String> response = fixture.admin("POST", "/apis", PETSTORE);

    assertProblem(response, 409);
    assertThat(json(response).get("detail").asText()).contains("petstore/v1", "PUT");
  }

  @Test
  void readApiWhenListedThenSameShapeAsSingleRead() {
    fixture.admin("POST", "/apis", PETSTORE);

    HttpResponse<String> list = fixture.admin("GET", "/apis");
    HttpResponse<String> one = fixture.admin("GET", "/apis/petstore/v1");

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(list)).hasSize(1);
    assertThat(json(list).get(0)).isEqualTo(json(one));
  }

  @Test
  void readApiWhenMissingThen404() {
    HttpResponse<String> response = fixture.admin("GET", "/apis/nothing/v1");

    assertProblem(response, 404);
    assertThat(json(response).get("detail").asText()).contains("nothing/v1");
  }

  @Test
  void replaceApiWhenBodyLeavesKeyOutThenPathNamesItAndSnapshotChanges() {
    fixture.admin("POST", "/apis", PETSTORE);

    HttpResponse<String> response =
        fixture.admin(
            "PUT",
            "/apis/petstore/v1",
            "{\"basePath\":\"/pets\",\"upstream\":[\"http://127.0.0.1:9001\"]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("name").asText()).isEqualTo("petstore");
    assertThat(fixture.snapshots.get().routes().match("/pets/1")).isPresent();
    assertThat(fixture.snapshots.get().routes().match("/petstore/v1/pets")).isEmpty();
  }

  @Test
  void replaceApiWhenNewThen201() {
    HttpResponse<String> response =
        fixture.admin("PUT", "/apis/petstore/v2", PETSTORE.replace("v1", "v2"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).contains("/apis/petstore/v2");
  }

  @Test
  void replaceApiWhenBodyNamesAnotherVersionThen400NamingVersion() {
    assertInvalid(fixture.admin("PUT", "/apis/petstore/v2", PETSTORE), "version");
    assertThat(fixture.snapshots.get().apis()).isEmpty();
  }

  @Test
  void createApiWhenInvalidThen400NamingEveryField() {
    HttpResponse<String> response =
        fixture.admin(
            "POST",
            "/apis",
            "{\"name\":\"petstore\",\"version\":\"v1\",\"basePath\":\"/p\","
                + "\"upstream\":\"http://127.0.0.1:9000\",\"colour\":\"red\","
                + "\"timeouts\":{\"connect\":-1}}");

    assertProblem(response, 400);
    JsonNode errors = json(response).get("errors");
    assertThat(errors.findValuesAsText("field")).contains("colour", "timeouts.connect");
  }

  @Test
  void createApiWhenRuleBrokenThen400NamingField() {
    assertInvalid(
        fixture.admin("POST", "/apis", PETSTORE.replace("/petstore/v1", "petstore")), "basePath");
  }

  @Test
  void createApiWhenBasePathTakenThen409NamingBasePath() {
    fixture.admin("POST", "/apis", PETSTORE);

    HttpResponse<String> response =
        fixture.admin("POST", "/apis", PETSTORE.replace("\"v1\"", "\"v9\""));

    assertProblem(response, 409);
    assertThat(json(response).get("field").asText()).isEqualTo("basePath");
    assertThat(json(response).get("detail").asText()).contains("petstore/v1");
  }

  @Test
  void deactivateApiWhenActiveThenInactiveAndGoneFromRoutes() {
    fixture.admin("POST", "/apis", PETSTORE);

    HttpResponse<String> off = fixture.admin("POST", "/apis/petstore/v1/deactivate");

    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(json(off).get("active").asBoolean()).isFalse();
    assertThat(fixture.snapshots.get().routes().match("/petstore/v1")).isEmpty();

    HttpResponse<String> on = fixture.admin("POST", "/apis/petstore/v1/activate");

    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(json(on).get("active").asBoolean()).isTrue();
    assertThat(fixture.snapshots.get().routes().match("/petstore/v1")).isPresent();
  }

  @Test
  void activateApiWhenMissingThen404() {
    assertProblem(fixture.admin("POST", "/apis/nothing/v1/activate"), 404);
  }

  @Test
  void deleteApiWhenPresentThen204ThenGone() {
    fixture.admin("POST", "/apis", PETSTORE);

    HttpResponse<String> deleted = fixture.admin("DELETE", "/apis/petstore/v1");

    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(fixture.snapshots.get().api("petstore", "v1")).isEmpty();
    assertProblem(fixture.admin("GET", "/apis/petstore/v1"), 404);
    assertProblem(fixture.admin("DELETE", "/apis/petstore/v1"), 404);
  }

  // ---------------------------------------------------------------- applications

  private void photoAppPrerequisites() {
    assertThat(fixture.admin("POST", "/scopes", "\"" + PHOTOS + "\"").statusCode()).isEqualTo(201);
    assertThat(fixture.admin("POST", "/apis", PETSTORE).statusCode()).isEqualTo(201);
  }

  @Test
  void createApplicationWhenValidThen201WithDefaultsAndNoSecret() {
    photoAppPrerequisites();

    HttpResponse<String> response = fixture.admin("POST", "/applications", PHOTO_APP);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).contains("/applications/photo-app");
    JsonNode app = json(response);
    assertThat(app.get("clientId").asText()).isEqualTo("photo-app");
    assertThat(app.get("authorizationServer").asText()).isEqualTo("local");
    assertThat(app.get("tokenParameters").get("Department").asText()).isEqualTo("Engineering");
    assertThat(app.has("clientSecret")).isFalse();
    assertThat(app.has("clientSecretHash")).isFalse();
    assertThat(response.body()).doesNotContain("pbkdf2", "photo-secret-1");
    assertThat(fixture.snapshots.get().application("photo-app"))
        .map(Application::clientSecretHash)
        .hasValueSatisfying(hash -> assertThat(hash).startsWith("pbkdf2"));
  }

  @Test
  void listApplicationsWhenPresentThenNoSecretOrHash() {
    photoAppPrerequisites();
    fixture.admin("POST", "/applications", PHOTO_APP);

    HttpResponse<String> list = fixture.admin("GET", "/applications");
    HttpResponse<String> one = fixture.admin("GET", "/applications/photo-app");

    assertThat(json(list).get(0)).isEqualTo(json(one));
    assertThat(list.body() + one.body()).doesNotContain("pbkdf2", "photo-secret-1", "clientSecret");
  }

  @Test
  void createApplicationWhenItExistsThen409() {
    photoAppPrerequisites();
    fixture.admin("POST", "/applications", PHOTO_APP);

    assertProblem(fixture.admin("POST", "/applications", PHOTO_APP), 409);
  }

  @Test
  void createApplicationWhenScopeUnknownThen400NamingTheFieldInTheBody() {
    HttpResponse<String> response =
        fixture.admin(
            "POST", "/applications", "{\"name\":\"photo-app\",\"scopes\":[\"" + PHOTOS + "\"]}");

    assertInvalid(response, "scopes[0]");
  }

  @Test
  void createApplicationWhenSecretTooShortThen400() {
    assertInvalid(
        fixture.admin("POST", "/applications", "{\"name\":\"a\",\"clientSecret\":\"short\"}"),
        "clientSecret");
  }

  @Test
  void replaceApplicationWhenSecretLeftOutThenStoredHashKept() {
    photoAppPrerequisites();
    fixture.admin("POST", "/applications", PHOTO_APP);
    String hash = fixture.snapshots.get().application("photo-app").orElseThrow().clientSecretHash();

    HttpResponse<String> response =
        fixture.admin("PUT", "/applications/photo-app", "{\"description\":\"New\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Application app = fixture.snapshots.get().application("photo-app").orElseThrow();
    assertThat(app.description()).isEqualTo("New");
    assertThat(app.clientSecretHash()).isEqualTo(hash);
  }

  @Test
  void replaceApplicationWhenBodyNamesAnotherThen400NamingName() {
    assertInvalid(fixture.admin("PUT", "/applications/other", PHOTO_APP), "name");
  }

  @Test
  void deleteApplicationWhenPresentThen204AndGoneFromSnapshot() {
    photoAppPrerequisites();
    fixture.admin("POST", "/applications", PHOTO_APP);

    assertThat(fixture.admin("DELETE", "/applications/photo-app").statusCode()).isEqualTo(204);
    assertThat(fixture.snapshots.get().application("photo-app")).isEmpty();
    assertProblem(fixture.admin("DELETE", "/applications/photo-app"), 404);
  }

  // ---------------------------------------------------------------- users

  @Test
  void createUserWhenValidThen201AndCanLogInAtOnce() {
    HttpResponse<String> response =
        fixture.admin(
            "POST",
            "/users",
            "{\"username\":\"bob\",\"password\":\"bob-password-1\",\"roles\":[\"admin\"]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).contains("/users/bob");
    assertThat(json(response))
        .isEqualTo(tree("{\"username\":\"bob\",\"enabled\":true," + "\"roles\":[\"admin\"]}"));
    assertThat(fixture.call("GET", "/apis", null, basic("bob", "bob-password-1")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void listUsersWhenPresentThenNoPasswordOrHash() {
    HttpResponse<String> list = fixture.admin("GET", "/users");
    HttpResponse<String> one = fixture.admin("GET", "/users/admin");

    assertThat(json(list).findValuesAsText("username")).containsExactly("admin", "alice");
    assertThat(json(list).get(0)).isEqualTo(json(one));
    assertThat(list.body() + one.body())
        .doesNotContain("pbkdf2", "password", AdminFixture.ADMIN_PASSWORD);
  }

  @Test
  void createUserWhenPasswordTooShortThen400NamingPassword() {
    assertInvalid(
        fixture.admin("POST", "/users", "{\"username\":\"bob\",\"password\":\"short\"}"),
        "password");
  }

  @Test
  void createUserWhenNoPasswordThen400NamingPassword() {
    assertInvalid(fixture.admin("POST", "/users", "{\"username\":\"bob\"}"), "password");
  }

  @Test
  void createUserWhenItExistsThen409() {
    assertProblem(
        fixture.admin(
            "POST", "/users", "{\"username\":\"alice\",\"password\":\"another-password\"}"),
        409);
  }

  @Test
  void replaceUserWhenAdminRoleRemovedThen403AtOnce() {
    fixture.admin(
        "POST",
        "/users",
        "{\"username\":\"bob\",\"password\":\"bob-password-1\",\"roles\":[\"admin\"]}");

    HttpResponse<String> response = fixture.admin("PUT", "/users/bob", "{\"roles\":[]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertProblem(fixture.call("GET", "/apis", null, basic("bob", "bob-password-1")), 403);
  }

  @Test
  void replaceUserWhenBodyNamesAnotherThen400NamingUsername() {
    assertInvalid(fixture.admin("PUT", "/users/bob", "{\"username\":\"alice\"}"), "username");
  }

  @Test
  void deleteUserWhenLastAdminThen409AndKept() {
    HttpResponse<String> response = fixture.admin("DELETE", "/users/admin");

    assertProblem(response, 409);
    assertThat(json(response).get("detail").asText()).contains("last enabled user with role admin");
    assertThat(fixture.snapshots.get().user("admin")).isPresent();
  }

  @Test
  void replaceUserWhenLastAdminLosesRoleThen409NamingRoles() {
    HttpResponse<String> response = fixture.admin("PUT", "/users/admin", "{\"roles\":[\"user\"]}");

    assertProblem(response, 409);
    assertThat(json(response).get("field").asText()).isEqualTo("roles");
  }

  @Test
  void deleteUserWhenAnotherAdminRemainsThen204() {
    fixture.admin(
        "POST",
        "/users",
        "{\"username\":\"bob\",\"password\":\"bob-password-1\",\"roles\":[\"admin\"]}");

    assertThat(fixture.admin("DELETE", "/users/admin").statusCode()).isEqualTo(204);
    assertThat(fixture.snapshots.get().user("admin")).isEmpty();
    assertProblem(fixture.call("GET", "/users/admin", null, basic("bob", "bob-password-1")), 404);
  }

  // ---------------------------------------------------------------- scopes

  @Test
  void createScopeWhenUrlNameThen201WithEncodedLocationThatReadsBack() {
    HttpResponse<String> response = fixture.admin("POST", "/scopes", "\"" + PHOTOS + "\"");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).contains(PHOTOS_PATH);
    HttpResponse<String> read = fixture.admin("GET", PHOTOS_PATH);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(json(read).asText()).isEqualTo(PHOTOS);
    assertThat(fixture.snapshots.get().hasScope(PHOTOS)).isTrue();
  }

  @Test
  void createScopeWhenDescribedThenObjectInListAndRead() {
    fixture.admin("POST", "/scopes", "{\"name\":\"read\",\"description\":\"Read things\"}");

    HttpResponse<String> list = fixture.admin("GET", "/scopes");
    HttpResponse<String> one = fixture.admin("GET", "/scopes/read");

    assertThat(json(one)).isEqualTo(tree("{\"name\":\"read\",\"description\":\"Read things\"}"));
    assertThat(json(list).get(0)).isEqualTo(json(one));
  }

  @Test
  void createScopeWhenItExistsThen409() {
    fixture.admin("POST", "/scopes", "\"read\"");

    assertProblem(fixture.admin("POST", "/scopes", "\"read\""), 409);
  }

  @Test
  void createScopeWhenNameHasSpaceThen400NamingName() {
    assertInvalid(fixture.admin("POST", "/scopes", "{\"name\":\"read all\"}"), "name");
  }

  @Test
  void deleteScopeWhenAnApiRequiresItThen409NamingTheApi() {
    fixture.admin("POST", "/scopes", "\"read\"");
    fixture.admin(
        "POST",
        "/apis",
        PETSTORE.replace(
            "}", ",\"identifyAndAuthorize\":{\"methods\":[\"JWT\"],\"scopes\":[\"read\"]}}"));

    HttpResponse<String> response = fixture.admin("DELETE", "/scopes/read");

    assertProblem(response, 409);
    assertThat(json(response).get("errors").get(0).get("field").asText())
        .startsWith("apis[petstore/v1]");
    assertThat(fixture.snapshots.get().hasScope("read")).isTrue();
  }

  @Test
  void deleteScopeWhenUnusedThen204ThenMissing404() {
    fixture.admin("POST", "/scopes", "\"read\"");

    assertThat(fixture.admin("DELETE", "/scopes/read").statusCode()).isEqualTo(204);
    assertThat(fixture.snapshots.get().hasScope("read")).isFalse();
    assertProblem(fixture.admin("DELETE", "/scopes/read"), 404);
    assertProblem(fixture.admin("GET", "/scopes/read"), 404);
  }

  // ---------------------------------------------------------------- authorization servers

  @Test
  void createServerWhenExternalThen201WithAliasAndDefaults() {
    HttpResponse<String> response = fixture.admin("POST", "/authorization-servers", CORP_IDP);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location"))
        .contains("/authorization-servers/corp-idp");
    JsonNode server = json(response);
    assertThat(server.fieldNames().next()).isEqualTo("alias");
    assertThat(server.get("clockSkew").asLong()).isEqualTo(60);
    assertThat(fixture.snapshots.get().authorizationServerByIssuer("https://idp.example.com"))
        .isPresent();
  }

  @Test
  void listServersWhenTwoThenArrayOfSingleReads() {
    fixture.admin("POST", "/authorization-servers", CORP_IDP);

    HttpResponse<String> list = fixture.admin("GET", "/authorization-servers");

    assertThat(json(list).findValuesAsText("alias")).containsExactly("corp-idp", "local");
    assertThat(json(list).get(0))
        .isEqualTo(json(fixture.admin("GET", "/authorization-servers/corp-idp")));
  }

  @Test
  void createServerWhenAliasMissingThen400NamingAlias() {
    assertInvalid(
        fixture.admin(
            "POST", "/authorization-servers", CORP_IDP.replace("\"alias\":\"corp-idp\",", "")),
        "alias");
  }

  @Test
  void createServerWhenItExistsThen409() {
    fixture.admin("POST", "/authorization-servers", CORP_IDP);

    assertProblem(fixture.admin("POST", "/authorization-servers", CORP_IDP), 409);
  }

  @Test
  void replaceServerWhenAliasDiffersThen400NamingAlias() {
    assertInvalid(fixture.admin("PUT", "/authorization-servers/other", CORP_IDP), "alias");
  }

  @Test
  void replaceServerWhenAlgorithmNotAllowedThen400NamingIt() {
    HttpResponse<String> response =
        fixture.admin(
            "PUT",
            "/authorization-servers/corp-idp",
            CORP_IDP.replace("\"alias\":\"corp-idp\",", "").replace("RS256", "HS256"));

    assertInvalid(response, "algorithms[0]");
  }

  @Test
  void replaceServerWhenLocalChangedThenSnapshotChanges() {
    HttpResponse<String> response =
        fixture.admin(
            "PUT",
            "/authorization-servers/local",
            "{\"type\":\"internal\",\"issuer\":\"https://gw.example.com\","
                + "\"jwt\":{\"expiresIn\":600}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(fixture.snapshots.get().authorizationServer("local").orElseThrow().jwt().expiresIn())
        .isEqualTo(600);
  }

  @Test
  void replaceServerWhenAssertionSettingsGivenThenReadBackAndInSnapshot() {
    HttpResponse<String> response =
        fixture.admin(
            "PUT",
            "/authorization-servers/local",
            "{\"type\":\"internal\",\"issuer\":\"https://gw.example.com\","
                + "\"assertionMaxLifetime\":90,\"scopeMatching\":\"ANY\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode read = json(fixture.admin("GET", "/authorization-servers/local"));
    assertThat(read.get("assertionMaxLifetime").asLong()).isEqualTo(90);
    assertThat(read.get("scopeMatching").asText()).isEqualTo("ANY");
    var local = fixture.snapshots.get().authorizationServer("local").orElseThrow();
    assertThat(local.assertionMaxLifetime()).hasSeconds(90);
    assertThat(local.scopeMatching())
        .isEqualTo(io.portcullis.registry.AuthorizationServer.ScopeMatching.ANY);
  }

  @Test
  void replaceServerWhenAssertionMaxLifetimeZeroOrScopeMatchingUnknownThen400NamingIt() {
    assertInvalid(
        fixture.admin(
            "PUT",
            "/authorization-servers/local",
            "{\"type\":\"internal\",\"issuer\":\"https://gw.example.com\","
                + "\"assertionMaxLifetime\":0}"),
        "assertionMaxLifetime");
    assertInvalid(
        fixture.admin(
            "PUT",
            "/authorization-servers/local",
            "{\"type\":\"internal\",\"issuer\":\"https://gw.example.com\","
                + "\"scopeMatching\":\"MOST\"}"),
        "scopeMatching");
  }

  @Test
  void deleteServerWhenAnApplicationTrustsItThen409() {
    photoAppPrerequisites();
    fixture.admin("POST", "/applications", PHOTO_APP);

    assertProblem(fixture.admin("DELETE", "/authorization-servers/local"), 409);
  }

  @Test
  void deleteServerWhenUnusedThen204() {
    fixture.admin("POST", "/authorization-servers", CORP_IDP);

    assertThat(fixture.admin("DELETE", "/authorization-servers/corp-idp").statusCode())
        .isEqualTo(204);
    assertThat(fixture.snapshots.get().authorizationServer("corp-idp")).isEmpty();
    assertProblem(fixture.admin("DELETE", "/authorization-servers/corp-idp"), 404);
  }

  // ---------------------------------------------------------------- export

  @Test
  void exportWhenLoadedBackThenSameContentAndOnlyHashes() {
    photoAppPrerequisites();
    fixture.admin("POST", "/applications", PHOTO_APP);
    fixture.admin("POST", "/authorization-servers", CORP_IDP);

    HttpResponse<String> response = fixture.admin("GET", "/export");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/yaml"));
    String yaml = response.body();
    assertThat(yaml)
        .contains("passwordHash: pbkdf2-sha256$", "clientSecretHash: pbkdf2-sha256$")
        .doesNotContain(AdminFixture.ADMIN_PASSWORD, "photo-secret-1", "password:");
    RegistryContent reloaded =
        new ConfigLoader().load(yaml, "export.yaml", Map.of()).config().content();
    assertThat(reloaded).isEqualTo(withJwksAsTrees(fixture.control.export()));
  }

  @Test
  void exportWhenNoCredentialsThen401() {
    assertProblem(fixture.call("GET", "/export", null), 401);
  }

  /** The store gives JWK sets back as maps; the loader reads them as trees of the same JSON. */
  private static RegistryContent withJwksAsTrees(RegistryContent c) {
    List<ApplicationSpec> apps =
        c.applications().stream()
            .map(
                a ->
                    ApplicationSpec.builder()
                        .name(a.name())
                        .description(a.description())
                        .clientId(a.clientId())
                        .clientSecret(a.clientSecret())
                        .clientSecretHash(a.clientSecretHash())
                        .authorizationServer(a.authorizationServer())
                        .identifiers(a.identifiers())
                        .jwks(a.jwks() == null ? null : JSON.valueToTree(a.jwks()))
                        .jwksUri(a.jwksUri())
                        .certificates(a.certificates())
                        .scopes(a.scopes())
                        .apis(a.apis())
                        .claims(a.claims())
                        .tokenParameters(a.tokenParameters())
                        .users(a.users())
                        .enabled(a.enabled())
                        .build())
            .toList();
    return new RegistryContent(c.users(), c.authorizationServers(), c.scopes(), c.apis(), apps);
  }
}
