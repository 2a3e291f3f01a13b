package io.portcullis.registry;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage of one kind of registry entity, keyed by a string. Implementations are blocking
 * (JDBC): call them off the event loop.
 *
 * @param <T> the entity
 */
public interface Repository<T> {
  /** Every entity, ordered by key; empty when there is none. */
  List<T> findAll();

  /** The entity with this key, or empty when there is none. */
  Optional<T> find(String key);

  /** The entity with this key and its version, or empty when there is none. */
  Optional<Versioned<T>> findVersioned(String key);

  /**
   * Inserts the entity, or replaces the one with the same key. The row takes the revision of the
   * enclosing {@link RegistryStore#writeExclusively} as its version, or, outside one, a new
   * revision of its own.
   *
   * @return true when it was inserted, false when it replaced an existing one
   */
  boolean save(T entity);

  /**
   * Deletes the entity with this key.
   *
   * @return true when one was deleted, false when there was none
   */
  boolean delete(String key);
}
