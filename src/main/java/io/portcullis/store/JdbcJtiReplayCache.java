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
 * (migration V3) with primary key (issuer, jti), or for DPoP proofs {@code dpop_jtis} (V10) with
 * primary key (jkt, jti).
 *
 * <p>A first use is an {@code INSERT}; the primary key lets exactly one of any concurrent inserts
 * succeed, on any node, and the others fail with a unique violation (SQLSTATE 23505 on both
 * databases), which means "used before". A row whose expiry has passed (not yet purged) is taken
 * over by a conditional {@code UPDATE … WHERE expires_at <= now}, which again only one caller can
 * win. Each call commits on its own. Blocking.
 */
public final class JdbcJtiReplayCache implements JtiReplayCache {
  private static final String UNIQUE_VIOLATION = "23505";

  private final JdbcTransactions transactions;
  private final Clock clock;
  private final String table;
  private final String insert;
  private final String reuseExpired;
  private final String purge;

  /** The JWT assertions' cache: table {@code used_jtis}, keyed by issuer and jti. */
  public JdbcJtiReplayCache(DataSource dataSource, Clock clock) {
    this(dataSource, clock, "used_jtis", "issuer");
  }

  /**
   * The cache of DPoP proofs (RFC 9449 §11.1): table {@code dpop_jtis} (migration V10), keyed by
   * the proof key's thumbprint and jti; the thumbprint takes the issuer's place.
   */
  public static JdbcJtiReplayCache dpop(DataSource dataSource, Clock clock) {
    return new JdbcJtiReplayCache(dataSource, clock, "dpop_jtis", "jkt");
  }

  private JdbcJtiReplayCache(DataSource dataSource, Clock clock, String table, String issuer) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.table = table;
    this.insert = "INSERT INTO " + table + " (" + issuer + ", jti, expires_at) VALUES (?, ?, ?)";
    this.reuseExpired =
        "UPDATE "
            + table
            + " SET expires_at = ? WHERE "
            + issuer
            + " = ? AND jti = ? AND expires_at <= ?";
    this.purge =
        "DELETE FROM "
            + table
            + " WHERE ("
            + issuer
            + ", jti) IN (SELECT "
            + issuer
            + ", jti FROM "
            + table
            + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY)";
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
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
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
                try (PreparedStatement statement = connection.prepareStatement(reuseExpired)) {
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
            try (PreparedStatement statement = connection.prepareStatement(purge)) {
              SqlInstants.set(statement, 1, now);
              statement.setInt(2, batchSize);
              return statement.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException(table + ": purging failed: " + e.getMessage(), e);
    }
  }

  private StoreException failure(String issuer, SQLException e) {
    return new StoreException(
        table + ": recording a jti of '" + issuer + "' failed: " + e.getMessage(), e);
  }
}
