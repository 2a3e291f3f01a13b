package io.portcullis.config;

import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Scope;
import io.portcullis.registry.User;
import io.portcullis.registry.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** A registry store in maps, so that the control plane can be exercised without a database. */
final class InMemoryRegistryStore implements RegistryStore {
  private final AtomicLong revision = new AtomicLong(1);
  private final ThreadLocal<Long> held = new ThreadLocal<>();
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

  private final java.util.List<io.portcullis.registry.AuditEntry> auditEntries =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public io.portcullis.registry.AuditLog audit() {
    return new io.portcullis.registry.AuditLog() {
      @Override
      public void record(io.portcullis.registry.AuditEntry e) {
        auditEntries.add(
            new io.portcullis.registry.AuditEntry(
                auditEntries.size() + 1L,
                e.time(),
                e.actor(),
                e.action(),
                e.entity(),
                e.before(),
                e.after()));
      }

      @Override
      public int purgeBefore(java.time.Instant before, int batchSize) {
        List<io.portcullis.registry.AuditEntry> old =
            auditEntries.stream().filter(e -> e.time().isBefore(before)).limit(batchSize).toList();
        auditEntries.removeAll(old);
        return old.size();
      }

      @Override
      public Page find(Query q) {
        List<io.portcullis.registry.AuditEntry> all = new java.util.ArrayList<>(auditEntries);
        java.util.Collections.reverse(all);
        return new Page(all.stream().limit(q.limit()).toList(), null);
      }
    };
  }

  @Override
  public synchronized <R> R writeExclusively(ExclusiveWork<R> work) {
    if (held.get() != null) return work.run(held.get());
    held.set(revision.incrementAndGet());
    try {
      return work.run(held.get());
    } finally {
      held.remove();
    }
  }

  private long versionForWrite() {
    Long current = held.get();
    return current != null ? current : revision.incrementAndGet();
  }

  @Override
  public boolean isReachable() {
    return true;
  }

  private final class MapRepository<T> implements Repository<T> {
    private final TreeMap<String, Versioned<T>> map = new TreeMap<>();
    private final Function<T, String> key;

    MapRepository(Function<T, String> key) {
      this.key = key;
    }

    @Override
    public synchronized List<T> findAll() {
      return map.values().stream().map(Versioned::value).toList();
    }

    @Override
    public synchronized Optional<T> find(String k) {
      return findVersioned(k).map(Versioned::value);
    }

    @Override
    public synchronized Optional<Versioned<T>> findVersioned(String k) {
      return Optional.ofNullable(map.get(k));
    }

    @Override
    public synchronized boolean save(T entity) {
      return map.put(key.apply(entity), new Versioned<>(entity, versionForWrite())) == null;
    }

    @Override
    public synchronized boolean delete(String k) {
      return map.remove(k) != null;
    }
  }
}
