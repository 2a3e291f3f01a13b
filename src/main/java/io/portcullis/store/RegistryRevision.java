package io.portcullis.store;

import io.portcullis.registry.RegistryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The registry's revision counter (table {@code registry_revision}, one row) and write lock. Taking
 * the next revision updates that row, so the transaction holds the row's lock until it ends:
 * registry writers on every node sharing the database run one after the other. On PostgreSQL and on
 * H2 (both at READ COMMITTED) a writer that waited for the lock then reads what the previous one
 * committed.
 */
final class RegistryRevision {
  private static final String NEXT =
      "UPDATE registry_revision SET revision = revision + 1 WHERE id = 1";
  private static final String READ = "SELECT revision FROM registry_revision WHERE id = 1";

  private final JdbcTransactions transactions;
  private final ThreadLocal<Long> held = new ThreadLocal<>();

  RegistryRevision(JdbcTransactions transactions) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
  }

  /** See {@link RegistryStore#writeExclusively}. */
  <R> R exclusively(RegistryStore.ExclusiveWork<R> work) {
    Objects.requireNonNull(work, "work");
    Long outer = held.get();
    if (outer != null) return work.run(outer);
    return transactions.supplyInTransaction(
        () -> {
          long revision;
          try {
            revision = transactions.write(this::next);
          } catch (SQLException e) {
            throw new StoreException(
                "registry_revision: taking the write lock failed: " + e.getMessage(), e);
          }
          held.set(revision);
          try {
            return work.run(revision);
          } finally {
            held.remove();
          }
        });
  }

  /**
   * The version of a row written now on this connection: the revision of the enclosing exclusive
   * write, else a new one (which takes the lock for the connection's transaction).
   */
  long forWrite(Connection connection) throws SQLException {
    Long current = held.get();
    return current != null ? current : next(connection);
  }

  private long next(Connection connection) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(NEXT)) {
      if (update.executeUpdate() != 1) {
        throw new SQLException("registry_revision has no row 1 (migration V4 not applied?)");
      }
    }
    try (PreparedStatement read = connection.prepareStatement(READ);
        ResultSet rs = read.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
