package io.portcullis.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Scope;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.registry.User;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.StoreJson;
import io.portcullis.store.TestDatabases;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The control plane against a real store, on H2 and on PostgreSQL. */
class ControlPlaneTest {
  private Database database;
  private SnapshotHolder snapshots;
  private ControlPlane control;

  static Stream<String> databases() {
    return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
  }

  private void open(String url) {
    database = Database.open(url);
    snapshots = new SnapshotHolder();
    control =
        new ControlPlane(
            new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()),
            snapshots,
            new PasswordHasher(1_000, new SecureRandom()),
            StoreJson.mapper());
    control.reload();
  }

  @AfterEach
  void close() {
    if (database != null) database.close();
  }

  static Api api(String name, String basePath) {
    return Api.builder()
        .name(name)
        .version("v1")
        .basePath(basePath)
        .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
        .build();
  }

  static ApplicationSpec app(String name, List<String> apis, List<String> scopes) {
    return ApplicationSpec.builder()
        .name(name)
        .description("an app")
        .clientSecret("app-secret-123")
        .identifiers(List.of(new ClaimSet(Map.of("sub", name))))
        .jwks(Map.of("keys", List.of()))
        .scopes(scopes)
        .apis(apis)
        .claims(List.of("department"))
        .tokenParameters(Map.of("Department", "Engineering"))
        .users(List.of())
        .build();
  }

  static AuthorizationServer local() {
    return AuthorizationServer.builder()
        .alias("local")
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer("http://localhost:8080")
        .assertionAudience("http://localhost:8080/oauth2/token")
        .build();
  }

  static RegistryContent content() {
    return new RegistryContent(
        List.of(new UserSpec("alice", "alice-password", null, null, Set.of("admin"))),
        List.of(local()),
        List.of(new Scope("photos", null)),
        List.of(api("petstore", "/petstore/v1")),
        List.of(app("photo-app", List.of("petstore/v1"), List.of("photos"))));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void applyWhenContentValidThenStoredAndPublished(String url) {
    open(url);
    long before = snapshots.get().version();
    control.apply(content());
    var s = snapshots.get();
    assertThat(s.version()).isGreaterThan(before);
    assertThat(s.routes().match("/petstore/v1/pets")).map(Api::name).contains("petstore");
    assertThat(s.application("photo-app"))
        .hasValueSatisfying(
            a -> {
              assertThat(a.clientId()).isEqualTo("photo-app");
              assertThat(a.authorizationServer()).isEqualTo("local");
              assertThat(a.clientSecretHash())
                  .startsWith("pbkdf2-sha256$")
                  .doesNotContain("app-secret-123");
              assertThat(a.jwks()).isEqualTo("{\"keys\":[]}");
              assertThat(a.tokenParameters()).containsEntry("Department", "Engineering");
            });
    assertThat(s.user("alice")).map(User::isAdmin).contains(true);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void applyWhenSameContentTwiceThenSameState(String url) {
    open(url);
    control.apply(content());
    RegistryContent first = control.export();
    control.apply(content());
    assertThat(control.export()).isEqualTo(first);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void applyWhenAnyViolationThenNothingWrittenAndSnapshotUnchanged(String url) {
    open(url);
    RegistryContent good = content();
    RegistryContent bad =
        new RegistryContent(
            good.users(),
            good.authorizationServers(),
            good.scopes(),
            List.of(api("petstore", "/petstore/v1"), api("broken", "no-slash")),
            List.of(app("photo-app", List.of("petstore/v9"), List.of("photos"))));
    long version = snapshots.get().version();
    assertThatThrownBy(() -> control.apply(bad))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .containsExactly("apis[1].basePath"));
    assertThat(control.export().apis()).isEmpty();
    assertThat(control.export().users()).isEmpty();
    assertThat(snapshots.get().version()).isEqualTo(version);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void applyWhenReferenceMissingThenViolationNamesIt(String url) {
    open(url);
    RegistryContent good = content();
    RegistryContent bad =
        new RegistryContent(
            good.users(),
            good.authorizationServers(),
            good.scopes(),
            good.apis(),
            List.of(app("photo-app", List.of("petstore/v9"), List.of("photos"))));
    assertThatThrownBy(() -> control.apply(bad))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .containsExactly("applications[photo-app].apis[0]"));
    assertThat(control.export().apis()).isEmpty();
  }

  @Test
  void saveApiWhenChangedThenLiveInNextSnapshot() {
    open(TestDatabases.h2());
    assertThat(control.saveApi(api("a", "/a"))).isTrue();
    assertThat(snapshots.get().routes().match("/a/x")).isPresent();
    control.setApiActive("a", "v1", false);
    assertThat(snapshots.get().routes().match("/a/x")).isEmpty();
    assertThat(control.saveApi(api("a", "/b"))).isFalse();
    assertThat(snapshots.get().api("a", "v1")).map(Api::basePath).contains("/b");
    assertThat(control.deleteApi("a", "v1")).isTrue();
    assertThat(control.deleteApi("a", "v1")).isFalse();
    assertThat(snapshots.get().apis()).isEmpty();
  }

  @Test
  void setApiActiveWhenUnknownThenNotFound() {
    open(TestDatabases.h2());
    assertThatThrownBy(() -> control.setApiActive("nope", "v1", true))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope/v1");
  }

  @Test
  void deleteWhenStillReferencedThenRefusedAndKept() {
    open(TestDatabases.h2());
    control.apply(content());
    assertThatThrownBy(() -> control.deleteScope("photos"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("photos");
    assertThatThrownBy(() -> control.deleteApi("petstore", "v1"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("petstore/v1");
    assertThatThrownBy(() -> control.deleteAuthorizationServer("local"))
        .isInstanceOf(ValidationException.class);
    assertThat(snapshots.get().hasScope("photos")).isTrue();
    assertThat(control.deleteApplication("photo-app")).isTrue();
    assertThat(control.deleteScope("photos")).isTrue();
  }

  @Test
  void usersOfApplicationWhenUnknownOrStillListedThenRefused() {
    open(TestDatabases.h2());
    control.apply(content());
    // alice is the only admin of content(): another one lets her go.
    control.saveUser(new UserSpec("root", "root-password", null, true, Set.of(User.ADMIN_ROLE)));
    ApplicationSpec base = app("photo-app", List.of("petstore/v1"), List.of("photos"));
    assertThatThrownBy(() -> control.saveApplication(withUsers(base, List.of("mallory"))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("users[0]")
        .hasMessageContaining("mallory");
    control.saveApplication(withUsers(base, List.of("alice")));
    assertThat(snapshots.get().application("photo-app").orElseThrow().users())
        .containsExactly("alice");
    assertThatThrownBy(() -> control.deleteUser("alice"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("alice");
    assertThat(snapshots.get().user("alice")).isPresent();
    control.saveApplication(withUsers(base, List.of()));
    assertThat(control.deleteUser("alice")).isTrue();
  }

  private static ApplicationSpec withUsers(ApplicationSpec a, List<String> users) {
    return ApplicationSpec.builder()
        .name(a.name())
        .description(a.description())
        .clientId(a.clientId())
        .clientSecret(a.clientSecret())
        .clientSecretHash(a.clientSecretHash())
        .authorizationServer(a.authorizationServer())
        .identifiers(a.identifiers())
        .jwks(a.jwks())
        .jwksUri(a.jwksUri())
        .certificates(a.certificates())
        .scopes(a.scopes())
        .apis(a.apis())
        .claims(a.claims())
        .tokenParameters(a.tokenParameters())
        .users(users)
        .enabled(a.enabled())
        .build();
  }

  @Test
  void saveApplicationWhenIdentifiersOverlapAnotherThenRefused() {
    open(TestDatabases.h2());
    control.apply(content());
    ApplicationSpec clash =
        ApplicationSpec.builder()
            .name("other")
            .clientId("other")
            .identifiers(List.of(new ClaimSet(Map.of("sub", "photo-app"))))
            .users(List.of())
            .build();
    assertThatThrownBy(() -> control.saveApplication(clash))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .containsExactly("applications[other].identifiers"));
    assertThat(snapshots.get().application("other")).isEmpty();
  }

  @Test
  void saveUserWhenNoPasswordGivenForExistingThenHashKept() {
    open(TestDatabases.h2());
    control.saveUser(new UserSpec("bob", "bob-password", null, true, Set.of()));
    String hash = snapshots.get().user("bob").orElseThrow().passwordHash();
    control.saveUser(new UserSpec("bob", null, null, false, Set.of("admin")));
    User bob = snapshots.get().user("bob").orElseThrow();
    assertThat(bob.passwordHash()).isEqualTo(hash);
    assertThat(bob.enabled()).isFalse();
    assertThat(bob.roles()).containsExactly("admin");
  }

  @Test
  void exportWhenSecretsStoredThenOnlyHashesLeave() {
    open(TestDatabases.h2());
    control.apply(content());
    RegistryContent exported = control.export();
    assertThat(exported.users()).allSatisfy(u -> assertThat(u.password()).isNull());
    assertThat(exported.applications()).allSatisfy(a -> assertThat(a.clientSecret()).isNull());
    assertThat(exported.toString())
        .doesNotContain("alice-password")
        .doesNotContain("app-secret-123");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void writesWhenVersionsComparedThenEachWriteIsANewVersionAndStaleOnesAreRefused(String url) {
    open(url);
    Saved<Api> created = control.createApi(api("petstore", "/petstore"));
    assertThat(control.api("petstore", "v1").version()).isEqualTo(created.version());

    Saved<Api> moved =
        control.putApi(api("petstore", "/pets"), Precondition.version(created.version()));
    assertThat(moved.created()).isFalse();
    assertThat(moved.version()).isGreaterThan(created.version());

    assertThatThrownBy(
            () ->
                control.setApiActive(
                    "petstore", "v1", false, Precondition.version(created.version())))
        .isInstanceOfSatisfying(
            StaleVersionException.class,
            e -> assertThat(e.currentVersion()).isEqualTo(moved.version()));
    assertThatThrownBy(
            () -> control.deleteApi("petstore", "v1", Precondition.version(created.version())))
        .isInstanceOf(StaleVersionException.class);
    assertThat(snapshots.get().api("petstore", "v1").orElseThrow().basePath()).isEqualTo("/pets");

    control.deleteApi("petstore", "v1", Precondition.version(moved.version()));
    assertThatThrownBy(() -> control.deleteApi("petstore", "v1", Precondition.NONE))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> control.api("petstore", "v1")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void createWhenKeyOrBasePathTakenThenConflictNamingWhy() {
    open(TestDatabases.h2());
    control.createApi(api("petstore", "/petstore"));

    assertThatThrownBy(() -> control.createApi(api("petstore", "/other")))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.EXISTS));
    assertThatThrownBy(() -> control.createApi(api("zoo", "/petstore")))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ConflictException.Reason.TAKEN);
              assertThat(e.field()).isEqualTo("basePath");
              assertThat(e.getMessage()).contains("petstore/v1");
            });
    assertThat(snapshots.get().apis()).hasSize(1);
  }

  @Test
  void deleteOrDemoteWhenLastEnabledAdminThenConflictAndUserKept() {
    open(TestDatabases.h2());
    control.createUser(new UserSpec("root", "root-password", null, true, Set.of(User.ADMIN_ROLE)));

    assertThatThrownBy(() -> control.deleteUser("root", Precondition.NONE))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ConflictException.Reason.LAST_ADMIN);
              assertThat(e.field()).isEqualTo("username");
            });
    assertThatThrownBy(
            () ->
                control.putUser(
                    new UserSpec("root", null, null, false, Set.of(User.ADMIN_ROLE)),
                    Precondition.NONE))
        .isInstanceOf(ConflictException.class);
    assertThat(control.user("root").value().enabled()).isTrue();

    control.createUser(
        new UserSpec("other", "other-password", null, true, Set.of(User.ADMIN_ROLE)));
    control.deleteUser("root", Precondition.NONE);
    assertThat(snapshots.get().user("root")).isEmpty();
  }
}
