package io.portcullis.registry;

import java.util.Objects;

/**
 * A stored entity with its version: the registry revision of the write that last changed it. A
 * version changes on every write of the entity and is never reused for the same key, not even after
 * a delete and re-create; the admin API shows it as the entity's {@code ETag}.
 *
 * @param value the entity
 * @param version its version, 1 or more
 */
public record Versioned<T>(T value, long version) {
  public Versioned {
    Objects.requireNonNull(value, "value");
  }
}
