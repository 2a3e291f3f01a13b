package io.portcullis.store;

import io.portcullis.web.SessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manager and portal sessions in the table {@code web_sessions} (migration V14), shared by every
 * node. Every session that ends is announced on {@link ChangeNotifier.Channel#WEB_SESSION_ENDED}
 * (payload its id hash) after the commit, so that every node drops it from its cache. Blocking.
 */
public final class JdbcWebSessions implements SessionStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcWebSessions.class);
  private static final String COLUMNS =
      "id_hash, site, username, role, can_change, user_stamp, csrf_token, created_at,"
          + " last_seen_at, expires_at";
  private static final String INSERT =
      "INSERT INTO web_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_ONE =
      "SELECT " + COLUMNS + " FROM web_sessions WHERE id_hash = ? AND site = ?";
  private static final String SELECT_USER =
      "SELECT id_hash FROM web_sessions WHERE site = ? AND username = ?"
          + " ORDER BY created_at DESC, id_hash";
  private static final String SELECT_HOLDER =
      "SELECT id_hash FROM web_sessions WHERE site = ? AND username = ? AND user_stamp = ?";
  private static final String HOLDERS =
      "SELECT DISTINCT site, username, user_stamp FROM web_sessions";
  private static final String TOUCH =
      "UPDATE web_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?";
  private static final String DELETE = "DELETE FROM web_sessions WHERE id_hash = ?";
  private static final String PURGE = "DELETE FROM web_sessions WHERE expires_at < ?";

  private final JdbcTransactions transactions;
  private final ChangeNotifier notifier;

  /** Sessions in the database behind the pool, announced through the notifier. */
  public JdbcWebSessions(DataSource dataSource, ChangeNotifier notifier) {
    this.transactions = new JdbcTransactions(dataSource);
    this.notifier = Objects.requireNonNull(notifier, "notifier");
  }

  @Override
  public void create(Stored session, int maxPerUser) {
    List<String> ended =
        write(
            connection -> {
              try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, session.idHash());
                insert.setString(2, session.site());
                insert.setString(3, session.username());
                insert.setString(4, session.role());
                insert.setBoolean(5, session.canChange());
                insert.setString(6, session.userStamp());
                insert.setString(7, session.csrfToken());
                SqlInstants.set(insert, 8, session.created());
                SqlInstants.set(insert, 9, session.lastSeen());
                SqlInstants.set(insert, 10, session.expires());
                insert.executeUpdate();
              }
              List<String> all =
                  hashes(connection, SELECT_USER, session.site(), session.username());
              List<String> beyond =
                  all.size() > maxPerUser ? all.subList(maxPerUser, all.size()) : List.of();
              delete(connection, beyond);
              return beyond;
            });
    if (!ended.isEmpty()) {
      LOG.atInfo()
          .addKeyValue("site", session.site())
          .addKeyValue("user", session.username())
          .addKeyValue("ended", ended.size())
          .log("oldest sessions ended: too many sessions for one user");
    }
    announce(ended);
  }

  @Override
  public Optional<Stored> find(String site, String idHash) {
    return read(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
            select.setString(1, idHash);
            select.setString(2, site);
            try (ResultSet rs = select.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void touch(String idHash, Instant lastSeen, Instant expires) {
    write(
        connection -> {
          try (PreparedStatement update = connection.prepareStatement(TOUCH)) {
            SqlInstants.set(update, 1, lastSeen);
            SqlInstants.set(update, 2, expires);
            update.setString(3, idHash);
            return update.executeUpdate();
          }
        });
  }

  @Override
  public void end(String idHash) {
    write(connection -> delete(connection, List.of(idHash)));
    announce(List.of(idHash));
  }

  @Override
  public void endHolder(Holder holder) {
    List<String> ended =
        write(
            connection -> {
              List<String> hashes =
                  hashes(
                      connection,
                      SELECT_HOLDER,
                      holder.site(),
                      holder.username(),
                      holder.userStamp());
              delete(connection, hashes);
              return hashes;
            });
    announce(ended);
  }

  @Override
  public List<Holder> holders() {
    return read(
        connection -> {
          List<Holder> out = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement(HOLDERS);
              ResultSet rs = select.executeQuery()) {
            while (rs.next())
              out.add(new Holder(rs.getString(1), rs.getString(2), rs.getString(3)));
          }
          return out;
        });
  }

  @Override
  public int purgeExpired(Instant now) {
    // Expired sessions are refused by every node already; no notice is needed.
    return write(
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(PURGE)) {
            SqlInstants.set(delete, 1, now);
            return delete.executeUpdate();
          }
        });
  }

  private static List<String> hashes(Connection connection, String sql, String... parameters)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) select.setString(i + 1, parameters[i]);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static int delete(Connection connection, List<String> idHashes) throws SQLException {
    if (idHashes.isEmpty()) return 0;
    try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
      for (String hash : idHashes) {
        delete.setString(1, hash);
        delete.addBatch();
      }
      delete.executeBatch();
    }
    return idHashes.size();
  }

  private static Stored row(ResultSet rs) throws SQLException {
    return new Stored(
        rs.getString("id_hash"),
        rs.getString("site"),
        rs.getString("username"),
        rs.getString("role"),
        rs.getBoolean("can_change"),
        rs.getString("user_stamp"),
        rs.getString("csrf_token"),
        SqlInstants.get(rs, "created_at"),
        SqlInstants.get(rs, "last_seen_at"),
        SqlInstants.get(rs, "expires_at"));
  }

  private void announce(List<String> idHashes) {
    for (String hash : idHashes) {
      try {
        notifier.publish(ChangeNotifier.Channel.WEB_SESSION_ENDED, hash);
      } catch (RuntimeException e) {
        LOG.atWarn()
            .addKeyValue("error", e.toString())
            .log(
                "session end notice not sent; other nodes drop the session when their cache entry"
                    + " ages out");
        return;
      }
    }
  }

  private <R> R write(JdbcTransactions.SqlWork<R> work) {
    try {
      return transactions.write(work);
    } catch (SQLException e) {
      throw new StoreException("web session not written: " + e.getMessage(), e);
    }
  }

  private <R> R read(JdbcTransactions.SqlWork<R> work) {
    try {
      return transactions.read(work);
    } catch (SQLException e) {
      throw new StoreException("web sessions not read: " + e.getMessage(), e);
    }
  }
}
