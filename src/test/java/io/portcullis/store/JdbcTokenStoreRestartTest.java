package io.portcullis.store;

import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.token.store.TokenRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database store keeps tokens across a restart: the H2 file is closed and opened again. */
class JdbcTokenStoreRestartTest {
  @TempDir Path directory;

  @Test
  void findWhenDatabaseClosedAndReopenedThenTokensAndTheirStateAreStillThere() {
    String url = TestDatabases.h2File(directory);
    TokenRecord live = access(newToken(), "photo-app");
    TokenRecord revoked = access(newToken(), "photo-app");

    try (Database before = Database.open(url)) {
      JdbcTokenStore store =
          new JdbcTokenStore(before.dataSource(), StoreJson.mapper(), new LocalChangeNotifier());
      store.save(live);
      store.save(revoked);
      store.revoke(revoked.tokenHash(), revoked.issuedAt().plusSeconds(1));
    }

    try (Database after = Database.open(url)) {
      JdbcTokenStore store =
          new JdbcTokenStore(after.dataSource(), StoreJson.mapper(), new LocalChangeNotifier());
      assertThat(store.find(live.tokenHash())).contains(live);
      assertThat(store.find(revoked.tokenHash()).orElseThrow().revokedAt()).isNotNull();
    }
  }
}
