package io.portcullis.store;

import io.portcullis.token.issue.SigningKeyRepository;
import io.portcullis.token.issue.StoredSigningKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's signing keys in the table {@code signing_keys} (migrations V2, V6), on H2 and
 * PostgreSQL alike. The encrypted private JWK is kept as base64 text; timestamps keep microseconds.
 *
 * <p>Writes join the calling thread's {@link JdbcTransactions} transaction when there is one, so
 * that superseding the old key and adding the new one can commit together. Every method blocks:
 * call it off the event loop.
 */
public final class JdbcSigningKeyRepository implements SigningKeyRepository {
  private static final String SELECT_ALL =
      "SELECT kid, algorithm, public_jwk, encrypted_private_jwk, created_at, superseded_at,"
          + " published_until, activated_at FROM signing_keys";
  private static final String UPDATE =
      "UPDATE signing_keys SET algorithm = ?, public_jwk = ?, encrypted_private_jwk = ?,"
          + " created_at = ?, superseded_at = ?, published_until = ?, activated_at = ? WHERE kid = ?";
  private static final String INSERT =
      "INSERT INTO signing_keys (algorithm, public_jwk, encrypted_private_jwk, created_at,"
          + " superseded_at, published_until, activated_at, kid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String DELETE = "DELETE FROM signing_keys WHERE kid = ?";

  private final JdbcTransactions transactions;

  public JdbcSigningKeyRepository(JdbcTransactions transactions) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Oldest first means by {@code created_at}, then by kid for keys made in the same microsecond,
   * sorted in Java: the databases collate text differently, and the order must be the same.
   *
   * @throws StoreException when the query fails or a stored private key is not base64
   */
  @Override
  public List<StoredSigningKey> findAll() {
    try {
      return transactions.read(
          connection -> {
            List<StoredSigningKey> keys = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT_ALL);
                ResultSet rs = statement.executeQuery()) {
              while (rs.next()) keys.add(read(rs));
            }
            keys.sort(
                Comparator.comparing(StoredSigningKey::createdAt)
                    .thenComparing(StoredSigningKey::kid));
            return List.copyOf(keys);
          });
    } catch (SQLException e) {
      throw new StoreException("signing_keys: listing failed: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code UPDATE}, then {@code INSERT} when no row had the kid. Two nodes saving a new kid at
   * the same instant cannot happen: kids are key thumbprints, unique per generated key.
   *
   * @throws StoreException when a statement fails
   */
  @Override
  public void save(StoredSigningKey key) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(key.kid(), "kid");
    try {
      transactions.write(
          connection -> {
            if (write(connection, UPDATE, key) == 0) write(connection, INSERT, key);
            return null;
          });
    } catch (SQLException e) {
      throw new StoreException(
          "signing_keys: saving '" + key.kid() + "' failed: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the statement fails
   */
  @Override
  public boolean delete(String kid) {
    Objects.requireNonNull(kid, "kid");
    try {
      return transactions.write(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(DELETE)) {
              statement.setString(1, kid);
              return statement.executeUpdate() > 0;
            }
          });
    } catch (SQLException e) {
      throw new StoreException("signing_keys: deleting '" + kid + "' failed: " + e.getMessage(), e);
    }
  }

  private static int write(Connection connection, String sql, StoredSigningKey key)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, key.algorithm());
      statement.setString(2, key.publicJwk());
      statement.setString(3, Base64.getEncoder().encodeToString(key.encryptedPrivateJwk()));
      SqlInstants.set(statement, 4, key.createdAt());
      SqlInstants.set(statement, 5, key.supersededAt());
      SqlInstants.set(statement, 6, key.publishedUntil());
      SqlInstants.set(statement, 7, key.activatedAt());
      statement.setString(8, key.kid());
      return statement.executeUpdate();
    }
  }

  private static StoredSigningKey read(ResultSet rs) throws SQLException {
    String kid = rs.getString("kid");
    byte[] encrypted;
    try {
      encrypted = Base64.getDecoder().decode(rs.getString("encrypted_private_jwk"));
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          "signing_keys: encrypted_private_jwk of '" + kid + "' is not base64: " + e.getMessage());
    }
    return new StoredSigningKey(
        kid,
        rs.getString("algorithm"),
        rs.getString("public_jwk"),
        encrypted,
        SqlInstants.get(rs, "created_at"),
        SqlInstants.get(rs, "superseded_at"),
        SqlInstants.get(rs, "published_until"),
        SqlInstants.get(rs, "activated_at"));
  }
}
