package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Scope;
import io.portcullis.registry.Timeouts;
import io.portcullis.registry.User;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract of {@link JdbcRegistryStore}, run against each database by a subclass. Each subclass
 * gets one fresh database; every test starts from empty tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcRegistryStoreContract {
  private static final List<String> TABLES =
      List.of("apis", "applications", "users", "scopes", "authorization_servers");

  private String url;
  private Database database;
  private JdbcRegistryStore store;

  /** The URL of a fresh database, called once per test class. */
  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabase() {
    url = freshDatabaseUrl();
    database = Database.open(url);
    store = new JdbcRegistryStore(database.dataSource(), StoreJson.mapper());
  }

  @AfterAll
  void closeDatabase() {
    if (database != null) database.close();
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) statement.executeUpdate("DELETE FROM " + table);
    }
  }

  static Api api(String name, String version) {
    return Api.builder()
        .name(name)
        .version(version)
        .type(ApiType.SOAP)
        .basePath("/" + name + "/" + version)
        .upstreams(
            List.of(
                URI.create("http://127.0.0.1:9000/base?x=1"), URI.create("https://[::1]:8443/")))
        .timeouts(new Timeouts(1_500, 25_000))
        .identifyAndAuthorize(
            IdentifyAndAuthorize.builder()
                .methods(Set.of(IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN))
                .applicationLookup(ApplicationLookup.GLOBAL)
                .scopes(List.of("https://localhost:8090/auth/user.photos", "read"))
                .claimHeaders(Map.of("X-Department", "department", "X-Tenant", "tenant"))
                .build())
        .build();
  }

  static Application application(String name, String clientId) {
    return Application.builder()
        .name(name)
        .description("Photos for \"everyone\" — ünïcode")
        .clientId(clientId)
        .clientSecretHash("pbkdf2-sha256$210000$c2FsdA$aGFzaA")
        .authorizationServer("local")
        .identifiers(
            List.of(
                new Application.ClaimSet(Map.of("sub", name)),
                new Application.ClaimSet(Map.of("iss", "https://idp.example.com", "azp", name))))
        .jwks("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"}]}")
        .jwksUri("https://apps.example.com/" + name + "/jwks.json")
        .certificates(List.of("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"))
        .scopes(List.of("https://localhost:8090/auth/user.photos"))
        .apis(List.of("petstore/v1", "weather/v2"))
        .claims(List.of("department"))
        .tokenParameters(Map.of("Department", "Engineering", "Cost-Center", "42"))
        .build();
  }

  static User user(String username) {
    return new User(username, "pbkdf2-sha256$210000$c2FsdA$aGFzaA", true, Set.of("admin", "ops"));
  }

  static AuthorizationServer internalServer(String alias) {
    return AuthorizationServer.builder()
        .alias(alias)
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer("http://localhost:8080")
        .clockSkew(30)
        .jwt(new AuthorizationServer.JwtSettings("ES256", 600, "portcullis"))
        .assertionAudience("http://localhost:8080/oauth2/token")
        .accessToken(new AuthorizationServer.AccessTokenSettings(1800, 60, "Bearer"))
        .refreshToken(new AuthorizationServer.RefreshTokenSettings(true, 86_400, 50))
        .tokenStore(new AuthorizationServer.TokenStoreSettings("database", 120))
        .audience(List.of("portcullis"))
        .algorithms(List.of("ES256"))
        .build();
  }

  static AuthorizationServer externalServer(String alias) {
    return AuthorizationServer.builder()
        .alias(alias)
        .type(AuthorizationServer.Type.EXTERNAL)
        .issuer("https://idp.example.com")
        .clockSkew(90)
        .jwksUri("https://idp.example.com/.well-known/jwks.json")
        .certificates(
            List.of(
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "/etc/idp.pem"))
        .audience(List.of("api://gateway", "api://other"))
        .algorithms(List.of("RS256", "ES256"))
        .build();
  }

  @Test
  void saveWhenApiHasEveryFieldThenFindReturnsAnEqualApi() {
    Api api = api("petstore", "v1");

    assertThat(store.apis().save(api)).isTrue();

    Optional<Api> found = store.apis().find("petstore/v1");
    assertThat(found).contains(api);
    assertThat(found.orElseThrow().upstreams())
        .containsExactly(
            URI.create("http://127.0.0.1:9000/base?x=1"), URI.create("https://[::1]:8443/"));
  }

  @Test
  void saveWhenApplicationHasEveryFieldThenFindReturnsAnEqualApplication() {
    Application application = application("photo-app", "photo-client");

    assertThat(store.applications().save(application)).isTrue();

    assertThat(store.applications().find("photo-app")).contains(application);
  }

  @Test
  void saveWhenUserHasEveryFieldThenFindReturnsAnEqualUser() {
    User user = user("alice");

    assertThat(store.users().save(user)).isTrue();

    assertThat(store.users().find("alice")).contains(user);
  }

  @Test
  void saveWhenScopeHasEveryFieldThenFindReturnsAnEqualScope() {
    Scope scope = new Scope("https://localhost:8090/auth/user.photos", "Read the user's photos");
    Scope withoutDescription = new Scope("email", null);

    store.scopes().save(scope);
    store.scopes().save(withoutDescription);

    assertThat(store.scopes().find(scope.name())).contains(scope);
    assertThat(store.scopes().find("email")).contains(withoutDescription);
  }

  @Test
  void saveWhenAuthorizationServersOfBothTypesThenFindReturnsEqualServers() {
    AuthorizationServer internal = internalServer("local");
    AuthorizationServer external = externalServer("corp-idp");

    store.authorizationServers().save(internal);
    store.authorizationServers().save(external);

    assertThat(store.authorizationServers().find("local")).contains(internal);
    assertThat(store.authorizationServers().find("corp-idp")).contains(external);
  }

  @Test
  void saveWhenKeyExistsThenReplacesAndReturnsFalse() {
    Api original = api("petstore", "v1");
    store.apis().save(original);

    Api changed = original.withActive(false);
    assertThat(store.apis().save(changed)).isFalse();

    assertThat(store.apis().find("petstore/v1")).contains(changed);
    assertThat(store.apis().findAll()).containsExactly(changed);
  }

  @Test
  void saveWhenKeyIsNullThenIllegalArgumentNamingTheTable() {
    assertThatThrownBy(() -> store.users().save(new User(null, "hash", true, Set.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("users")
        .hasMessageContaining("username");
  }

  @Test
  void saveWhenApiNameIsNullThenStoreExceptionNamingTheTableAndNothingIsSaved() {
    Api nameless = api(null, "v1");

    assertThatThrownBy(() -> store.apis().save(nameless))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("apis")
        .hasMessageContaining("null/v1");
    assertThat(store.apis().findAll()).isEmpty();
  }

  @Test
  void deleteWhenPresentThenTrueThenFalse() {
    store.users().save(user("alice"));

    assertThat(store.users().delete("alice")).isTrue();
    assertThat(store.users().delete("alice")).isFalse();
    assertThat(store.users().find("alice")).isEmpty();
  }

  @Test
  void findWhenMissingThenEmpty() {
    assertThat(store.apis().find("nothing/v1")).isEmpty();
    assertThat(store.applications().find("nothing")).isEmpty();
    assertThat(store.users().find("nothing")).isEmpty();
    assertThat(store.scopes().find("nothing")).isEmpty();
    assertThat(store.authorizationServers().find("nothing")).isEmpty();
  }

  @Test
  void findWhenKeyDiffersOnlyInCaseThenEmpty() {
    store.users().save(user("alice"));

    assertThat(store.users().find("Alice")).isEmpty();
  }

  @Test
  void findAllWhenEmptyThenEmptyList() {
    assertThat(store.apis().findAll()).isEmpty();
    assertThat(store.authorizationServers().findAll()).isEmpty();
  }

  @Test
  void findAllWhenSeveralThenOrderedByKey() {
    // Upper case before lower case and '/' before letters, as String.compareTo orders them:
    // the same on every database whatever its collation.
    for (String name : List.of("zeta", "Beta", "alpha", "alpha-2", "_under")) {
      store.scopes().save(new Scope(name, null));
    }
    store.apis().save(api("petstore", "v2"));
    store.apis().save(api("pet", "v1"));
    store.apis().save(api("petstore", "v1"));

    assertThat(store.scopes().findAll())
        .extracting(Scope::name)
        .containsExactly("Beta", "_under", "alpha", "alpha-2", "zeta");
    assertThat(store.apis().findAll())
        .extracting(Api::key)
        .containsExactly("pet/v1", "petstore/v1", "petstore/v2");
  }

  @Test
  void findWhenDocumentIsCorruptThenStoreExceptionNamingTableAndKey() throws SQLException {
    store.users().save(user("alice"));
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement("UPDATE users SET document = ? WHERE username = ?")) {
      statement.setString(1, "{\"username\": [not json");
      statement.setString(2, "alice");
      statement.executeUpdate();
    }

    assertThatThrownBy(() -> store.users().find("alice"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("users")
        .hasMessageContaining("'alice'")
        .hasMessageContaining("User");
    assertThatThrownBy(() -> store.users().findAll()).isInstanceOf(StoreException.class);
  }

  @Test
  void findWhenDocumentHasUnknownFieldThenItIsIgnored() throws SQLException {
    store.scopes().save(new Scope("read", "Read"));
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE scopes SET document = '{\"name\":\"read\",\"description\":\"Read\","
              + "\"addedLater\":7}' WHERE name = 'read'");
    }

    assertThat(store.scopes().find("read")).contains(new Scope("read", "Read"));
  }

  @Test
  void saveWhenUserThenDerivedAdminFlagIsNotStored() throws SQLException {
    store.users().save(user("alice"));

    assertThat(document("users", "username", "alice"))
        .contains("\"roles\"")
        .doesNotContain("\"admin\":");
  }

  @Test
  void saveWhenSavedThenUpdatedAtIsSet() throws SQLException {
    store.scopes().save(new Scope("read", null));

    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT updated_at FROM scopes")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getTimestamp(1)).isNotNull();
    }
  }

  @Test
  void inTransactionWhenWorkThrowsThenNothingIsSavedAndTheExceptionIsRethrown() {
    store.users().save(user("keep"));
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                store.inTransaction(
                    () -> {
                      store.apis().save(api("petstore", "v1"));
                      store.users().delete("keep");
                      store.scopes().save(new Scope("read", null));
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(store.apis().findAll()).isEmpty();
    assertThat(store.scopes().findAll()).isEmpty();
    assertThat(store.users().find("keep")).isPresent();
  }

  @Test
  void inTransactionWhenWorkCompletesThenEverythingIsSaved() {
    store.inTransaction(
        () -> {
          store.apis().save(api("petstore", "v1"));
          store.applications().save(application("photo-app", "photo-client"));
        });

    assertThat(store.apis().findAll()).hasSize(1);
    assertThat(store.applications().findAll()).hasSize(1);
  }

  @Test
  void inTransactionWhenRunningThenRepositoriesJoinItAndOtherThreadsDoNotSeeIt() {
    store.inTransaction(
        () -> {
          store.scopes().save(new Scope("read", null));

          assertThat(store.scopes().find("read")).isPresent();
          assertThat(CompletableFuture.supplyAsync(() -> store.scopes().find("read")).join())
              .isEmpty();
        });

    assertThat(CompletableFuture.supplyAsync(() -> store.scopes().find("read")).join()).isPresent();
  }

  @Test
  void inTransactionWhenNestedThenInnerJoinsOuterAndRollsBackWithIt() {
    RuntimeException boom = new RuntimeException("outer fails after inner completed");

    assertThatThrownBy(
            () ->
                store.inTransaction(
                    () -> {
                      store.scopes().save(new Scope("outer", null));
                      store.inTransaction(() -> store.scopes().save(new Scope("inner", null)));
                      assertThat(store.scopes().findAll()).hasSize(2);
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(store.scopes().findAll()).isEmpty();
  }

  @Test
  void inTransactionWhenNestedWorkThrowsThenOuterRollsBackToo() {
    assertThatThrownBy(
            () ->
                store.inTransaction(
                    () -> {
                      store.scopes().save(new Scope("outer", null));
                      store.inTransaction(
                          () -> {
                            store.scopes().save(new Scope("inner", null));
                            throw new IllegalArgumentException("inner");
                          });
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inner");

    assertThat(store.scopes().findAll()).isEmpty();
  }

  @Test
  void saveWhenClientIdTakenByAnotherApplicationThenConflictNamingTableAndKeys() {
    store.applications().save(application("photo-app", "shared-client"));

    assertThatThrownBy(() -> store.applications().save(application("copy-app", "shared-client")))
        .isInstanceOfSatisfying(
            StoreConflictException.class,
            e -> {
              assertThat(e.table()).isEqualTo("applications");
              assertThat(e.column()).isEqualTo("client_id");
              assertThat(e.value()).isEqualTo("shared-client");
              assertThat(e.key()).isEqualTo("copy-app");
              assertThat(e.conflictingKey()).isEqualTo("photo-app");
            })
        .hasMessage(
            "applications: client_id 'shared-client' of 'copy-app' is already used by"
                + " 'photo-app'");

    assertThat(store.applications().findAll())
        .extracting(Application::name)
        .containsExactly("photo-app");
  }

  @Test
  void saveWhenUpdateTakesAnotherApplicationsClientIdThenConflictAndOldValueKept() {
    store.applications().save(application("photo-app", "photo-client"));
    store.applications().save(application("mail-app", "mail-client"));

    assertThatThrownBy(() -> store.applications().save(application("mail-app", "photo-client")))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("'photo-app'");

    assertThat(store.applications().find("mail-app").orElseThrow().clientId())
        .isEqualTo("mail-client");
  }

  @Test
  void saveWhenConflictIsCaughtInsideTransactionThenTheTransactionGoesOn() {
    store.applications().save(application("photo-app", "shared-client"));

    store.inTransaction(
        () -> {
          store.scopes().save(new Scope("before", null));
          assertThatThrownBy(
                  () -> store.applications().save(application("copy-app", "shared-client")))
              .isInstanceOf(StoreConflictException.class);
          store.scopes().save(new Scope("after", null));
        });

    assertThat(store.scopes().findAll()).extracting(Scope::name).containsExactly("after", "before");
    assertThat(store.applications().find("copy-app")).isEmpty();
  }

  @Test
  void saveWhenSeveralApplicationsHaveNoClientIdThenAllAreSaved() {
    store.applications().save(application("one", null));
    store.applications().save(application("two", null));

    assertThat(store.applications().findAll()).hasSize(2);
  }

  @Test
  void openWhenSameDatabaseOpenedAgainThenMigrationsAreNotRepeatedAndDataIsKept()
      throws SQLException {
    store.users().save(user("alice"));

    try (Database again = Database.open(url)) {
      JdbcRegistryStore second = new JdbcRegistryStore(again.dataSource(), StoreJson.mapper());
      assertThat(second.users().find("alice")).isPresent();
      try (Connection connection = again.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" = TRUE"
                      + " AND \"version\" = '1'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void isReachableWhenOpenThenTrue() {
    assertThat(store.isReachable()).isTrue();
  }

  @Test
  void isReachableWhenDatabaseClosedThenFalse() {
    Database other = Database.open(url);
    JdbcRegistryStore otherStore = new JdbcRegistryStore(other.dataSource(), StoreJson.mapper());
    assertThat(otherStore.isReachable()).isTrue();

    other.close();

    assertThat(otherStore.isReachable()).isFalse();
    assertThat(store.isReachable()).isTrue();
  }

  @Test
  void findAllWhenDatabaseClosedThenStoreExceptionNamingTheTable() {
    Database other = Database.open(url);
    Repository<Scope> scopes =
        new JdbcRegistryStore(other.dataSource(), StoreJson.mapper()).scopes();
    other.close();

    assertThatThrownBy(scopes::findAll)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("scopes: listing failed");
  }

  private String document(String table, String keyColumn, String key) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT document FROM " + table + " WHERE " + keyColumn + " = ?")) {
      statement.setString(1, key);
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }
}
