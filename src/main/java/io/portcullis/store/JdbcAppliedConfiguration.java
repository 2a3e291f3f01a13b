package io.portcullis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What configuration was last applied to this store (table {@code applied_configuration}): a digest
 * and when, shared by every node of the store. Blocking: call off the event loop.
 */
public final class JdbcAppliedConfiguration {
  /** The last applied content: its digest (opaque to the store) and when it was applied. */
  public record Applied(String digest, Instant appliedAt) {}

  private static final String REGISTRY = "registry";

  private final JdbcTransactions transactions;

  public JdbcAppliedConfiguration(DataSource dataSource) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The registry content last applied, if any.
   *
   * @throws StoreException when the store cannot be read
   */
  public Optional<Applied> last() {
    try {
      return transactions.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT digest, applied_at FROM applied_configuration WHERE name = ?")) {
              s.setString(1, REGISTRY);
              try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(
                    new Applied(rs.getString("digest"), SqlInstants.get(rs, "applied_at")));
              }
            }
          });
    } catch (SQLException e) {
      throw new StoreException("cannot read the applied configuration: " + e.getMessage(), e);
    }
  }

  /**
   * Records that content with this digest was applied now. Two nodes recording at once: the later
   * commit wins, which is all a digest needs.
   *
   * @throws StoreException when the store cannot be written
   */
  public void record(String digest, Instant appliedAt) {
    Objects.requireNonNull(digest, "digest");
    try {
      if (update(digest, appliedAt)) return;
      try {
        transactions.write(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO applied_configuration (name, digest, applied_at) VALUES (?, ?, ?)")) {
                s.setString(1, REGISTRY);
                s.setString(2, digest);
                SqlInstants.set(s, 3, appliedAt);
                return s.executeUpdate();
              }
            });
      } catch (SQLException e) {
        // Another node inserted the row in between (23505 on both databases): update it instead.
        if (!"23505".equals(e.getSQLState()) || !update(digest, appliedAt)) throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot record the applied configuration: " + e.getMessage(), e);
    }
  }

  private boolean update(String digest, Instant appliedAt) throws SQLException {
    return transactions.write(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE applied_configuration SET digest = ?, applied_at = ? WHERE name = ?")) {
                s.setString(1, digest);
                SqlInstants.set(s, 2, appliedAt);
                s.setString(3, REGISTRY);
                return s.executeUpdate();
              }
            })
        > 0;
  }
}
