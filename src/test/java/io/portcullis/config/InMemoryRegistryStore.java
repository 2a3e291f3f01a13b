package io.portcullis.config;

import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Scope;
import io.portcullis.registry.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** A registry store in maps, so that the control plane can be exercised without a database. */
final class InMemoryRegistryStore implements RegistryStore {
  private final MapRepository<Api> apis = new MapRepository<>(Api::key);
  private final MapRepository<Application> applications = new MapRepository<>(Application::name);
  private final MapRepository<User> users = new MapRepository<>(User::username);
  private final MapRepository<Scope> scopes = new MapRepository<>(Scope::name);
  private final MapRepository<AuthorizationServer> servers =
      new MapRepository<>(AuthorizationServer::alias);

  @Override
  public Repository<Api> apis() {
    return apis;
  }

  @Override
  public Repository<Application> applications() {
    return applications;
  }

  @Override
  public Repository<User> users() {
    return users;
  }

  @Override
  public Repository<Scope> scopes() {
    return scopes;
  }

  @Override
  public Repository<AuthorizationServer> authorizationServers() {
    return servers;
  }

  @Override
  public synchronized void inTransaction(Runnable work) {
    work.run();
  }

  @Override
  public boolean isReachable() {
    return true;
  }

  private static final class MapRepository<T> implements Repository<T> {
    private final TreeMap<String, T> map = new TreeMap<>();
    private final Function<T, String> key;

    MapRepository(Function<T, String> key) {
      this.key = key;
    }

    @Override
    public synchronized List<T> findAll() {
      return new ArrayList<>(map.values());
    }

    @Override
    public synchronized Optional<T> find(String k) {
      return Optional.ofNullable(map.get(k));
    }

    @Override
    public synchronized boolean save(T entity) {
      return map.put(key.apply(entity), entity) == null;
    }

    @Override
    public synchronized boolean delete(String k) {
      return map.remove(k) != null;
    }
  }
}
