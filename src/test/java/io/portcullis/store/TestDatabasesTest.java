package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.registry.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestDatabasesTest {
  @Test
  void postgresWhenCalledTwiceThenTwoSeparateEmptyDatabases() {
    String first = TestDatabases.postgres();
    String second = TestDatabases.postgres();
    assertThat(first).isNotEqualTo(second);

    try (Database one = Database.open(first);
        Database two = Database.open(second)) {
      new JdbcRegistryStore(one.dataSource(), StoreJson.mapper())
          .scopes()
          .save(new Scope("read", null));

      assertThat(new JdbcRegistryStore(two.dataSource(), StoreJson.mapper()).scopes().findAll())
          .isEmpty();
    }
  }

  @Test
  void h2WhenCalledTwiceThenTwoSeparateDatabases() {
    assertThat(TestDatabases.h2()).isNotEqualTo(TestDatabases.h2());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbc:postgresql://db.test:5432/postgres?user=u&password=p | jdbc:postgresql://db.test:5432/fresh?user=u&password=p",
        "jdbc:postgresql://127.0.0.1/postgres                      | jdbc:postgresql://127.0.0.1/fresh",
        "jdbc:postgresql://127.0.0.1:5432/?user=u                  | jdbc:postgresql://127.0.0.1:5432/fresh?user=u",
        "jdbc:postgresql://127.0.0.1:5432?user=u                   | jdbc:postgresql://127.0.0.1:5432/fresh?user=u",
        "jdbc:postgresql://h1:5432,h2:5433/app?ssl=false           | jdbc:postgresql://h1:5432,h2:5433/fresh?ssl=false"
      })
  void withDatabaseWhenPostgresUrlThenOnlyTheDatabaseNameIsReplaced(String url, String expected) {
    assertThat(TestDatabases.withDatabase(url, "fresh")).isEqualTo(expected);
  }

  @Test
  void withDatabaseWhenNotPostgresUrlThenIllegalArgumentNamingTheVariable() {
    assertThatThrownBy(() -> TestDatabases.withDatabase("jdbc:h2:mem:x?password=p", "fresh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TestDatabases.POSTGRES_URL_VARIABLE)
        .hasMessageNotContaining("password=p");
  }
}
