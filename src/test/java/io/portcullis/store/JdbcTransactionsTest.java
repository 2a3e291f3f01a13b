package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcTransactionsTest {
  private Database database;
  private JdbcTransactions transactions;

  @BeforeEach
  void open() {
    database = Database.open(TestDatabases.h2());
    transactions = new JdbcTransactions(database.dataSource());
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void supplyInTransactionWhenWorkReturnsThenItsResultIsReturnedAndTheThreadIsUnbound() {
    assertThat(transactions.isActive()).isFalse();

    boolean activeInside = transactions.supplyInTransaction(transactions::isActive);

    assertThat(activeInside).isTrue();
    assertThat(transactions.isActive()).isFalse();
  }

  @Test
  void supplyInTransactionWhenWorkThrowsThenTheThreadIsUnbound() {
    assertThatThrownBy(
            () ->
                transactions.supplyInTransaction(
                    () -> {
                      throw new IllegalStateException("work failed");
                    }))
        .hasMessage("work failed");

    assertThat(transactions.isActive()).isFalse();
  }

  @Test
  void writeWhenOutsideTransactionThenCommittedAtOnce() throws SQLException {
    transactions.write(connection -> insertScope(connection, "read"));

    assertThat(countScopes()).isEqualTo(1);
  }

  @Test
  void writeWhenWorkFailsOutsideTransactionThenItsEarlierStatementsAreRolledBack() {
    assertThatThrownBy(
            () ->
                transactions.write(
                    connection -> {
                      insertScope(connection, "read");
                      return insertScope(connection, "read");
                    }))
        .isInstanceOf(SQLException.class);

    assertThat(countScopes()).isZero();
  }

  @Test
  void readWhenInsideTransactionThenSeesItsUncommittedWrites() {
    long seen =
        transactions.supplyInTransaction(
            () -> {
              try {
                transactions.write(connection -> insertScope(connection, "read"));
                return transactions.read(JdbcTransactionsTest::count);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });

    assertThat(seen).isEqualTo(1);
  }

  @Test
  void inTransactionWhenNoConnectionCanBeHadThenStoreException() {
    database.close();

    assertThatThrownBy(() -> transactions.inTransaction(() -> {}))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("transaction failed: ");
  }

  private static int insertScope(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO scopes (name, document, updated_at) VALUES (?, '{}', CURRENT_TIMESTAMP)")) {
      statement.setString(1, name);
      return statement.executeUpdate();
    }
  }

  private long countScopes() {
    try {
      return transactions.read(JdbcTransactionsTest::count);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM scopes")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
