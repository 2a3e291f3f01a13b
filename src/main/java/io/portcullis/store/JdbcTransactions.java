package io.portcullis.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Transactions bound to the calling thread. {@link #supplyInTransaction} takes one connection,
 * binds it to the thread for the duration of the work, and commits at the end or rolls back on any
 * exception; every {@link #read}/{@link #write} the work makes on this instance, directly or
 * through repositories, runs on that same connection. Nested calls join the outer transaction.
 *
 * <p>Share one instance among all JDBC code that must be able to write in the same transaction.
 * Every method blocks: call it off the event loop.
 */
public final class JdbcTransactions {
  /** Work on a connection, allowed to throw {@link SQLException}. */
  @FunctionalInterface
  public interface SqlWork<R> {
    /**
     * Does the work on the connection, which it must not close nor commit.
     *
     * @return the result, may be null
     * @throws SQLException when a statement fails; the transaction is then rolled back
     */
    R apply(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  private final ThreadLocal<Connection> current = new ThreadLocal<>();

  public JdbcTransactions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Whether the calling thread is inside {@link #inTransaction}. */
  public boolean isActive() {
    return current.get() != null;
  }

  /**
   * Runs the work in one transaction, or as part of the calling thread's transaction when there is
   * one already.
   *
   * @return what the work returned
   * @throws StoreException when no connection can be had or the commit fails
   * @throws RuntimeException whatever the work threw, after rolling back (an outer transaction
   *     rolls back when the exception leaves it)
   */
  public <R> R supplyInTransaction(Supplier<R> work) {
    Objects.requireNonNull(work, "work");
    if (isActive()) return work.get();
    try {
      return transact(connection -> work.get());
    } catch (SQLException e) {
      throw new StoreException("transaction failed: " + e.getMessage(), e);
    }
  }

  /** As {@link #supplyInTransaction}, for work without a result. */
  public void inTransaction(Runnable work) {
    Objects.requireNonNull(work, "work");
    supplyInTransaction(
        () -> {
          work.run();
          return null;
        });
  }

  /**
   * Runs statements that change data: on the calling thread's transaction when there is one, else
   * in a transaction of their own that commits when the work returns.
   *
   * @throws SQLException what the work or the commit threw, after rolling back
   */
  public <R> R write(SqlWork<R> work) throws SQLException {
    Connection bound = current.get();
    return bound != null ? work.apply(bound) : transact(work);
  }

  /**
   * Runs queries: on the calling thread's transaction when there is one (so they see its
   * uncommitted changes), else on a connection of their own in auto-commit mode.
   *
   * @throws SQLException what the work threw
   */
  public <R> R read(SqlWork<R> work) throws SQLException {
    Connection bound = current.get();
    if (bound != null) return work.apply(bound);
    try (Connection connection = dataSource.getConnection()) {
      return work.apply(connection);
    }
  }

  private <R> R transact(SqlWork<R> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      current.set(connection);
      try {
        R result = work.apply(connection);
        connection.commit();
        return result;
      } catch (Throwable failure) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          failure.addSuppressed(rollbackFailure);
        }
        throw failure;
      } finally {
        current.remove();
      }
    }
  }
}
