package io.portcullis.registry;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An immutable view of the whole registry at one moment: what the data plane reads on every
 * request. The control plane builds a new one after every change and swaps it in atomically.
 */
public final class Snapshot {
  /** The snapshot before anything was loaded: no APIs, nothing else. */
  public static final Snapshot EMPTY =
      new Snapshot(0, List.of(), List.of(), List.of(), List.of(), List.of());

  private final long version;
  private final RouteTable routes;
  private final Map<String, Api> apis;
  private final Map<String, Application> applicationsByName;
  private final Map<String, Application> applicationsByClientId;
  private final Map<String, User> users;
  private final Map<String, Scope> scopes;
  private final Map<String, AuthorizationServer> authorizationServers;
  private final Map<String, AuthorizationServer> authorizationServersByIssuer;

  public Snapshot(
      long version,
      Collection<Api> apis,
      Collection<Application> applications,
      Collection<User> users,
      Collection<Scope> scopes,
      Collection<AuthorizationServer> authorizationServers) {
    this.version = version;
    this.routes = new RouteTable(List.copyOf(apis));
    this.apis = index(apis, Api::key);
    this.applicationsByName = index(applications, Application::name);
    this.applicationsByClientId =
        index(
            applications.stream().filter(a -> a.clientId() != null).toList(),
            Application::clientId);
    this.users = index(users, User::username);
    this.scopes = index(scopes, Scope::name);
    this.authorizationServers = index(authorizationServers, AuthorizationServer::alias);
    this.authorizationServersByIssuer =
        index(
            authorizationServers.stream().filter(s -> s.issuer() != null).toList(),
            AuthorizationServer::issuer);
  }

  private static <T> Map<String, T> index(Collection<T> items, Function<T, String> key) {
    return items.stream()
        .collect(Collectors.toUnmodifiableMap(key, Function.identity(), (a, b) -> a));
  }

  /** Increases with every snapshot the control plane publishes. */
  public long version() {
    return version;
  }

  public RouteTable routes() {
    return routes;
  }

  public Optional<Api> api(String name, String version) {
    return Optional.ofNullable(apis.get(Api.key(name, version)));
  }

  public Collection<Api> apis() {
    return apis.values();
  }

  public Optional<Application> application(String name) {
    return Optional.ofNullable(applicationsByName.get(name));
  }

  public Optional<Application> applicationByClientId(String clientId) {
    return Optional.ofNullable(applicationsByClientId.get(clientId));
  }

  public Collection<Application> applications() {
    return applicationsByName.values();
  }

  public Optional<User> user(String username) {
    return Optional.ofNullable(users.get(username));
  }

  public Collection<User> users() {
    return users.values();
  }

  public boolean hasScope(String name) {
    return scopes.containsKey(name);
  }

  public Collection<Scope> scopes() {
    return scopes.values();
  }

  public Optional<AuthorizationServer> authorizationServer(String alias) {
    return Optional.ofNullable(authorizationServers.get(alias));
  }

  /** The authorization server whose issuer is exactly this {@code iss}, or empty. */
  public Optional<AuthorizationServer> authorizationServerByIssuer(String issuer) {
    return Optional.ofNullable(authorizationServersByIssuer.get(issuer));
  }

  public Collection<AuthorizationServer> authorizationServers() {
    return authorizationServers.values();
  }
}
