package io.portcullis.store;

import io.portcullis.registry.AccessRequest;
import io.portcullis.registry.AccessRequestRepository;
import io.portcullis.registry.AuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Access requests in the table {@code access_requests} (migration V9); each change and its audit
 * entry commit in one transaction. Blocking.
 */
public final class JdbcAccessRequests implements AccessRequestRepository {
  private static final String COLUMNS =
      "id, application, api, developer, status, created_ms, decided_by, decided_ms";
  private static final String INSERT =
      "INSERT INTO access_requests (application, api, developer, status, created_ms, decided_by,"
          + " decided_ms) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_ONE =
      "SELECT " + COLUMNS + " FROM access_requests WHERE id = ?";
  private static final String SELECT =
      "SELECT "
          + COLUMNS
          + " FROM access_requests WHERE (? IS NULL OR status = ?) AND (? IS NULL OR application"
          + " = ?) ORDER BY id DESC FETCH FIRST ? ROWS ONLY";
  private static final String DECIDE =
      "UPDATE access_requests SET status = ?, decided_by = ?, decided_ms = ?"
          + " WHERE id = ? AND status = 'PENDING'";

  private final JdbcTransactions transactions;
  private final JdbcAuditLog audit;

  /** Requests in the database behind the pool. */
  public JdbcAccessRequests(DataSource dataSource) {
    this.transactions = new JdbcTransactions(dataSource);
    this.audit = new JdbcAuditLog(transactions);
  }

  @Override
  public AccessRequest create(AccessRequest request, String actor) {
    check("application", request.application(), 255);
    check("api", request.api(), 512);
    check("developer", request.developer(), 256);
    if (request.decidedBy() != null) check("decidedBy", request.decidedBy(), 256);
    check("actor", actor, 256);
    if (request.status() == null || request.created() == null) {
      throw new IllegalArgumentException("status and created are required");
    }
    return write(
        connection -> {
          long id;
          try (PreparedStatement insert =
              connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, request.application());
            insert.setString(2, request.api());
            insert.setString(3, request.developer());
            insert.setString(4, request.status().name());
            insert.setLong(5, request.created().toEpochMilli());
            insert.setString(6, request.decidedBy());
            if (request.decided() == null) insert.setNull(7, Types.BIGINT);
            else insert.setLong(7, request.decided().toEpochMilli());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
              keys.next();
              id = keys.getLong(1);
            }
          }
          AccessRequest stored =
              new AccessRequest(
                  id,
                  request.application(),
                  request.api(),
                  request.developer(),
                  request.status(),
                  request.created(),
                  request.decidedBy(),
                  request.decided());
          record(actor, request.created(), "create", null, stored);
          return stored;
        });
  }

  @Override
  public Optional<AccessRequest> find(long id) {
    return read(connection -> one(connection, id));
  }

  @Override
  public List<AccessRequest> list(AccessRequest.Status status, String application, int limit) {
    return read(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            String s = status == null ? null : status.name();
            select.setString(1, s);
            select.setString(2, s);
            select.setString(3, application);
            select.setString(4, application);
            select.setInt(5, limit);
            List<AccessRequest> out = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) out.add(row(rows));
            }
            return out;
          }
        });
  }

  @Override
  public Optional<AccessRequest> decide(
      long id, AccessRequest.Status status, String actor, Instant at) {
    if (status == null || status == AccessRequest.Status.PENDING) {
      throw new IllegalArgumentException(
          "status: expected APPROVED or REJECTED to decide a request; was " + status);
    }
    check("actor", actor, 256);
    return write(
        connection -> {
          Optional<AccessRequest> before = one(connection, id);
          if (before.isEmpty()) return Optional.empty();
          try (PreparedStatement update = connection.prepareStatement(DECIDE)) {
            update.setString(1, status.name());
            update.setString(2, actor);
            update.setLong(3, at.toEpochMilli());
            update.setLong(4, id);
            if (update.executeUpdate() == 0) return Optional.empty();
          }
          Optional<AccessRequest> after = one(connection, id);
          record(actor, at, "update", before.get(), after.orElseThrow());
          return after;
        });
  }

  /** Refuses a value the column cannot hold, naming the field, before anything is written. */
  private static void check(String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          field + ": expected 1 to " + max + " characters; was empty");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(
          field + ": expected at most " + max + " characters; was " + value.length());
    }
  }

  private void record(
      String actor, Instant at, String action, AccessRequest before, AccessRequest after) {
    AccessRequest any = after != null ? after : before;
    audit.record(
        new AuditEntry(
            0,
            at,
            actor,
            action,
            "access-requests/" + any.id(),
            before == null ? null : json(before),
            after == null ? null : json(after)));
  }

  private static String json(AccessRequest r) {
    try {
      return StoreJson.mapper()
          .copy()
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .writeValueAsString(r);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("an access request could not be written as JSON", e);
    }
  }

  private static Optional<AccessRequest> one(Connection connection, long id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
      select.setLong(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(row(rows)) : Optional.empty();
      }
    }
  }

  private static AccessRequest row(ResultSet rows) throws SQLException {
    long decided = rows.getLong(8);
    boolean undecided = rows.wasNull();
    return new AccessRequest(
        rows.getLong(1),
        rows.getString(2),
        rows.getString(3),
        rows.getString(4),
        AccessRequest.Status.valueOf(rows.getString(5)),
        Instant.ofEpochMilli(rows.getLong(6)),
        rows.getString(7),
        undecided ? null : Instant.ofEpochMilli(decided));
  }

  private <R> R write(JdbcTransactions.SqlWork<R> work) {
    try {
      return transactions.write(work);
    } catch (SQLException e) {
      throw new StoreException("access request not written: " + e.getMessage(), e);
    }
  }

  private <R> R read(JdbcTransactions.SqlWork<R> work) {
    try {
      return transactions.read(work);
    } catch (SQLException e) {
      throw new StoreException("access requests not read: " + e.getMessage(), e);
    }
  }
}
