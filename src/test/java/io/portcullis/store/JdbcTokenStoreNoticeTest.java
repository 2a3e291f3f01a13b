package io.portcullis.store;

import static io.portcullis.token.store.Tokens.T0;
import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newToken;
import static io.portcullis.token.store.Tokens.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.ChangeNotifier.Channel;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenRecord.Kind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What {@link JdbcTokenStore} announces, so that other nodes' caches follow. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcTokenStoreNoticeTest {
  private static final Instant LATER = T0.plusSeconds(60);

  private Database database;
  private RecordingListener revoked;
  private RecordingListener families;
  private JdbcTokenStore store;

  @BeforeAll
  void openDatabase() {
    database = Database.open(TestDatabases.h2());
  }

  @AfterAll
  void closeDatabase() {
    database.close();
  }

  @BeforeEach
  void listen() {
    LocalChangeNotifier notifier = new LocalChangeNotifier();
    revoked = new RecordingListener();
    families = new RecordingListener();
    notifier.subscribe(Channel.TOKEN_REVOKED, revoked);
    notifier.subscribe(Channel.TOKEN_FAMILY_REVOKED, families);
    store = new JdbcTokenStore(database.dataSource(), StoreJson.mapper(), notifier);
  }

  @Test
  void revokeWhenRevokedThenAnnouncedOnceWithTheHash() {
    TokenRecord token = access(newToken(), "photo-app");
    store.save(token);

    store.revoke(token.tokenHash(), LATER);
    store.revoke(token.tokenHash(), LATER);
    store.revoke("unknown", LATER);

    assertThat(revoked.payloads).containsExactly(token.tokenHash());
  }

  @Test
  void markRotatedWhenRotatedThenAnnouncedAsNoLongerUsable() {
    TokenRecord refresh = record(newToken(), Kind.REFRESH, "app", T0, Duration.ofHours(1), "f");
    store.save(refresh);

    store.markRotated(refresh.tokenHash(), LATER);
    store.markRotated(refresh.tokenHash(), LATER);

    assertThat(revoked.payloads).containsExactly(refresh.tokenHash());
  }

  @Test
  void revokeFamilyWhenSomethingRevokedThenAnnouncedWithTheFamilyOnlyThen() {
    store.save(record(newToken(), Kind.ACCESS, "app", T0, Duration.ofHours(1), "family-7"));

    store.revokeFamily("family-7", LATER);
    store.revokeFamily("family-7", LATER);

    assertThat(families.payloads).containsExactly("family-7");
  }

  @Test
  void saveWhenSavedThenNothingAnnounced() {
    store.save(access(newToken(), "photo-app"));

    assertThat(revoked.payloads).isEmpty();
    assertThat(families.payloads).isEmpty();
  }
}
