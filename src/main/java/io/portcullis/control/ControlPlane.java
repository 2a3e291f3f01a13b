package io.portcullis.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Scope;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.registry.User;
import io.portcullis.registry.Versioned;
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
 * <p>Every write validates and writes in one transaction that holds the registry's store-wide write
 * lock ({@link RegistryStore#writeExclusively}): writers on all nodes sharing the store run one
 * after the other, so what a write was checked against is what it changes. Every entity has a
 * version ({@link Versioned}) that writes can require ({@link Precondition}).
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
  private final AuditTrail trail;

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
    this.trail = new AuditTrail(json, java.time.Clock.systemUTC());
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
    List<UserSpec> preparedUsers = content.users().stream().map(this::prepared).toList();
    List<ApplicationSpec> preparedApps =
        content.applications().stream().map(this::prepared).toList();
    exclusive(
        state -> {
          List<Violation> violations = new ArrayList<>();
          List<User> users = new ArrayList<>();
          for (int i = 0; i < content.users().size(); i++) {
            UserSpec spec = content.users().get(i);
            User existing = state.users.get(String.valueOf(spec.username()));
            List<Violation> own = RegistryValidator.checkUser(spec, existing != null);
            int at = i;
            own.forEach(x -> violations.add(x.under("users[" + at + "]")));
            if (own.isEmpty())
              users.add(toUser(preparedUsers.get(i), Optional.ofNullable(existing)));
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
            checkApi(content.apis().get(i))
                .forEach(x -> violations.add(x.under("apis[" + at + "]")));
            RegistryValidator.checkOutbound(content.apis().get(i), outbound)
                .forEach(x -> violations.add(x.under("apis[" + at + "]")));
          }
          List<Application> applications = new ArrayList<>();
          for (int i = 0; i < content.applications().size(); i++) {
            ApplicationSpec spec = content.applications().get(i);
            Application existing = state.applications.get(String.valueOf(spec.name()));
            List<Violation> own =
                RegistryValidator.checkApplication(spec, existing != null, outbound);
            int at = i;
            own.forEach(x -> violations.add(x.under("applications[" + at + "]")));
            if (own.isEmpty()) {
              try {
                applications.add(toApplication(preparedApps.get(i), Optional.ofNullable(existing)));
              } catch (ValidationException e) {
                e.violations().forEach(x -> violations.add(x.under("applications[" + at + "]")));
              }
            }
          }
          if (violations.isEmpty()) {
            users.forEach(u -> state.users.put(u.username(), u));
            content.authorizationServers().forEach(a -> state.servers.put(a.alias(), a));
            content.scopes().forEach(x -> state.scopes.put(x.name(), x));
            content.apis().forEach(a -> state.apis.put(a.key(), a));
            applications.forEach(a -> state.applications.put(a.name(), a));
            violations.addAll(state.references());
          }
          if (!violations.isEmpty()) throw new ValidationException(violations);
          users.forEach(u -> applied(USER, u));
          content.authorizationServers().forEach(a -> applied(SERVER, a));
          content.scopes().forEach(x -> applied(SCOPE, x));
          content.apis().forEach(a -> applied(API, a));
          applications.forEach(a -> applied(APPLICATION, a));
          return null;
        });
  }

  // ---------------------------------------------------------------- reads with versions

  /**
   * The stored API with its version (the admin API's {@code ETag}), read from the store.
   *
   * @throws NotFoundException when there is no such API
   */
  public Versioned<Api> api(String name, String version) {
    return found(API, Api.key(name, version));
  }

  /**
   * The stored application with its version, its secret as a hash only.
   *
   * @throws NotFoundException when there is no such application
   */
  public Versioned<ApplicationSpec> application(String name) {
    Versioned<Application> app = found(APPLICATION, name);
    return new Versioned<>(toSpec(app.value()), app.version());
  }

  /**
   * The stored user with its version, its password as a hash only.
   *
   * @throws NotFoundException when there is no such user
   */
  public Versioned<UserSpec> user(String username) {
    Versioned<User> user = found(USER, username);
    return new Versioned<>(toSpec(user.value()), user.version());
  }

  /**
   * @throws NotFoundException when there is no such scope
   */
  public Versioned<Scope> scope(String name) {
    return found(SCOPE, name);
  }

  /**
   * @throws NotFoundException when there is no such authorization server
   */
  public Versioned<AuthorizationServer> authorizationServer(String alias) {
    return found(SERVER, alias);
  }

  // ---------------------------------------------------------------- writes of one entity
  //
  // Each runs in one transaction holding the registry's store-wide write lock: the checks (the
  // precondition, existence, unique values, references, "keep an enabled admin") and the write see
  // the same state on every node. Creates refuse an existing key (ConflictException EXISTS);
  // puts create or replace; deletes of a missing key throw NotFoundException; a Precondition that
  // does not hold throws StaleVersionException.

  /**
   * @throws ConflictException when the key exists or its base path is another API's
   * @throws ValidationException when the API or its references are invalid
   */
  public Saved<Api> createApi(Api api) {
    return save(API, api, Mode.CREATE, Precondition.NONE);
  }

  /** Creates or replaces an API. */
  public Saved<Api> putApi(Api api, Precondition expected) {
    return save(API, api, Mode.PUT, expected);
  }

  /** Creates or replaces an API. @return true when it was created */
  public boolean saveApi(Api api) {
    return putApi(api, Precondition.NONE).created();
  }

  /**
   * @throws NotFoundException when there is no such API
   */
  public Saved<Api> setApiActive(
      String name, String version, boolean active, Precondition expected) {
    String key = Api.key(name, version);
    return save(
        API, key, existing -> existing.orElseThrow().withActive(active), Mode.REPLACE, expected);
  }

  /**
   * @throws NotFoundException when there is no such API
   */
  public Api setApiActive(String name, String version, boolean active) {
    return setApiActive(name, version, active, Precondition.NONE).value();
  }

  /**
   * @throws NotFoundException when there is no such API
   */
  public void deleteApi(String name, String version, Precondition expected) {
    remove(API, Api.key(name, version), expected);
  }

  /**
   * @return false when there was no such API
   */
  public boolean deleteApi(String name, String version) {
    return removed(() -> deleteApi(name, version, Precondition.NONE));
  }

  /**
   * @throws ConflictException when the name exists or its client id is another application's
   */
  public Saved<ApplicationSpec> createApplication(ApplicationSpec spec) {
    return application(spec, Mode.CREATE, Precondition.NONE);
  }

  /** Creates or replaces an application; a missing secret keeps the stored one. */
  public Saved<ApplicationSpec> putApplication(ApplicationSpec spec, Precondition expected) {
    return application(spec, Mode.PUT, expected);
  }

  /** Creates or replaces an application; a missing secret keeps the stored one. */
  public boolean saveApplication(ApplicationSpec spec) {
    return putApplication(spec, Precondition.NONE).created();
  }

  /**
   * @throws NotFoundException when there is no such application
   * @throws ValidationException when a reference to it remains
   */
  public void deleteApplication(String name, Precondition expected) {
    remove(APPLICATION, name, expected);
  }

  public boolean deleteApplication(String name) {
    return removed(() -> deleteApplication(name, Precondition.NONE));
  }

  /**
   * @throws ConflictException when the username exists
   */
  public Saved<UserSpec> createUser(UserSpec spec) {
    return user(spec, Mode.CREATE, Precondition.NONE);
  }

  /**
   * Creates or replaces a user; a missing password keeps the stored one.
   *
   * @throws ConflictException ({@code LAST_ADMIN}) when no enabled admin would remain
   */
  public Saved<UserSpec> putUser(UserSpec spec, Precondition expected) {
    return user(spec, Mode.PUT, expected);
  }

  /** Creates or replaces a user; a missing password keeps the stored one. */
  public boolean saveUser(UserSpec spec) {
    return putUser(spec, Precondition.NONE).created();
  }

  /**
   * @throws NotFoundException when there is no such user
   * @throws ConflictException ({@code LAST_ADMIN}) when no enabled admin would remain
   * @throws ValidationException when an application still names the user in its {@code users}
   */
  public void deleteUser(String username, Precondition expected) {
    remove(USER, username, expected);
  }

  /**
   * Deletes a user.
   *
   * @throws ValidationException when an application still names the user in its {@code users}
   */
  public boolean deleteUser(String username) {
    return removed(() -> deleteUser(username, Precondition.NONE));
  }

  /**
   * @throws ConflictException when the scope exists
   */
  public Saved<Scope> createScope(Scope scope) {
    return save(SCOPE, scope, Mode.CREATE, Precondition.NONE);
  }

  /**
   * Creates or replaces a scope.
   *
   * @throws StaleVersionException when {@code expected} does not match the stored version
   */
  public Saved<Scope> putScope(Scope scope, Precondition expected) {
    return save(SCOPE, scope, Mode.PUT, expected);
  }

  public boolean saveScope(Scope scope) {
    return save(SCOPE, scope, Mode.PUT, Precondition.NONE).created();
  }

  /**
   * @throws NotFoundException when there is no such scope
   * @throws ValidationException when an API or application still refers to the scope
   */
  public void deleteScope(String name, Precondition expected) {
    remove(SCOPE, name, expected);
  }

  /**
   * @throws ValidationException when an API or application still refers to the scope
   */
  public boolean deleteScope(String name) {
    return removed(() -> deleteScope(name, Precondition.NONE));
  }

  /**
   * @throws ConflictException when the alias exists or its issuer is another server's
   */
  public Saved<AuthorizationServer> createAuthorizationServer(AuthorizationServer server) {
    return save(SERVER, server, Mode.CREATE, Precondition.NONE);
  }

  public Saved<AuthorizationServer> putAuthorizationServer(
      AuthorizationServer server, Precondition expected) {
    return save(SERVER, server, Mode.PUT, expected);
  }

  public boolean saveAuthorizationServer(AuthorizationServer server) {
    return putAuthorizationServer(server, Precondition.NONE).created();
  }

  /**
   * @throws NotFoundException when there is no such server
   * @throws ValidationException when an application still trusts it
   */
  public void deleteAuthorizationServer(String alias, Precondition expected) {
    remove(SERVER, alias, expected);
  }

  /**
   * @throws ValidationException when an application still trusts it
   */
  public boolean deleteAuthorizationServer(String alias) {
    return removed(() -> deleteAuthorizationServer(alias, Precondition.NONE));
  }

  /** The whole registry as content that {@link #apply} accepts, secrets as hashes. */
  public RegistryContent export() {
    List<UserSpec> users = store.users().findAll().stream().map(this::toSpec).toList();
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

  // ---------------------------------------------------------------- the machinery

  /** Longest base path the store keeps (its unique index). */
  static final int MAX_BASE_PATH = 2048;

  private static List<Violation> checkApi(Api api) {
    List<Violation> own = new ArrayList<>(RegistryValidator.checkApi(api));
    if (api.basePath() != null && api.basePath().length() > MAX_BASE_PATH) {
      own.add(
          new Violation(
              "basePath",
              "must be at most " + MAX_BASE_PATH + " characters; was " + api.basePath().length()));
    }
    return own;
  }

  /** How a write treats the entity's current existence. */
  private enum Mode {
    /** It must not exist. */
    CREATE,
    /** Created or replaced. */
    PUT,
    /** It must exist. */
    REPLACE
  }

  /**
   * One kind of entity: its name in messages, repository, key, place in the {@link State}, the
   * unique value other entities of the kind must not share (or null), and its own rules.
   */
  private record Kind<T>(
      String label,
      Function<RegistryStore, Repository<T>> repository,
      Function<T, String> key,
      Function<State, Map<String, T>> inState,
      Function<T, Object> unique,
      String uniqueField,
      Function<T, List<Violation>> rules) {
    Repository<T> in(RegistryStore store) {
      return repository.apply(store);
    }
  }

  private static final Kind<Api> API =
      new Kind<>(
          "API",
          RegistryStore::apis,
          Api::key,
          s -> s.apis,
          Api::basePath,
          "basePath",
          ControlPlane::checkApi);
  private static final Kind<Application> APPLICATION =
      new Kind<>(
          "application",
          RegistryStore::applications,
          Application::name,
          s -> s.applications,
          Application::clientId,
          "clientId",
          a -> List.of());
  private static final Kind<User> USER =
      new Kind<>(
          "user", RegistryStore::users, User::username, s -> s.users, null, null, u -> List.of());
  private static final Kind<Scope> SCOPE =
      new Kind<>(
          "scope",
          RegistryStore::scopes,
          Scope::name,
          s -> s.scopes,
          null,
          null,
          RegistryValidator::checkScope);
  private static final Kind<AuthorizationServer> SERVER =
      new Kind<>(
          "authorization server",
          RegistryStore::authorizationServers,
          AuthorizationServer::alias,
          s -> s.servers,
          AuthorizationServer::issuer,
          "issuer",
          RegistryValidator::checkAuthorizationServer);

  /** The registry as read inside a write's transaction, changed in memory to check the result. */
  private final class State {
    final Map<String, Api> apis = byKey(store.apis().findAll(), Api::key);
    final Map<String, Application> applications =
        byKey(store.applications().findAll(), Application::name);
    final Map<String, Scope> scopes = byKey(store.scopes().findAll(), Scope::name);
    final Map<String, AuthorizationServer> servers =
        byKey(store.authorizationServers().findAll(), AuthorizationServer::alias);
    final Map<String, User> users = byKey(store.users().findAll(), User::username);
    final long revision;

    State(long revision) {
      this.revision = revision;
    }

    List<Violation> references() {
      return RegistryValidator.checkReferences(
          apis.values(), applications.values(), scopes.values(), servers.values(), users.keySet());
    }

    boolean hasEnabledAdmin() {
      return users.values().stream().anyMatch(u -> u.enabled() && u.isAdmin());
    }
  }

  /**
   * Runs the work with the registry's write lock (this node's, then the store's, which every node
   * shares), then publishes the new snapshot and announces the change.
   */
  private <R> R exclusive(Function<State, R> work) {
    synchronized (writeLock) {
      R result = store.writeExclusively(revision -> work.apply(new State(revision)));
      reloadAndAnnounce();
      return result;
    }
  }

  private <T> Versioned<T> found(Kind<T> kind, String key) {
    return kind.in(store)
        .findVersioned(key)
        .orElseThrow(() -> new NotFoundException(kind.label, key));
  }

  private <T> Saved<T> save(Kind<T> kind, T entity, Mode mode, Precondition expected) {
    List<Violation> own = new ArrayList<>(kind.rules.apply(entity));
    own.addAll(RegistryValidator.checkOutbound(entity, outbound));
    if (!own.isEmpty()) throw new ValidationException(own);
    return save(kind, kind.key.apply(entity), existing -> entity, mode, expected);
  }

  /**
   * Writes the entity that {@code build} makes of the current one (empty when there is none), after
   * every check, in one exclusive transaction.
   */
  private <T> Saved<T> save(
      Kind<T> kind, String key, Function<Optional<T>, T> build, Mode mode, Precondition expected) {
    return exclusive(
        state -> {
          Optional<Versioned<T>> current = kind.in(store).findVersioned(key);
          expected.check(kind.label, key, current.map(Versioned::version));
          if (mode == Mode.CREATE && current.isPresent()) {
            throw new ConflictException(
                ConflictException.Reason.EXISTS, "", kind.label + " '" + key + "' already exists");
          }
          if (mode == Mode.REPLACE && current.isEmpty())
            throw new NotFoundException(kind.label, key);
          T entity = build.apply(current.map(Versioned::value));
          boolean hadAdmin = state.hasEnabledAdmin();
          Map<String, T> all = kind.inState.apply(state);
          all.put(key, entity);
          checkUnique(kind, key, entity, all);
          if (hadAdmin && !state.hasEnabledAdmin()) throw lastAdmin(key, "roles");
          List<Violation> refs = state.references();
          if (!refs.isEmpty()) throw new ValidationException(refs);
          kind.in(store).save(entity);
          trail.record(
              store.audit(),
              address(kind, key),
              current.map(Versioned::value).orElse(null),
              entity);
          return new Saved<>(entity, state.revision, current.isEmpty());
        });
  }

  private <T> void remove(Kind<T> kind, String key, Precondition expected) {
    exclusive(
        state -> {
          Optional<Versioned<T>> current = kind.in(store).findVersioned(key);
          expected.check(kind.label, key, current.map(Versioned::version));
          if (current.isEmpty()) throw new NotFoundException(kind.label, key);
          boolean hadAdmin = state.hasEnabledAdmin();
          kind.inState.apply(state).remove(key);
          if (hadAdmin && !state.hasEnabledAdmin()) throw lastAdmin(key, "username");
          List<Violation> refs = state.references();
          if (!refs.isEmpty()) throw new ValidationException(refs);
          kind.in(store).delete(key);
          trail.record(store.audit(), address(kind, key), current.get().value(), null);
          return null;
        });
  }

  /** Saves an entity of the configuration's apply and records it when it changed. */
  private <T> void applied(Kind<T> kind, T entity) {
    String key = kind.key.apply(entity);
    T before = kind.in(store).findVersioned(key).map(Versioned::value).orElse(null);
    kind.in(store).save(entity);
    trail.record(store.audit(), address(kind, key), before, entity);
  }

  /** The entity's address in the admin API, as the audit log names it: {@code apis/photos/v1}. */
  private static String address(Kind<?> kind, String key) {
    String collection =
        switch (kind.label) {
          case "API" -> "apis";
          case "application" -> "applications";
          case "user" -> "users";
          case "scope" -> "scopes";
          default -> "authorization-servers";
        };
    return collection + "/" + key;
  }

  /**
   * The audit log's entries matching the query, newest first (admin API {@code GET /audit}, the
   * Manager's audit page). Reads the store.
   */
  public io.portcullis.registry.AuditLog.Page audit(io.portcullis.registry.AuditLog.Query query) {
    return store.audit().find(query);
  }

  /**
   * Records in the audit log, as the current {@link Actor}, an action on something the registry
   * does not hold (a token revoked in the Manager): {@code entity} is its admin API address, such
   * as {@code applications/photo-app/tokens/Ab3dE}, {@code before} and {@code after} what it was
   * and became (made JSON, secrets masked). Written in its own transaction. Blocking.
   */
  public void recordAction(String action, String entity, Object before, Object after) {
    trail.record(store.audit(), action, entity, before, after);
  }

  /**
   * Deletes at most {@code batchSize} audit entries written before {@code before} (the retention of
   * the audit log, run on the purge schedule). Blocking.
   *
   * @return how many were deleted
   */
  public int purgeAudit(java.time.Instant before, int batchSize) {
    return store.audit().purgeBefore(before, batchSize);
  }

  private static boolean removed(Runnable delete) {
    try {
      delete.run();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static <T> void checkUnique(Kind<T> kind, String key, T entity, Map<String, T> all) {
    if (kind.unique == null) return;
    Object value = kind.unique.apply(entity);
    if (value == null) return;
    for (Map.Entry<String, T> other : all.entrySet()) {
      if (!other.getKey().equals(key) && value.equals(kind.unique.apply(other.getValue()))) {
        throw new ConflictException(
            ConflictException.Reason.TAKEN,
            kind.uniqueField,
            kind.uniqueField
                + " "
                + value
                + " is already used by "
                + kind.label
                + " "
                + other.getKey());
      }
    }
  }

  private static ConflictException lastAdmin(String username, String field) {
    return new ConflictException(
        ConflictException.Reason.LAST_ADMIN,
        field,
        "user '"
            + username
            + "' is the last enabled user with role admin; without one nobody could use the admin"
            + " API. Give another user the role admin first.");
  }

  private Saved<ApplicationSpec> application(
      ApplicationSpec spec, Mode mode, Precondition expected) {
    ApplicationSpec prepared = prepared(spec);
    return fromSpec(
        APPLICATION,
        String.valueOf(spec.name()),
        exists -> RegistryValidator.checkApplication(spec, exists, outbound),
        existing -> toApplication(prepared, existing),
        this::toSpec,
        mode,
        expected);
  }

  private Saved<UserSpec> user(UserSpec spec, Mode mode, Precondition expected) {
    UserSpec prepared = prepared(spec);
    return fromSpec(
        USER,
        String.valueOf(spec.username()),
        exists -> RegistryValidator.checkUser(spec, exists),
        existing -> toUser(prepared, existing),
        this::toSpec,
        mode,
        expected);
  }

  /**
   * A write of an entity given as a spec, whose own rules depend on whether it exists (a password
   * is required to create a user): checked inside the write's transaction.
   */
  private <T, S> Saved<S> fromSpec(
      Kind<T> kind,
      String key,
      Function<Boolean, List<Violation>> rules,
      Function<Optional<T>, T> build,
      Function<T, S> spec,
      Mode mode,
      Precondition expected) {
    Saved<T> saved =
        save(
            kind,
            key,
            existing -> {
              List<Violation> own = rules.apply(existing.isPresent());
              if (!own.isEmpty()) throw new ValidationException(own);
              return build.apply(existing);
            },
            mode,
            expected);
    return new Saved<>(spec.apply(saved.value()), saved.version(), saved.created());
  }

  /**
   * The spec with a clear-text password replaced by its hash, computed before the write's
   * transaction so that the slow hashing does not hold the registry's lock. A password that matches
   * the stored hash keeps that hash (read outside the transaction: at worst a fresh hash is made).
   */
  private UserSpec prepared(UserSpec spec) {
    if (spec.password() == null || spec.passwordHash() != null || spec.username() == null) {
      return spec;
    }
    Optional<User> existing = store.users().find(spec.username());
    String hash =
        existing.isPresent() && hasher.verify(spec.password(), existing.get().passwordHash())
            ? existing.get().passwordHash()
            : hasher.hash(spec.password());
    return new UserSpec(spec.username(), null, hash, spec.enabled(), spec.roles());
  }

  /** As {@link #prepared(UserSpec)}, for the client secret. */
  private ApplicationSpec prepared(ApplicationSpec spec) {
    if (spec.clientSecret() == null || spec.clientSecretHash() != null || spec.name() == null) {
      return spec;
    }
    Optional<Application> existing = store.applications().find(spec.name());
    String hash =
        existing.isPresent()
                && existing.get().clientSecretHash() != null
                && hasher.verify(spec.clientSecret(), existing.get().clientSecretHash())
            ? existing.get().clientSecretHash()
            : hasher.hash(spec.clientSecret());
    return spec.toBuilder().clientSecret(null).clientSecretHash(hash).build();
  }

  private UserSpec toSpec(User u) {
    return new UserSpec(u.username(), null, u.passwordHash(), u.enabled(), u.roles());
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
    return Application.builder()
        .name(spec.name())
        .description(spec.description())
        .clientId(spec.clientId() == null ? spec.name() : spec.clientId())
        .clientSecretHash(hash)
        .authorizationServer(
            spec.authorizationServer() == null
                ? AuthorizationServer.LOCAL
                : spec.authorizationServer())
        .identifiers(spec.identifiers())
        .jwks(jwksText(spec.jwks()))
        .jwksUri(spec.jwksUri())
        .certificates(spec.certificates())
        .scopes(spec.scopes())
        .apis(spec.apis())
        .claims(spec.claims())
        .tokenParameters(spec.tokenParameters())
        .users(spec.users())
        .enabled(spec.enabled() == null || spec.enabled())
        .tlsClientAuth(spec.tlsClientAuth())
        .build();
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
    return ApplicationSpec.builder()
        .name(a.name())
        .description(a.description())
        .clientId(a.clientId())
        .clientSecretHash(a.clientSecretHash())
        .authorizationServer(a.authorizationServer())
        .identifiers(a.identifiers())
        .jwks(jwks)
        .jwksUri(a.jwksUri())
        .certificates(a.certificates())
        .scopes(a.scopes())
        .apis(a.apis())
        .claims(a.claims())
        .tokenParameters(a.tokenParameters())
        .users(a.users())
        .enabled(a.enabled())
        .tlsClientAuth(a.tlsClientAuth())
        .build();
  }

  private static <T> Map<String, T> byKey(Collection<T> items, Function<T, String> key) {
    Map<String, T> map = new LinkedHashMap<>();
    items.forEach(i -> map.put(key.apply(i), i));
    return map;
  }
}
