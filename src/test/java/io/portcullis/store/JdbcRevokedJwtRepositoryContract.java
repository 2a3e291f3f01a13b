package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.ChangeNotifier.Channel;
import io.portcullis.testing.MutableClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcRevokedJwtRepositoryContract {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant EXP = T0.plusSeconds(3600);

  private Database database;
  private LocalChangeNotifier notifier;
  private RecordingListener notices;
  private JdbcRevokedJwtRepository repository;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabase() {
    database = Database.open(freshDatabaseUrl());
  }

  @AfterAll
  void closeDatabase() {
    database.close();
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM revoked_jwts");
    }
    notifier = new LocalChangeNotifier();
    notices = new RecordingListener();
    notifier.subscribe(Channel.JWT_REVOKED, notices);
    repository =
        new JdbcRevokedJwtRepository(database.dataSource(), new MutableClock(T0), notifier);
  }

  @Test
  void saveWhenNewThenFoundAndAnnounced() {
    repository.save("jti-1", EXP);

    assertThat(repository.find("jti-1")).contains(EXP);
    assertThat(repository.find("jti-2")).isEmpty();
    assertThat(notices.payloads).containsExactly("jti-1");
  }

  @Test
  void saveWhenRevokedAgainThenTheLaterExpiryIsKept() {
    repository.save("jti-1", EXP);
    repository.save("jti-1", T0.plusSeconds(1));
    assertThat(repository.find("jti-1")).contains(EXP);

    repository.save("jti-1", EXP.plusSeconds(1));
    assertThat(repository.find("jti-1")).contains(EXP.plusSeconds(1));
  }

  @Test
  void findUnexpiredWhenMixedThenOnlyThoseStillValid() {
    repository.save("live", EXP);
    repository.save("ending", T0.plusSeconds(10));

    assertThat(repository.findUnexpired(T0.plusSeconds(10))).containsOnlyKeys("live");
    assertThat(repository.findUnexpired(T0)).containsOnlyKeys("live", "ending");
  }

  @Test
  void purgeExpiredWhenMoreThanABatchThenBatchesAndLiveRowsStay() {
    for (int i = 0; i < 7; i++) repository.save("old-" + i, T0.plusSeconds(10));
    repository.save("live", EXP);

    assertThat(repository.purgeExpired(T0.plusSeconds(10), 4)).isEqualTo(4);
    assertThat(repository.purgeExpired(T0.plusSeconds(10), 4)).isEqualTo(3);
    assertThat(repository.purgeExpired(T0.plusSeconds(10), 4)).isZero();
    assertThat(repository.findUnexpired(T0)).containsOnlyKeys("live");
  }

  @Test
  void saveWhenJtiEmptyOrTooLongThenIllegalArgumentNamingIt() {
    assertThatThrownBy(() -> repository.save("", EXP)).hasMessageContaining("jti");
    assertThatThrownBy(() -> repository.save("j".repeat(513), EXP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512");
  }

  @Test
  void saveWhenTheNoticeCannotBeSentThenTheRevocationStands() {
    JdbcRevokedJwtRepository failing =
        new JdbcRevokedJwtRepository(
            database.dataSource(),
            new MutableClock(T0),
            new ChangeNotifier() {
              @Override
              public void publish(Channel channel, String payload) {
                throw new StoreException("notify failed");
              }

              @Override
              public Subscription subscribe(Channel channel, Listener listener) {
                return () -> {};
              }

              @Override
              public void close() {}
            });

    failing.save("jti-1", EXP);

    assertThat(repository.find("jti-1")).contains(EXP);
  }
}
