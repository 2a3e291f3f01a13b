package io.portcullis.store;

import io.portcullis.token.store.JtiReplayCache;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The {@link JtiReplayCache} of every node sharing the database: the table {@code used_jtis}
 * (migration V3) with primary key (issuer, jti).
 *
 * <p>A first use is an {@code INSERT}; the primary key lets exactly one of any concurrent inserts
 * succeed, on any node, and the others fail with a unique violation (SQLSTATE 23505 on both
 * databases), which means "used before". A row whose expiry has passed (not yet purged) is taken
 * over by a conditional {@code UPDATE … WHERE expires_at <= now}, which again only one caller can
 * win. Each call commits on its own. Blocking.
 */
public final class JdbcJtiReplayCache implements JtiReplayCache {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String INSERT =
      "INSERT INTO used_jtis (issuer, jti, expires_at) VALUES (?, ?, ?)";
  private static final String REUSE_EXPIRED =
      "UPDATE used_jtis SET expires_at = ? WHERE issuer = ? AND jti = ? AND expires_at <= ?";
  private static final String PURGE =
      "DELETE FROM used_jtis WHERE (issuer, jti) IN (SELECT issuer, jti FROM used_jtis"
          + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY)";

  private final JdbcTransactions transactions;
  private final Clock clock;

  public JdbcJtiReplayCache(DataSource dataSource, Clock clock) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the database fails
   */
  @Override
  public boolean firstUse(String issuer, String jti, Instant expiresAt) {
    JtiReplayCache.checkArguments(issuer, jti, expiresAt);
    try {
      transactions.write(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
              statement.setString(1, issuer);
              statement.setString(2, jti);
              SqlInstants.set(statement, 3, expiresAt);
              return statement.executeUpdate();
            }
          });
      return true;
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw failure(issuer, e);
    }
    try {
      return transactions.write(
              connection -> {
                try (PreparedStatement statement = connection.prepareStatement(REUSE_EXPIRED)) {
                  SqlInstants.set(statement, 1, expiresAt);
                  statement.setString(2, issuer);
                  statement.setString(3, jti);
                  SqlInstants.set(statement, 4, clock.instant());
                  return statement.executeUpdate();
                }
              })
          > 0;
    } catch (SQLException e) {
      throw failure(issuer, e);
    }
  }

  @Override
  public int purgeExpired(Instant now, int batchSize) {
    Objects.requireNonNull(now, "now");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    try {
      return transactions.write(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(PURGE)) {
              SqlInstants.set(statement, 1, now);
              statement.setInt(2, batchSize);
              return statement.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("used_jtis: purging failed: " + e.getMessage(), e);
    }
  }

  private static StoreException failure(String issuer, SQLException e) {
    return new StoreException(
        "used_jtis: recording a jti of issuer '" + issuer + "' failed: " + e.getMessage(), e);
  }
}
