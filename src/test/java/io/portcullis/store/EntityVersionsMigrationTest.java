package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.registry.Api;
import io.portcullis.registry.Versioned;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migration V4 on a registry written before it: base paths taken from the documents, versions at 1,
 * and the database itself refusing a second API on a base path.
 */
class EntityVersionsMigrationTest {
  private static final ObjectMapper JSON = StoreJson.mapper();

  static Stream<String> databases() {
    return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
  }

  private static Api api(String name, String basePath) {
    return Api.builder()
        .name(name)
        .version("v1")
        .basePath(basePath)
        .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
        .build();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void migrateWhenApisStoredBeforeV4ThenBasePathsFilledVersionsOneAndDuplicateLeftNull(String url)
      throws Exception {
    // Keeps an in-memory H2 database alive between the two openings.
    try (Connection held = DriverManager.getConnection(url)) {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(url, null, null)
          .locations("classpath:db/migration")
          .target("3")
          .load()
          .migrate();
      for (Api api : List.of(api("a", "/a"), api("b", "/shared/x"), api("c", "/shared/x"))) {
        try (PreparedStatement insert =
            held.prepareStatement(
                "INSERT INTO apis (api_key, name, version, document, updated_at)"
                    + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
          insert.setString(1, api.key());
          insert.setString(2, api.name());
          insert.setString(3, api.version());
          insert.setString(4, JSON.writeValueAsString(api));
          insert.executeUpdate();
        }
      }

      try (Database database = Database.open(url)) {
        assertThat(basePath(held, "a/v1")).isEqualTo("/a");
        assertThat(basePath(held, "b/v1")).isEqualTo("/shared/x");
        assertThat(basePath(held, "c/v1")).isNull();
        JdbcRegistryStore store = new JdbcRegistryStore(database.dataSource(), JSON);
        assertThat(store.apis().findVersioned("a/v1").map(Versioned::version)).contains(1L);

        // The database refuses a taken base path even to a write that skips every check.
        assertThatThrownBy(() -> store.apis().save(api("d", "/a")))
            .isInstanceOf(StoreConflictException.class)
            .hasMessageContaining("base_path")
            .hasMessageContaining("a/v1");
        store.apis().save(api("a", "/a2"));
        assertThat(store.apis().findVersioned("a/v1").map(Versioned::version))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThan(1L));
        assertThat(basePath(held, "a/v1")).isEqualTo("/a2");
      }
    }
  }

  private static String basePath(Connection connection, String key) throws Exception {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT base_path FROM apis WHERE api_key = ?")) {
      select.setString(1, key);
      try (ResultSet rs = select.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }
}
