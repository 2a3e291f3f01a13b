package io.portcullis.store;

import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.store.JtiReplayCacheContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The replay cache contract on one database opened twice: two pools, as two nodes would have. */
abstract class JdbcJtiReplayCacheContract extends JtiReplayCacheContract {
  private Database first;
  private Database second;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabases() {
    String url = freshDatabaseUrl();
    first = Database.open(url);
    second = Database.open(url);
  }

  @AfterAll
  void closeDatabases() {
    if (first != null) first.close();
    if (second != null) second.close();
  }

  @Override
  protected void reset() {
    try (Connection connection = first.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM used_jtis");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected JtiReplayCache node() {
    return new JdbcJtiReplayCache(first.dataSource(), clock);
  }

  @Override
  protected JtiReplayCache otherNode() {
    return new JdbcJtiReplayCache(second.dataSource(), clock);
  }
}
