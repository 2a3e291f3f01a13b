package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import io.portcullis.token.store.TokenStoreContract;
import io.portcullis.token.store.Tokens;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token store contract on one fresh database per subclass; tables emptied before each test. */
abstract class JdbcTokenStoreContract extends TokenStoreContract {
  private Database database;
  private JdbcTokenStore store;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabase() {
    database = Database.open(freshDatabaseUrl());
    store =
        new JdbcTokenStore(database.dataSource(), StoreJson.mapper(), new LocalChangeNotifier());
  }

  @AfterAll
  void closeDatabase() {
    if (database != null) database.close();
  }

  @Override
  protected TokenStore freshStore() {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM tokens");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return store;
  }

  @Test
  void saveWhenTokenIsCertificateBoundThenConfirmationAndParametersReadBackApart() {
    freshStore();
    TokenRecord plain = Tokens.access(Tokens.newToken(), "photo-app");
    TokenRecord bound =
        TokenRecord.builder()
            .tokenHash(plain.tokenHash())
            .kind(plain.kind())
            .authorizationServer(plain.authorizationServer())
            .clientId(plain.clientId())
            .applicationName(plain.applicationName())
            .subject(plain.subject())
            .scopes(plain.scopes())
            .parameters(Map.of("Department", "Engineering"))
            .issuedAt(plain.issuedAt())
            .expiresAt(plain.expiresAt())
            .familyId(plain.familyId())
            .build()
            .confirmed(Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"));

    store.save(bound);

    TokenRecord read = store.find(bound.tokenHash()).orElseThrow();
    assertThat(read).isEqualTo(bound);
    assertThat(read.parameters()).containsExactly(Map.entry("Department", "Engineering"));
    assertThat(store.revoke(bound.tokenHash(), Tokens.T0.plusSeconds(1))).isTrue();
    assertThat(store.find(bound.tokenHash()).orElseThrow().confirmation())
        .isEqualTo(bound.confirmation());
  }

  @Test
  void revokeAllWhenActiveExpiredAndRevokedTokensThenOnlyTheActiveOnesAreRevokedAndCounted() {
    freshStore();
    Instant now = Tokens.T0.plusSeconds(60);
    TokenRecord active = Tokens.access(Tokens.newToken(), "photo-app");
    TokenRecord revoked = Tokens.access(Tokens.newToken(), "photo-app");
    TokenRecord expired =
        Tokens.record(
            Tokens.newToken(),
            TokenRecord.Kind.ACCESS,
            "photo-app",
            Tokens.T0.minusSeconds(7200),
            Duration.ofHours(1),
            Tokens.newFamily());
    store.save(active);
    store.save(revoked);
    store.save(expired);
    store.revoke(revoked.tokenHash(), Tokens.T0);

    assertThat(store.revokeAll(now)).isEqualTo(1);

    assertThat(store.find(active.tokenHash()).orElseThrow().revokedAt()).isEqualTo(now);
    assertThat(store.find(revoked.tokenHash()).orElseThrow().revokedAt()).isEqualTo(Tokens.T0);
    assertThat(store.find(expired.tokenHash()).orElseThrow().revokedAt()).isNull();
    assertThat(store.revokeAll(now)).isZero();
  }

  @Override
  protected String everythingStored() {
    StringBuilder text = new StringBuilder();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : List.of("tokens", "used_jtis", "revoked_jwts")) {
        try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              text.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            text.append('\n');
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }
}
