package io.portcullis.store;

import io.portcullis.token.store.RevokedJwtRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revoked gateway JWTs in the table {@code revoked_jwts} (migration V3). Each revocation commits on
 * its own, then is announced on {@link ChangeNotifier.Channel#JWT_REVOKED} with the jti as payload,
 * so that the other nodes' {@code RevokedJwtStore} read it at once. Blocking.
 */
public final class JdbcRevokedJwtRepository implements RevokedJwtRepository {
  private static final Logger log = LoggerFactory.getLogger(JdbcRevokedJwtRepository.class);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String INSERT =
      "INSERT INTO revoked_jwts (jti, expires_at, revoked_at) VALUES (?, ?, ?)";
  private static final String EXTEND =
      "UPDATE revoked_jwts SET expires_at = ? WHERE jti = ? AND expires_at < ?";
  private static final String SELECT_ONE = "SELECT expires_at FROM revoked_jwts WHERE jti = ?";
  private static final String SELECT_UNEXPIRED =
      "SELECT jti, expires_at FROM revoked_jwts WHERE expires_at > ?";
  private static final String PURGE =
      "DELETE FROM revoked_jwts WHERE jti IN (SELECT jti FROM revoked_jwts"
          + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY)";

  private final JdbcTransactions transactions;
  private final Clock clock;
  private final ChangeNotifier notifier;

  public JdbcRevokedJwtRepository(DataSource dataSource, Clock clock, ChangeNotifier notifier) {
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the database fails
   */
  @Override
  public void save(String jti, Instant expiresAt) {
    checkJti(jti);
    Objects.requireNonNull(expiresAt, "expiresAt");
    try {
      try {
        transactions.write(
            connection -> {
              try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                statement.setString(1, jti);
                SqlInstants.set(statement, 2, expiresAt);
                SqlInstants.set(statement, 3, clock.instant());
                return statement.executeUpdate();
              }
            });
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
        // Revoked before (perhaps concurrently): keep the later expiry.
        transactions.write(
            connection -> {
              try (PreparedStatement statement = connection.prepareStatement(EXTEND)) {
                SqlInstants.set(statement, 1, expiresAt);
                statement.setString(2, jti);
                SqlInstants.set(statement, 3, expiresAt);
                return statement.executeUpdate();
              }
            });
      }
    } catch (SQLException e) {
      throw new StoreException(
          "revoked_jwts: revoking jti '" + jti + "' failed: " + e.getMessage(), e);
    }
    try {
      notifier.publish(ChangeNotifier.Channel.JWT_REVOKED, jti);
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("jti", jti)
          .addKeyValue("error", e.toString())
          .log("change notice not sent; other nodes see the revocation after a resync");
    }
  }

  @Override
  public Optional<Instant> find(String jti) {
    Objects.requireNonNull(jti, "jti");
    try {
      return transactions.read(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(SELECT_ONE)) {
              statement.setString(1, jti);
              try (ResultSet rs = statement.executeQuery()) {
                return rs.next()
                    ? Optional.of(SqlInstants.get(rs, "expires_at"))
                    : Optional.<Instant>empty();
              }
            }
          });
    } catch (SQLException e) {
      throw new StoreException(
          "revoked_jwts: reading jti '" + jti + "' failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Instant> findUnexpired(Instant now) {
    Objects.requireNonNull(now, "now");
    try {
      return transactions.read(
          connection -> {
            Map<String, Instant> found = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT_UNEXPIRED)) {
              SqlInstants.set(statement, 1, now);
              try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) found.put(rs.getString("jti"), SqlInstants.get(rs, "expires_at"));
              }
            }
            return Map.copyOf(found);
          });
    } catch (SQLException e) {
      throw new StoreException("revoked_jwts: listing failed: " + e.getMessage(), e);
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
      throw new StoreException("revoked_jwts: purging failed: " + e.getMessage(), e);
    }
  }

  private static void checkJti(String jti) {
    if (jti == null || jti.isEmpty()) throw new IllegalArgumentException("jti must not be empty");
    if (jti.length() > MAX_JTI_LENGTH) {
      throw new IllegalArgumentException(
          "jti must be at most " + MAX_JTI_LENGTH + " characters; was " + jti.length());
    }
  }
}
