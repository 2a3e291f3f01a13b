package io.portcullis.store;

import io.portcullis.registry.AuditEntry;
import io.portcullis.registry.AuditLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log in the table {@code audit_log} (migration V8). {@link #record} writes through the
 * transaction bound to the thread (the registry change's), so the entry commits or rolls back with
 * the change. Blocking.
 */
final class JdbcAuditLog implements AuditLog {
  private static final String INSERT =
      "INSERT INTO audit_log (at_ms, actor, action, entity, before_doc, after_doc)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String SELECT =
      "SELECT id, at_ms, actor, action, entity, before_doc, after_doc FROM audit_log"
          + " WHERE at_ms >= ? AND at_ms < ? AND id < ?"
          + " AND (? IS NULL OR actor = ?)"
          + " AND (? IS NULL OR entity = ? OR LEFT(entity, ?) = ?)"
          + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";

  private static final String PURGE =
      "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at_ms < ?"
          + " ORDER BY id FETCH FIRST ? ROWS ONLY)";

  private final JdbcTransactions transactions;

  JdbcAuditLog(JdbcTransactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public void record(AuditEntry entry) {
    try {
      transactions.write(
          connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
              insert.setLong(1, entry.time().toEpochMilli());
              insert.setString(2, entry.actor());
              insert.setString(3, entry.action());
              insert.setString(4, entry.entity());
              insert.setString(5, entry.before());
              insert.setString(6, entry.after());
              return insert.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("audit entry not written: " + e.getMessage(), e);
    }
  }

  @Override
  public int purgeBefore(Instant before, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    try {
      return transactions.write(
          connection -> {
            try (PreparedStatement delete = connection.prepareStatement(PURGE)) {
              delete.setLong(1, before.toEpochMilli());
              delete.setInt(2, batchSize);
              return delete.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("audit log: purging failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Page find(Query q) {
    try {
      return transactions.read(
          connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT)) {
              select.setLong(1, q.from() == null ? Long.MIN_VALUE : q.from().toEpochMilli());
              select.setLong(2, q.to() == null ? Long.MAX_VALUE : q.to().toEpochMilli());
              select.setLong(3, q.before() == null ? Long.MAX_VALUE : q.before());
              select.setString(4, q.actor());
              select.setString(5, q.actor());
              String prefix = q.entity() == null ? null : q.entity() + "/";
              select.setString(6, q.entity());
              select.setString(7, q.entity());
              select.setInt(8, prefix == null ? 0 : prefix.length());
              select.setString(9, prefix);
              select.setInt(10, q.limit() + 1);
              List<AuditEntry> items = new ArrayList<>();
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  items.add(
                      new AuditEntry(
                          rows.getLong(1),
                          Instant.ofEpochMilli(rows.getLong(2)),
                          rows.getString(3),
                          rows.getString(4),
                          rows.getString(5),
                          rows.getString(6),
                          rows.getString(7)));
                }
              }
              if (items.size() <= q.limit()) return new Page(items, null);
              List<AuditEntry> page = List.copyOf(items.subList(0, q.limit()));
              return new Page(page, page.get(page.size() - 1).id());
            }
          });
    } catch (SQLException e) {
      throw new StoreException("audit log not read: " + e.getMessage(), e);
    }
  }
}
