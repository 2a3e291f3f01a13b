package io.portcullis.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuditLog;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Scope;
import io.portcullis.registry.User;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry in the tables of migrations V1 and V4, one {@link JdbcRepository} per entity kind,
 * each entity stored as a JSON document. Works on H2 and PostgreSQL alike.
 *
 * <p>{@link #inTransaction} binds one connection to the calling thread; repository calls made
 * inside the work join that transaction, and nested calls join the outer one. Every method blocks:
 * call it off the event loop.
 */
public final class JdbcRegistryStore implements RegistryStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcRegistryStore.class);
  private static final int REACHABLE_TIMEOUT_SECONDS = 2;

  private final JdbcTransactions transactions;
  private final RegistryRevision revision;
  private final Repository<Api> apis;
  private final Repository<Application> applications;
  private final Repository<User> users;
  private final Repository<Scope> scopes;
  private final Repository<AuthorizationServer> authorizationServers;
  private final AuditLog audit;

  /** A store on its own transactions. */
  public JdbcRegistryStore(DataSource dataSource, ObjectMapper json) {
    this(new JdbcTransactions(dataSource), json);
  }

  /**
   * A store whose writes join the transactions of other JDBC code sharing the same {@link
   * JdbcTransactions}.
   */
  public JdbcRegistryStore(JdbcTransactions transactions, ObjectMapper json) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    Objects.requireNonNull(json, "json");
    this.revision = new RegistryRevision(transactions);
    this.audit = new JdbcAuditLog(transactions);
    this.apis =
        new JdbcRepository<>(
            transactions,
            json,
            revision,
            new JdbcRepository.Table<>(
                "apis",
                "api_key",
                Api::key,
                Api.class,
                List.of(
                    new JdbcRepository.Column<>("name", Api::name, false),
                    new JdbcRepository.Column<>("version", Api::version, false),
                    new JdbcRepository.Column<>("base_path", Api::basePath, true))));
    this.applications =
        new JdbcRepository<>(
            transactions,
            json,
            revision,
            new JdbcRepository.Table<>(
                "applications",
                "name",
                Application::name,
                Application.class,
                List.of(new JdbcRepository.Column<>("client_id", Application::clientId, true))));
    this.users =
        new JdbcRepository<>(
            transactions,
            json,
            revision,
            new JdbcRepository.Table<>("users", "username", User::username, User.class, List.of()));
    this.scopes =
        new JdbcRepository<>(
            transactions,
            json,
            revision,
            new JdbcRepository.Table<>("scopes", "name", Scope::name, Scope.class, List.of()));
    this.authorizationServers =
        new JdbcRepository<>(
            transactions,
            json,
            revision,
            new JdbcRepository.Table<>(
                "authorization_servers",
                "alias",
                AuthorizationServer::alias,
                AuthorizationServer.class,
                List.of()));
  }

  @Override
  public Repository<Api> apis() {
    return apis;
  }

  @Override
  public Repository<Application> applications() {
    return applications;
  }

  @Override
  public Repository<User> users() {
    return users;
  }

  @Override
  public Repository<Scope> scopes() {
    return scopes;
  }

  @Override
  public Repository<AuthorizationServer> authorizationServers() {
    return authorizationServers;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Nested calls join the outer transaction. A {@link StoreException} is thrown when no
   * connection can be had or the commit fails.
   */
  @Override
  public AuditLog audit() {
    return audit;
  }

  @Override
  public void inTransaction(Runnable work) {
    transactions.inTransaction(work);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The lock is the row of table {@code registry_revision}, updated first in the transaction.
   */
  @Override
  public <R> R writeExclusively(ExclusiveWork<R> work) {
    return revision.exclusively(work);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs {@code SELECT 1} with a query timeout of two seconds on a connection of its own;
   * getting that connection waits at most the pool's connection timeout ({@link Database} sets five
   * seconds).
   */
  @Override
  public boolean isReachable() {
    try (Connection connection = transactions.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(REACHABLE_TIMEOUT_SECONDS);
      statement.execute("SELECT 1");
      return true;
    } catch (SQLException | RuntimeException e) {
      log.debug("store not reachable: {}", e.toString());
      return false;
    }
  }
}
