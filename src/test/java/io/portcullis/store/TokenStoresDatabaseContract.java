package io.portcullis.store;

import io.portcullis.registry.AuthorizationServer.TokenStoreSettings;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.TokenPurger;
import io.portcullis.token.store.TokenStore;
import io.portcullis.token.store.TokenStores;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The token store contract on what the node really uses with {@code tokenStore.type: database}:
 * {@link TokenStores#current()}, the data plane's cache over the switching store over {@link
 * JdbcTokenStore}, on one fresh database per subclass.
 */
abstract class TokenStoresDatabaseContract extends JdbcTokenStoreContract {
  private TokenStores stores;

  @Override
  protected TokenStore freshStore() {
    JdbcTokenStore jdbc = (JdbcTokenStore) super.freshStore();
    if (stores == null) {
      stores =
          new TokenStores(
              jdbc,
              jdbc::revokeAll,
              InMemoryTokenStore::new,
              Map.of(),
              Clock.systemUTC(),
              CachingTokenStore.Settings.DEFAULT,
              TokenPurger.DEFAULT_BATCH_SIZE,
              new TokenStoreSettings("database", 3600));
    }
    return stores.current();
  }

  @AfterAll
  void closeStores() {
    if (stores != null) stores.close();
  }
}
