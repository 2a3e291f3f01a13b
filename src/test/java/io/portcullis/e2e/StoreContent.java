package io.portcullis.e2e;

import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Scope;
import io.portcullis.registry.User;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.StoreJson;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the registry store of a stopped node holds, read straight from its embedded database,
 * sorted by key so that two readings compare equal when nothing changed.
 */
record StoreContent(
    List<Api> apis,
    List<Application> applications,
    List<User> users,
    List<Scope> scopes,
    List<AuthorizationServer> authorizationServers) {

  /** Reads the H2 file store that a node with this data directory (and no store URL) uses. */
  static StoreContent read(Path dataDir) {
    try (Database database =
        Database.open("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portcullis"))) {
      RegistryStore store = new JdbcRegistryStore(database.dataSource(), StoreJson.mapper());
      return new StoreContent(
          sorted(store.apis().findAll(), Api::key),
          sorted(store.applications().findAll(), Application::name),
          sorted(store.users().findAll(), User::username),
          sorted(store.scopes().findAll(), Scope::name),
          sorted(store.authorizationServers().findAll(), AuthorizationServer::alias));
    }
  }

  Optional<Api> api(String key) {
    return apis.stream().filter(api -> api.key().equals(key)).findFirst();
  }

  private static <T> List<T> sorted(List<T> items, Function<T, String> key) {
    return items.stream().sorted(Comparator.comparing(key)).toList();
  }
}
