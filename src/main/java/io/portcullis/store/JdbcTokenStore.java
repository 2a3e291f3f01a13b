package io.portcullis.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code database} token store: the table {@code tokens} (migration V3) on H2 or PostgreSQL,
 * shared by every node on the database and kept across restarts. Only the token's hash is stored.
 *
 * <p>Each method is one statement in a transaction of its own (never joined to a caller's), so that
 * a change is committed before its notice goes out: a revocation or rotation is then published on
 * {@link ChangeNotifier.Channel#TOKEN_REVOKED} (a family on {@link
 * ChangeNotifier.Channel#TOKEN_FAMILY_REVOKED}) for the other nodes' caches. A notice that cannot
 * be sent is logged; the change stands, and other nodes see it when their cached entry ages out.
 *
 * <p>{@link #markRotated} is one conditional {@code UPDATE … WHERE rotated_at IS NULL}: both
 * databases lock the row for the update and re-check the condition after a concurrent update
 * commits, so exactly one caller changes the row. Every method blocks.
 *
 * <p>A bound token's confirmation ({@link TokenRecord#confirmation()}) is kept in the {@code
 * parameters} column, as the member {@value #CONFIRMATION} whose value is an object: parameters are
 * strings, so the two never mix up, and no migration was needed.
 */
public final class JdbcTokenStore implements TokenStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcTokenStore.class);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String COLUMNS =
      "token_hash, kind, authorization_server, client_id, application_name, subject, scopes,"
          + " parameters, issued_at, expires_at, family_id, parent_hash, revoked_at, rotated_at,"
          + " dpop_jkt";
  private static final String INSERT =
      "INSERT INTO tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_ONE =
      "SELECT " + COLUMNS + " FROM tokens WHERE token_hash = ?";
  private static final String SELECT_BY_APPLICATION =
      "SELECT " + COLUMNS + " FROM tokens WHERE application_name = ?";
  private static final String REVOKE =
      "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL";
  private static final String REVOKE_FAMILY =
      "UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";
  private static final String REVOKE_ALL =
      "UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND expires_at > ?";
  private static final String ROTATE =
      "UPDATE tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL";
  // Both databases accept FETCH FIRST in a subquery; DELETE … LIMIT is not portable.
  private static final String PURGE =
      "DELETE FROM tokens WHERE token_hash IN (SELECT token_hash FROM tokens"
          + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY)";
  private static final String COUNTS =
      "SELECT kind,"
          + " SUM(CASE WHEN revoked_at IS NULL AND expires_at > ? AND rotated_at IS NULL"
          + " THEN 1 ELSE 0 END) AS active,"
          + " SUM(CASE WHEN revoked_at IS NULL AND expires_at > ? AND rotated_at IS NOT NULL"
          + " THEN 1 ELSE 0 END) AS rotated,"
          + " SUM(CASE WHEN revoked_at IS NULL AND expires_at <= ? THEN 1 ELSE 0 END) AS expired,"
          + " SUM(CASE WHEN revoked_at IS NOT NULL THEN 1 ELSE 0 END) AS revoked"
          + " FROM tokens GROUP BY kind";
  private static final TypeReference<List<String>> SCOPES = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> PARAMETERS = new TypeReference<>() {};

  /** The member of the {@code parameters} column that holds the confirmation (an object). */
  static final String CONFIRMATION = "cnf";

  private final JdbcTransactions transactions;
  private final ObjectMapper json;
  private final ChangeNotifier notifier;

  /**
   * @param dataSource the pool
   * @param json writes and reads the {@code scopes} and {@code parameters} columns
   * @param notifier where revocations and rotations are announced
   */
  public JdbcTokenStore(DataSource dataSource, ObjectMapper json, ChangeNotifier notifier) {
    // A private instance: no caller's transaction can be joined, so each call commits by itself.
    this.transactions = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.json = Objects.requireNonNull(json, "json");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the statement fails otherwise
   */
  @Override
  public void save(TokenRecord token) {
    Objects.requireNonNull(token, "token");
    String scopes = write(token.scopes());
    String parameters = write(parametersColumn(token));
    try {
      transactions.write(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
              statement.setString(1, token.tokenHash());
              statement.setString(2, token.kind().name());
              statement.setString(3, token.authorizationServer());
              statement.setString(4, token.clientId());
              statement.setString(5, token.applicationName());
              statement.setString(6, token.subject());
              statement.setString(7, scopes);
              statement.setString(8, parameters);
              SqlInstants.set(statement, 9, token.issuedAt());
              SqlInstants.set(statement, 10, token.expiresAt());
              statement.setString(11, token.familyId());
              statement.setString(12, token.parentHash());
              SqlInstants.set(statement, 13, token.revokedAt());
              SqlInstants.set(statement, 14, token.rotatedAt());
              statement.setString(15, token.jkt());
              return statement.executeUpdate();
            }
          });
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new IllegalArgumentException("a token with this hash is stored already");
      }
      throw failure("saving a token of application '" + token.applicationName() + "'", e);
    }
  }

  @Override
  public Optional<TokenRecord> find(String tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    List<TokenRecord> found = select(SELECT_ONE, tokenHash, "reading a token");
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public boolean revoke(String tokenHash, Instant at) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    boolean revoked = update(REVOKE, at, tokenHash, "revoking a token") > 0;
    if (revoked) announce(ChangeNotifier.Channel.TOKEN_REVOKED, tokenHash);
    return revoked;
  }

  @Override
  public int revokeFamily(String familyId, Instant at) {
    Objects.requireNonNull(familyId, "familyId");
    int revoked = update(REVOKE_FAMILY, at, familyId, "revoking token family '" + familyId + "'");
    if (revoked > 0) announce(ChangeNotifier.Channel.TOKEN_FAMILY_REVOKED, familyId);
    return revoked;
  }

  /**
   * Revokes every token not yet revoked nor expired, in one statement: what happens to the database
   * tokens when the node's token store is {@code cache} ({@code TokenStores}), so that they stay
   * refused should the store ever be {@code database} again. No notice is sent: every node empties
   * its token cache when it switches store.
   *
   * @return how many tokens this call revoked
   * @throws StoreException when the statement fails
   */
  public int revokeAll(Instant at) {
    Objects.requireNonNull(at, "at");
    try {
      return transactions.write(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(REVOKE_ALL)) {
              SqlInstants.set(statement, 1, at);
              SqlInstants.set(statement, 2, at);
              return statement.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw failure("revoking every token", e);
    }
  }

  @Override
  public boolean markRotated(String tokenHash, Instant at) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    boolean rotated = update(ROTATE, at, tokenHash, "marking a refresh token used") > 0;
    if (rotated) announce(ChangeNotifier.Channel.TOKEN_REVOKED, tokenHash);
    return rotated;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Sorted in Java: the databases collate text differently, and the order must be the same.
   */
  @Override
  public List<TokenRecord> findByApplication(String applicationName) {
    Objects.requireNonNull(applicationName, "applicationName");
    List<TokenRecord> found =
        new ArrayList<>(
            select(
                SELECT_BY_APPLICATION,
                applicationName,
                "listing the tokens of application '" + applicationName + "'"));
    found.sort(Comparator.comparing(TokenRecord::issuedAt).thenComparing(TokenRecord::tokenHash));
    return List.copyOf(found);
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
      throw failure("purging expired tokens", e);
    }
  }

  @Override
  public Counts counts(Instant now) {
    Objects.requireNonNull(now, "now");
    try {
      return transactions.read(
          connection -> {
            ByState access = ByState.NONE;
            ByState refresh = ByState.NONE;
            try (PreparedStatement statement = connection.prepareStatement(COUNTS)) {
              for (int i = 1; i <= 3; i++) SqlInstants.set(statement, i, now);
              try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                  ByState counts =
                      new ByState(
                          rs.getLong("active"),
                          rs.getLong("rotated"),
                          rs.getLong("expired"),
                          rs.getLong("revoked"));
                  if (TokenRecord.Kind.ACCESS.name().equals(rs.getString("kind"))) {
                    access = counts;
                  } else {
                    refresh = counts;
                  }
                }
              }
            }
            return new Counts(access, refresh);
          });
    } catch (SQLException e) {
      throw failure("counting tokens", e);
    }
  }

  private int update(String sql, Instant at, String key, String what) {
    Objects.requireNonNull(at, "at");
    try {
      return transactions.write(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
              SqlInstants.set(statement, 1, at);
              statement.setString(2, key);
              return statement.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private List<TokenRecord> select(String sql, String key, String what) {
    try {
      return transactions.read(
          connection -> {
            List<TokenRecord> found = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
              statement.setString(1, key);
              try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) found.add(read(rs));
              }
            }
            return found;
          });
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** The parameters and, when the token is bound, its confirmation under {@link #CONFIRMATION}. */
  private static Map<String, Object> parametersColumn(TokenRecord token) {
    Map<String, Object> column = new TreeMap<>(token.parameters());
    if (!token.confirmation().isEmpty()) {
      column.put(CONFIRMATION, new TreeMap<>(token.confirmation()));
    }
    return column;
  }

  private static Map<String, String> parameters(Map<String, Object> column) {
    Map<String, String> parameters = new LinkedHashMap<>();
    column.forEach(
        (name, value) -> {
          if (value instanceof String text) parameters.put(name, text);
        });
    return parameters;
  }

  private static Map<String, String> confirmation(Map<String, Object> column) {
    Map<String, String> confirmation = new LinkedHashMap<>();
    if (column.get(CONFIRMATION) instanceof Map<?, ?> members) {
      members.forEach(
          (name, value) -> {
            if (name instanceof String n && value instanceof String v) confirmation.put(n, v);
          });
    }
    return confirmation;
  }

  private TokenRecord read(ResultSet rs) throws SQLException {
    String kind = rs.getString("kind");
    Map<String, Object> columns = parse(rs.getString("parameters"), PARAMETERS, "parameters");
    return TokenRecord.builder()
        .tokenHash(rs.getString("token_hash"))
        .kind(TokenRecord.Kind.valueOf(kind))
        .authorizationServer(rs.getString("authorization_server"))
        .clientId(rs.getString("client_id"))
        .applicationName(rs.getString("application_name"))
        .subject(rs.getString("subject"))
        .scopes(parse(rs.getString("scopes"), SCOPES, "scopes"))
        .parameters(parameters(columns))
        .issuedAt(SqlInstants.get(rs, "issued_at"))
        .expiresAt(SqlInstants.get(rs, "expires_at"))
        .familyId(rs.getString("family_id"))
        .parentHash(rs.getString("parent_hash"))
        .revokedAt(SqlInstants.get(rs, "revoked_at"))
        .rotatedAt(SqlInstants.get(rs, "rotated_at"))
        .confirmation(confirmation(columns))
        .jkt(rs.getString("dpop_jkt"))
        .build();
  }

  private void announce(ChangeNotifier.Channel channel, String payload) {
    try {
      notifier.publish(channel, payload);
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("channel", channel)
          .addKeyValue("error", e.toString())
          .log(
              "change notice not sent; other nodes see the change when their cache entry ages out");
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("tokens: cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private <T> T parse(String text, TypeReference<T> type, String column) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "tokens: the " + column + " column cannot be read: " + e.getOriginalMessage(), e);
    }
  }

  private static StoreException failure(String what, SQLException e) {
    return new StoreException("tokens: " + what + " failed: " + e.getMessage(), e);
  }
}
