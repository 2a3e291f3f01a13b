package io.portcullis.token.store;

import io.portcullis.registry.AuthorizationServer.TokenStoreSettings;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;

/**
 * The token store contract on what the node really uses with {@code tokenStore.type: cache}: {@link
 * TokenStores#current()}, the data plane's cache over the switching store over a memory store.
 */
class TokenStoresCacheContractTest extends TokenStoreContract {
  private final InMemoryTokenStore database = new InMemoryTokenStore();
  private TokenStores stores;

  @Override
  protected TokenStore freshStore() {
    if (stores != null) stores.close();
    stores =
        new TokenStores(
            database,
            database::revokeAll,
            InMemoryTokenStore::new,
            Map.of(),
            java.time.Clock.systemUTC(),
            CachingTokenStore.Settings.DEFAULT,
            TokenPurger.DEFAULT_BATCH_SIZE,
            new TokenStoreSettings("cache", 3600));
    return stores.current();
  }

  @Override
  protected String everythingStored() {
    return List.of("photo-app", "mail-app", "a", "app-0", "app-1", "app-2", "other-app").stream()
        .flatMap(app -> stores.current().findByApplication(app).stream())
        .map(TokenRecord::toString)
        .collect(Collectors.joining("\n"));
  }

  @AfterAll
  void closeStores() {
    if (stores != null) stores.close();
  }
}
