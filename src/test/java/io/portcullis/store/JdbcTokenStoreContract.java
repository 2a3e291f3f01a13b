package io.portcullis.store;

import io.portcullis.token.store.TokenStore;
import io.portcullis.token.store.TokenStoreContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The token store contract on one fresh database per subclass; tables emptied before each test. */
abstract class JdbcTokenStoreContract extends TokenStoreContract {
  private Database database;
  private JdbcTokenStore store;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabase() {
    database = Database.open(freshDatabaseUrl());
    store =
        new JdbcTokenStore(database.dataSource(), StoreJson.mapper(), new LocalChangeNotifier());
  }

  @AfterAll
  void closeDatabase() {
    if (database != null) database.close();
  }

  @Override
  protected TokenStore freshStore() {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM tokens");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return store;
  }

  @Override
  protected String everythingStored() {
    StringBuilder text = new StringBuilder();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : List.of("tokens", "used_jtis", "revoked_jwts")) {
        try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              text.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            text.append('\n');
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }
}
