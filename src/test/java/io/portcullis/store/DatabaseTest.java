package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.registry.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseTest {
  @TempDir Path directory;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:mysql://127.0.0.1/portcullis",
        "postgres://127.0.0.1/portcullis",
        "jdbc:h2:tcp://127.0.0.1/portcullis",
        "jdbc:h2:./portcullis",
        "data/portcullis",
        ""
      })
  void openWhenUrlIsNotSupportedThenMessageNamesUrlAndTheAcceptedForms(String url) {
    assertThatThrownBy(() -> Database.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open database " + url + ":")
        .hasMessageContaining("unsupported JDBC URL")
        .hasMessageContaining("jdbc:h2:file:")
        .hasMessageContaining("jdbc:postgresql://");
  }

  @Test
  void openWhenPostgresUnreachableThenMessageNamesUrlWithoutPasswords() throws Exception {
    int closedPort = EchoUpstream.closedPort();
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + closedPort
            + "/portcullis?user=gateway&password=url-secret&connectTimeout=2";

    assertThatThrownBy(() -> Database.open(url, "gateway", "argument-secret"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "cannot open database jdbc:postgresql://127.0.0.1:"
                + closedPort
                + "/portcullis?user=gateway&password=***&connectTimeout=2 as user gateway: ")
        .hasMessageContaining("refused")
        .hasMessageNotContaining("url-secret")
        .hasMessageNotContaining("argument-secret");
  }

  @Test
  void openWhenPostgresDatabaseDoesNotExistThenMessageNamesUrlAndDatabase() {
    String url = TestDatabases.withDatabase(TestDatabases.postgres(), "no_such_database");

    assertThatThrownBy(() -> Database.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "cannot open database " + url.replaceAll("password=[^&]*", "password=***"))
        .hasMessageContaining("\"no_such_database\" does not exist");
  }

  @Test
  void openWhenPostgresThenMigratedAndDialectIsPostgresql() {
    try (Database database = Database.open(TestDatabases.postgres())) {
      assertThat(database.dialect()).isEqualTo(Database.Dialect.POSTGRESQL);
      JdbcRegistryStore store = new JdbcRegistryStore(database.dataSource(), StoreJson.mapper());
      assertThat(store.scopes().findAll()).isEmpty();
    }
  }

  @Test
  void openWhenAnotherProcessHoldsTheH2FileThenMessageSaysSoAndNamesTheFile() throws Exception {
    String url = TestDatabases.h2File(directory);
    try (HoldH2File held = HoldH2File.start(url)) {
      assertThatThrownBy(() -> Database.open(url))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("cannot open database " + url + ": ")
          .hasMessageContaining("another process holds the database file")
          .hasMessageContaining(url.substring("jdbc:h2:file:".length()) + ".mv.db");
    }
  }

  @Test
  void openWhenH2FilePathIsImplicitlyRelativeThenMessageNamesUrlAndReason() {
    // A name no other run uses: the working directory may hold anything (./data of a served
    // quickstart), and the test must neither depend on it nor leave anything in it.
    String dir = "implicitly-relative-" + java.util.UUID.randomUUID();
    String url = "jdbc:h2:file:" + dir + "/portcullis";

    assertThatThrownBy(() -> Database.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open database " + url + ": ")
        .hasMessageContaining("implicitly relative");
    assertThat(Path.of(dir)).doesNotExist();
  }

  @Test
  void openWhenH2UrlHasUnknownSettingThenMessageNamesItWithoutThePassword() {
    String url = "jdbc:h2:mem:bad;NO_SUCH_SETTING=1;PASSWORD=h2-url-secret";

    assertThatThrownBy(() -> Database.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "cannot open database jdbc:h2:mem:bad;NO_SUCH_SETTING=1;PASSWORD=***")
        .hasMessageContaining("NO_SUCH_SETTING")
        .hasMessageNotContaining("h2-url-secret")
        .satisfies(e -> assertThat(causeChainText(e)).doesNotContain("h2-url-secret"));
  }

  @Test
  void openWhenH2PasswordIsWrongThenMessageSaysSoWithoutThePassword() {
    String url = TestDatabases.h2();
    try (Database first = Database.open(url, "owner", "right-password")) {
      assertThatThrownBy(() -> Database.open(url, "owner", "wrong-password"))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("cannot open database " + url + " as user owner: ")
          .hasMessageContaining("Wrong user name or password")
          .hasMessageNotContaining("wrong-password")
          .satisfies(e -> assertThat(causeChainText(e)).doesNotContain("wrong-password"));
    }
  }

  @Test
  void openWhenH2FileThenFileIsCreatedAndReleasedOnClose() throws IOException {
    String url = "jdbc:h2:file:" + directory.resolve("sub/dir/portcullis");
    try (Database database = Database.open(url)) {
      assertThat(database.dialect()).isEqualTo(Database.Dialect.H2);
      new JdbcRegistryStore(database.dataSource(), StoreJson.mapper())
          .scopes()
          .save(new Scope("read", null));
    }
    try (Stream<Path> files = Files.list(directory.resolve("sub/dir"))) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("portcullis.mv.db");
    }

    try (Database reopened = Database.open(url)) {
      assertThat(
              new JdbcRegistryStore(reopened.dataSource(), StoreJson.mapper()).scopes().findAll())
          .containsExactly(new Scope("read", null));
    }
  }

  @Test
  void openWhenH2UrlSetsOurSettingsItselfThenTheirValuesAreKept() {
    String url =
        "jdbc:h2:file:"
            + directory.resolve("portcullis")
            + ";db_close_on_exit=TRUE;AUTO_SERVER=FALSE";

    try (Database database = Database.open(url)) {
      assertThat(new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()).isReachable())
          .isTrue();
    }
  }

  @Test
  void openWhenH2MemoryDatabaseReopenedAfterCloseThenItsDataIsStillThere() {
    String url = TestDatabases.h2();
    try (Database database = Database.open(url)) {
      new JdbcRegistryStore(database.dataSource(), StoreJson.mapper())
          .scopes()
          .save(new Scope("read", null));
    }

    try (Database reopened = Database.open(url)) {
      assertThat(
              new JdbcRegistryStore(reopened.dataSource(), StoreJson.mapper()).scopes().findAll())
          .hasSize(1);
    }
  }

  @Test
  void describeWhenUrlHasPasswordThenItIsMasked() {
    String url = TestDatabases.h2() + ";USER=owner;PASSWORD=in-url";
    try (Database database = Database.open(url)) {
      assertThat(database.describe())
          .isEqualTo(url.replace("PASSWORD=in-url", "PASSWORD=***"))
          .doesNotContain("in-url");
      assertThat(database.toString()).doesNotContain("in-url");
    }
  }

  @Test
  void describeWhenUserAndPasswordGivenThenUserIsNamedAndPasswordLeftOut() {
    String url = TestDatabases.h2();
    try (Database database = Database.open(url, "owner", "in-argument")) {
      assertThat(database.describe()).isEqualTo(url + " as user owner");
    }
  }

  @Test
  void closeWhenCalledTwiceThenSecondCallDoesNothing() {
    Database database = Database.open(TestDatabases.h2());
    database.close();
    database.close();

    assertThat(new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()).isReachable())
        .isFalse();
  }

  private static String causeChainText(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) text.append(t).append('\n');
    return text.toString();
  }
}
