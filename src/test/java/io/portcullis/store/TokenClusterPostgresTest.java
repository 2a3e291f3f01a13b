package io.portcullis.store;

import static io.portcullis.token.store.Tokens.T0;
import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newToken;
import static io.portcullis.token.store.Tokens.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenRecord.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL database, each with its own pool, notifier, data-plane cache and
 * revoked-JWT set, wired as the application wires them. A revocation on one is refused on the other
 * promptly, although the other's cache would keep the token for an hour.
 */
class TokenClusterPostgresTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final CachingTokenStore.Settings LONG_LIVED_CACHE =
      new CachingTokenStore.Settings(1_000, Duration.ofHours(1), Duration.ZERO, 2, 100);

  private final MutableClock clock = new MutableClock(T0.plusSeconds(1));
  private Node a;
  private Node b;

  /** What one process holds. */
  private final class Node implements AutoCloseable {
    final Database database;
    final ChangeNotifier notifier;
    final CachingTokenStore tokens;
    final RevokedJwtStore revokedJwts;
    final TokenRevocationRelay relay;

    Node(String url) {
      database = Database.open(url);
      notifier = ChangeNotifier.open(database);
      tokens =
          new CachingTokenStore(
              new JdbcTokenStore(database.dataSource(), StoreJson.mapper(), notifier),
              clock,
              LONG_LIVED_CACHE);
      revokedJwts =
          new RevokedJwtStore(
              new JdbcRevokedJwtRepository(database.dataSource(), clock, notifier), clock);
      relay = new TokenRevocationRelay(notifier);
      relay.follow(tokens);
      relay.follow(revokedJwts);
      revokedJwts.load();
    }

    Optional<TokenRecord> lookup(String token) throws Exception {
      return tokens
          .lookup(token)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      relay.close();
      tokens.close();
      notifier.close();
      database.close();
    }
  }

  @BeforeEach
  void startNodes() {
    String url = TestDatabases.postgres();
    a = new Node(url);
    b = new Node(url);
  }

  @AfterEach
  void stopNodes() {
    if (a != null) a.close();
    if (b != null) b.close();
  }

  @Test
  void lookupWhenTokenIssuedOnOneNodeThenValidOnTheOther() throws Exception {
    String token = newToken();
    a.tokens.save(access(token, "photo-app"));

    assertThat(b.lookup(token)).isPresent();
  }

  @Test
  void lookupWhenRevokedOnNodeAThenRefusedOnNodeBPromptly() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    a.tokens.save(record);
    assertThat(b.lookup(token)).as("cached on b").isPresent();

    a.tokens.revoke(record.tokenHash(), clock.instant());

    await().atMost(PATIENCE).until(() -> b.lookup(token).isEmpty());
  }

  @Test
  void lookupWhenFamilyRevokedOnNodeAThenEveryTokenOfItRefusedOnNodeB() throws Exception {
    String access = newToken();
    String refresh = newToken();
    a.tokens.save(record(access, Kind.ACCESS, "app", T0, Duration.ofHours(1), "family-1"));
    a.tokens.save(record(refresh, Kind.REFRESH, "app", T0, Duration.ofHours(12), "family-1"));
    assertThat(b.lookup(access)).isPresent();
    assertThat(b.lookup(refresh)).isPresent();

    a.tokens.revokeFamily("family-1", clock.instant());

    await().atMost(PATIENCE).until(() -> b.lookup(access).isEmpty() && b.lookup(refresh).isEmpty());
  }

  @Test
  void isRevokedWhenJwtRevokedOnNodeAThenRefusedOnNodeBPromptly() {
    assertThat(b.revokedJwts.isRevoked("jti-1")).isFalse();

    a.revokedJwts.revoke("jti-1", T0.plus(Duration.ofHours(1)));

    assertThat(a.revokedJwts.isRevoked("jti-1")).isTrue();
    await().atMost(PATIENCE).until(() -> b.revokedJwts.isRevoked("jti-1"));
  }

  @Test
  void lookupWhenNodeBMissedNoticesThenItReReadsEverythingAfterReconnecting() throws Exception {
    String token = newToken();
    TokenRecord record = access(token, "photo-app");
    a.tokens.save(record);
    assertThat(b.lookup(token)).isPresent();
    int pid = ((PostgresChangeNotifier) b.notifier).listenerBackendPid();
    // Revoked behind b's back, as if during a network outage: straight in the table.
    execute(
        a,
        "UPDATE tokens SET revoked_at = CURRENT_TIMESTAMP WHERE token_hash = ?",
        record.tokenHash());
    execute(
        a,
        "INSERT INTO revoked_jwts (jti, expires_at, revoked_at) VALUES (?, CURRENT_TIMESTAMP + INTERVAL '1 hour', CURRENT_TIMESTAMP)",
        "jti-outage");

    execute(a, "SELECT pg_terminate_backend(?)", pid);

    await().atMost(PATIENCE).until(() -> b.lookup(token).isEmpty());
    await().atMost(PATIENCE).until(() -> b.revokedJwts.isRevoked("jti-outage"));
  }

  private static void execute(Node node, String sql, Object parameter) throws SQLException {
    try (Connection connection = node.database.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, parameter);
      statement.execute();
    }
  }
}
