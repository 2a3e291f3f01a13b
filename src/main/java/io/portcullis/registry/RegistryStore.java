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

  /** The audit log of registry changes, written in the same transactions as the changes. */
  AuditLog audit();

  /**
   * Runs the work in one transaction: everything it saves or deletes is applied together or not at
   * all.
   *
   * @throws RuntimeException whatever the work threw, after rolling back
   */
  void inTransaction(Runnable work);

  /** Work done as the registry's only writer; see {@link #writeExclusively}. */
  @FunctionalInterface
  interface ExclusiveWork<R> {
    /**
     * @param revision the new registry revision: the version of every entity this work saves
     * @return the result, may be null
     */
    R run(long revision);
  }

  /**
   * Runs the work in one transaction that first takes the registry's write lock, store-wide: the
   * writers of every node sharing the store run one after the other, and what the work reads
   * (inside it, through these repositories) is the latest committed state, which stays so until the
   * transaction ends. Read, check and write in one such work, so that no other writer can change
   * what the check relied on. Nested calls join the outer transaction (and its revision).
   *
   * @return what the work returned
   * @throws RuntimeException whatever the work threw, after rolling back
   */
  <R> R writeExclusively(ExclusiveWork<R> work);

  /** Whether the store answers a trivial query right now (readiness). Never throws. */
  boolean isReachable();
}
