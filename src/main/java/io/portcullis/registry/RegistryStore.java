package io.portcullis.registry;

/**
 * The registry's durable state: one repository per entity kind. Keys: APIs by {@code name/version},
 * applications by name, users by username, scopes by name, authorization servers by alias.
 */
public interface RegistryStore {
  Repository<Api> apis();

  Repository<Application> applications();

  Repository<User> users();

  Repository<Scope> scopes();

  Repository<AuthorizationServer> authorizationServers();

  /**
   * Runs the work in one transaction: everything it saves or deletes is applied together or not at
   * all.
   *
   * @throws RuntimeException whatever the work threw, after rolling back
   */
  void inTransaction(Runnable work);

  /** Whether the store answers a trivial query right now (readiness). Never throws. */
  boolean isReachable();
}
