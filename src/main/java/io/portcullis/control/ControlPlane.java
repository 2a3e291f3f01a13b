package io.portcullis.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Scope;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.registry.User;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the registry: validates a change against the whole registry, writes it to the
 * store in one transaction, then publishes a new snapshot. Every method blocks (JDBC and password
 * hashing): call it from a worker thread, never from an event loop.
 *
 * <p>Writes are serialised on this node so that validation and write see the same state.
 */
public final class ControlPlane {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

  private final RegistryStore store;
  private final SnapshotHolder snapshots;
  private final PasswordHasher hasher;
  private final ObjectMapper json;
  private final OutboundPolicy outbound;
  private final Object writeLock = new Object();
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private long version;

  public ControlPlane(
      RegistryStore store, SnapshotHolder snapshots, PasswordHasher hasher, ObjectMapper json) {
    this(store, snapshots, hasher, json, OutboundPolicy.DEFAULT);
  }

  /**
   * @param outbound where upstreams, JWKS URIs and certificate files may point (checked when a
   *     change is validated; nothing is fetched then)
   */
  public ControlPlane(
      RegistryStore store,
      SnapshotHolder snapshots,
      PasswordHasher hasher,
      ObjectMapper json,
      OutboundPolicy outbound) {
    this.store = store;
    this.snapshots = snapshots;
    this.hasher = hasher;
    this.json = json;
    this.outbound = outbound;
  }

  /** The snapshot the data plane reads now. */
  public Snapshot snapshot() {
    return snapshots.get();
  }

  /** Reads the whole registry from the store and publishes it as the new snapshot. */
  public Snapshot reload() {
    synchronized (writeLock) {
      Snapshot next =
          new Snapshot(
              ++version,
              store.apis().findAll(),
              store.applications().findAll(),
              store.users().findAll(),
              store.scopes().findAll(),
              store.authorizationServers().findAll());
      snapshots.publish(next);
      LOG.atInfo()
          .addKeyValue("version", next.version())
          .addKeyValue("apis", next.apis().size())
          .addKeyValue("applications", next.applications().size())
          .log("snapshot published");
      return next;
    }
  }

  /**
   * Runs the listener after every change this node writes (not after a {@link #reload()}), for
   * instance to tell other nodes sharing the store to reload.
   */
  public void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  private void reloadAndAnnounce() {
    reload();
    for (Runnable listener : changeListeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.atWarn()
            .setCause(e)
            .log("a change listener failed; other nodes may see the change late");
      }
    }
  }

  /**
   * Upserts every entity of the content, all or nothing. Applying the same content twice leaves the
   * same state: a password or secret that already matches its stored hash keeps that hash.
   *
   * @throws ValidationException with paths in the content's structure; nothing was written
   */
  public void apply(RegistryContent content) {
    synchronized (writeLock) {
      List<Violation> violations = new ArrayList<>();
      List<User> users = new ArrayList<>();
      for (int i = 0; i < content.users().size(); i++) {
        UserSpec spec = content.users().get(i);
        Optional<User> existing = store.users().find(String.valueOf(spec.username()));
        List<Violation> own = RegistryValidator.checkUser(spec, existing.isPresent());
        int at = i;
        own.forEach(x -> violations.add(x.under("users[" + at + "]")));
        if (own.isEmpty()) users.add(toUser(spec, existing));
      }
      for (AuthorizationServer s : content.authorizationServers()) {
        RegistryValidator.checkAuthorizationServer(s, outbound)
            .forEach(x -> violations.add(x.under("authorizationServers." + s.alias())));
      }
      for (int i = 0; i < content.scopes().size(); i++) {
        int at = i;
        RegistryValidator.checkScope(content.scopes().get(i))
            .forEach(x -> violations.add(new Violation("scopes[" + at + "]", x.message())));
      }
      for (int i = 0; i < content.apis().size(); i++) {
        int at = i;
        RegistryValidator.checkApi(content.apis().get(i), outbound)
            .forEach(x -> violations.add(x.under("apis[" + at + "]")));
      }
      List<Application> applications = new ArrayList<>();
      for (int i = 0; i < content.applications().size(); i++) {
        ApplicationSpec spec = content.applications().get(i);
        Optional<Application> existing = store.applications().find(String.valueOf(spec.name()));
        List<Violation> own =
            RegistryValidator.checkApplication(spec, existing.isPresent(), outbound);
        int at = i;
        own.forEach(x -> violations.add(x.under("applications[" + at + "]")));
        if (own.isEmpty()) {
          try {
            applications.add(toApplication(spec, existing));
          } catch (ValidationException e) {
            e.violations().forEach(x -> violations.add(x.under("applications[" + at + "]")));
          }
        }
      }
      if (violations.isEmpty()) {
        violations.addAll(
            RegistryValidator.checkReferences(
                merge(store.apis().findAll(), content.apis(), Api::key),
                merge(store.applications().findAll(), applications, Application::name),
                merge(store.scopes().findAll(), content.scopes(), Scope::name),
                merge(
                    store.authorizationServers().findAll(),
                    content.authorizationServers(),
                    AuthorizationServer::alias),
                merge(store.users().findAll(), users, User::username).stream()
                    .map(User::username)
                    .toList()));
      }
      if (!violations.isEmpty()) throw new ValidationException(violations);
      store.inTransaction(
          () -> {
            users.forEach(store.users()::save);
            content.authorizationServers().forEach(store.authorizationServers()::save);
            content.scopes().forEach(store.scopes()::save);
            content.apis().forEach(store.apis()::save);
            applications.forEach(store.applications()::save);
          });
      reloadAndAnnounce();
    }
  }

  /** Creates or replaces an API. @return true when it was created */
  public boolean saveApi(Api api) {
    return write(
        RegistryValidator.checkApi(api, outbound),
        state -> state.apis.put(api.key(), api),
        () -> store.apis().save(api));
  }

  /**
   * @throws NotFoundException when there is no such API
   */
  public Api setApiActive(String name, String version, boolean active) {
    Api api =
        store
            .apis()
            .find(Api.key(name, version))
            .orElseThrow(() -> new NotFoundException("API", Api.key(name, version)));
    Api changed = api.withActive(active);
    saveApi(changed);
    return changed;
  }

  /**
   * @return false when there was no such API
   */
  public boolean deleteApi(String name, String version) {
    String key = Api.key(name, version);
    return delete(state -> state.apis.remove(key) != null, () -> store.apis().delete(key));
  }

  /** Creates or replaces an application; a missing secret keeps the stored one. */
  public boolean saveApplication(ApplicationSpec spec) {
    synchronized (writeLock) {
      Optional<Application> existing = store.applications().find(String.valueOf(spec.name()));
      List<Violation> own =
          RegistryValidator.checkApplication(spec, existing.isPresent(), outbound);
      if (!own.isEmpty()) throw new ValidationException(own);
      Application app = toApplication(spec, existing);
      return write(
          List.of(),
          state -> state.applications.put(app.name(), app),
          () -> store.applications().save(app));
    }
  }

  public boolean deleteApplication(String name) {
    return delete(
        state -> state.applications.remove(name) != null, () -> store.applications().delete(name));
  }

  /**
   * Creates or replaces a user; a missing password keeps the stored one.
   *
   * @throws ValidationException also when the username is the {@code sub} that identifies an
   *     application
   */
  public boolean saveUser(UserSpec spec) {
    synchronized (writeLock) {
      Optional<User> existing = store.users().find(String.valueOf(spec.username()));
      List<Violation> own = RegistryValidator.checkUser(spec, existing.isPresent());
      if (!own.isEmpty()) throw new ValidationException(own);
      User user = toUser(spec, existing);
      return write(
          List.of(),
          state -> state.users.put(user.username(), user),
          () -> store.users().save(user));
    }
  }

  /**
   * Deletes a user.
   *
   * @throws ValidationException when an application still names the user in its {@code users}
   */
  public boolean deleteUser(String username) {
    return delete(
        state -> state.users.remove(username) != null, () -> store.users().delete(username));
  }

  public boolean saveScope(Scope scope) {
    return write(
        RegistryValidator.checkScope(scope),
        state -> state.scopes.put(scope.name(), scope),
        () -> store.scopes().save(scope));
  }

  /**
   * @throws ValidationException when an API or application still refers to the scope
   */
  public boolean deleteScope(String name) {
    return delete(state -> state.scopes.remove(name) != null, () -> store.scopes().delete(name));
  }

  public boolean saveAuthorizationServer(AuthorizationServer server) {
    return write(
        RegistryValidator.checkAuthorizationServer(server, outbound),
        state -> state.servers.put(server.alias(), server),
        () -> store.authorizationServers().save(server));
  }

  /**
   * @throws ValidationException when an application still trusts it
   */
  public boolean deleteAuthorizationServer(String alias) {
    return delete(
        state -> state.servers.remove(alias) != null,
        () -> store.authorizationServers().delete(alias));
  }

  /** The whole registry as content that {@link #apply} accepts, secrets as hashes. */
  public RegistryContent export() {
    List<UserSpec> users =
        store.users().findAll().stream()
            .map(u -> new UserSpec(u.username(), null, u.passwordHash(), u.enabled(), u.roles()))
            .toList();
    List<ApplicationSpec> apps = store.applications().findAll().stream().map(this::toSpec).toList();
    return new RegistryContent(
        users,
        store.authorizationServers().findAll(),
        store.scopes().findAll(),
        store.apis().findAll(),
        apps);
  }

  /** Whether the store answers now (readiness). */
  public boolean isStoreReachable() {
    return store.isReachable();
  }

  private final class State {
    final Map<String, Api> apis = byKey(store.apis().findAll(), Api::key);
    final Map<String, Application> applications =
        byKey(store.applications().findAll(), Application::name);
    final Map<String, Scope> scopes = byKey(store.scopes().findAll(), Scope::name);
    final Map<String, AuthorizationServer> servers =
        byKey(store.authorizationServers().findAll(), AuthorizationServer::alias);
    final Map<String, User> users = byKey(store.users().findAll(), User::username);

    List<Violation> references() {
      return RegistryValidator.checkReferences(
          apis.values(), applications.values(), scopes.values(), servers.values(), users.keySet());
    }
  }

  private interface Change {
    void applyTo(State state);
  }

  private interface Write {
    boolean run();
  }

  private boolean write(List<Violation> own, Change change, Write write) {
    if (!own.isEmpty()) throw new ValidationException(own);
    synchronized (writeLock) {
      State state = new State();
      change.applyTo(state);
      List<Violation> refs = state.references();
      if (!refs.isEmpty()) throw new ValidationException(refs);
      boolean created = write.run();
      reloadAndAnnounce();
      return created;
    }
  }

  private boolean delete(java.util.function.Predicate<State> change, Write write) {
    synchronized (writeLock) {
      State state = new State();
      if (!change.test(state)) return false;
      List<Violation> refs = state.references();
      if (!refs.isEmpty()) throw new ValidationException(refs);
      boolean deleted = write.run();
      reloadAndAnnounce();
      return deleted;
    }
  }

  private User toUser(UserSpec spec, Optional<User> existing) {
    String hash;
    if (spec.passwordHash() != null) {
      hash = spec.passwordHash();
    } else if (spec.password() == null) {
      hash = existing.orElseThrow().passwordHash();
    } else if (existing.isPresent()
        && hasher.verify(spec.password(), existing.get().passwordHash())) {
      hash = existing.get().passwordHash();
    } else {
      hash = hasher.hash(spec.password());
    }
    return new User(spec.username(), hash, spec.enabled() == null || spec.enabled(), spec.roles());
  }

  private Application toApplication(ApplicationSpec spec, Optional<Application> existing) {
    String hash;
    if (spec.clientSecretHash() != null) {
      hash = spec.clientSecretHash();
    } else if (spec.clientSecret() == null) {
      hash = existing.map(Application::clientSecretHash).orElse(null);
    } else if (existing.isPresent()
        && existing.get().clientSecretHash() != null
        && hasher.verify(spec.clientSecret(), existing.get().clientSecretHash())) {
      hash = existing.get().clientSecretHash();
    } else {
      hash = hasher.hash(spec.clientSecret());
    }
    return new Application(
        spec.name(),
        spec.description(),
        spec.clientId() == null ? spec.name() : spec.clientId(),
        hash,
        spec.authorizationServer() == null ? AuthorizationServer.LOCAL : spec.authorizationServer(),
        spec.identifiers(),
        jwksText(spec.jwks()),
        spec.jwksUri(),
        spec.certificates(),
        spec.scopes(),
        spec.apis(),
        spec.claims(),
        spec.tokenParameters(),
        spec.users(),
        spec.enabled() == null || spec.enabled());
  }

  private String jwksText(Object jwks) {
    if (jwks == null) return null;
    try {
      Object tree = jwks instanceof String text ? json.readTree(text) : json.valueToTree(jwks);
      return json.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new ValidationException(
          "jwks", "expected a JWK set as JSON: " + e.getOriginalMessage());
    }
  }

  private ApplicationSpec toSpec(Application a) {
    Object jwks = null;
    if (a.jwks() != null) {
      try {
        jwks = json.readValue(a.jwks(), Object.class);
      } catch (JsonProcessingException e) {
        jwks = a.jwks();
      }
    }
    return new ApplicationSpec(
        a.name(),
        a.description(),
        a.clientId(),
        null,
        a.clientSecretHash(),
        a.authorizationServer(),
        a.identifiers(),
        jwks,
        a.jwksUri(),
        a.certificates(),
        a.scopes(),
        a.apis(),
        a.claims(),
        a.tokenParameters(),
        a.users(),
        a.enabled());
  }

  private static <T> Map<String, T> byKey(Collection<T> items, Function<T, String> key) {
    Map<String, T> map = new LinkedHashMap<>();
    items.forEach(i -> map.put(key.apply(i), i));
    return map;
  }

  private static <T> Collection<T> merge(
      Collection<T> stored, Collection<T> incoming, Function<T, String> key) {
    Map<String, T> map = byKey(stored, key);
    incoming.forEach(i -> map.put(key.apply(i), i));
    return map.values();
  }
}
