package io.portcullis.store;

import io.portcullis.token.dpop.DpopNonceKeys;
import io.portcullis.token.dpop.DpopNonces;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The DPoP nonce key in the table {@code dpop_nonce_key} (migration V10): one row (id 1), inserted
 * by the first node that asks; the primary key lets one of concurrent inserts win, and every node
 * then reads that row. The key is stored base64url-encoded: like the signing keys' rows, a copy of
 * the database lets its holder make nonces, which alone grants nothing (a nonce only says a proof
 * is fresh; the proof must still be signed by the client's key).
 */
public final class JdbcDpopNonceKeys implements DpopNonceKeys {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String SELECT = "SELECT secret FROM dpop_nonce_key WHERE id = 1";
  private static final String INSERT =
      "INSERT INTO dpop_nonce_key (id, secret, created_at) VALUES (1, ?, ?)";

  private final JdbcTransactions transactions;
  private final SecureRandom random;
  private final Clock clock;

  public JdbcDpopNonceKeys(DataSource dataSource, SecureRandom random, Clock clock) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the database fails
   */
  @Override
  public byte[] loadOrCreate() {
    try {
      byte[] stored = read();
      if (stored != null) return stored;
      byte[] key = new byte[DpopNonces.MIN_KEY_BYTES];
      random.nextBytes(key);
      try {
        transactions.write(
            connection -> {
              try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                statement.setString(1, Base64.getUrlEncoder().withoutPadding().encodeToString(key));
                SqlInstants.set(statement, 2, clock.instant());
                return statement.executeUpdate();
              }
            });
        return key;
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
      }
      return read();
    } catch (SQLException e) {
      throw new StoreException("dpop_nonce_key: reading the key failed: " + e.getMessage(), e);
    }
  }

  private byte[] read() throws SQLException {
    return transactions.read(
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(SELECT);
              ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Base64.getUrlDecoder().decode(rs.getString(1)) : null;
          }
        });
  }
}
