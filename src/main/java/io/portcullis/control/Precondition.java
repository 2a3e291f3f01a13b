package io.portcullis.control;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a write requires of the current version of the entity it changes, as HTTP's {@code
 * If-Match}: nothing ({@link #NONE}: the last writer wins), that it exists ({@link #EXISTS}, {@code
 * If-Match: *}), or that it is at one of the given versions. Checked inside the write's
 * transaction, with the registry's write lock held, so no other writer can slip in between.
 *
 * @param required whether there is a requirement at all
 * @param versions the accepted versions; empty with {@code required} means any existing one
 */
public record Precondition(boolean required, Set<Long> versions) {
  /** No requirement: the write applies to whatever is stored. */
  public static final Precondition NONE = new Precondition(false, Set.of());

  /** The entity must exist, at any version. */
  public static final Precondition EXISTS = new Precondition(true, Set.of());

  public Precondition {
    versions = Set.copyOf(versions);
    if (!required && !versions.isEmpty()) {
      throw new IllegalArgumentException("versions without a requirement");
    }
  }

  /** The entity must be at exactly this version. */
  public static Precondition version(long version) {
    return new Precondition(true, Set.of(version));
  }

  /** The entity must be at one of these versions (at least one). */
  public static Precondition oneOf(Collection<Long> versions) {
    if (versions.isEmpty()) throw new IllegalArgumentException("no version");
    return new Precondition(true, Set.copyOf(versions));
  }

  /**
   * @param current the entity's current version, empty when it does not exist
   * @throws StaleVersionException when the requirement does not hold
   */
  void check(String kind, String key, Optional<Long> current) {
    if (!required) return;
    if (current.isEmpty() || (!versions.isEmpty() && !versions.contains(current.get()))) {
      throw new StaleVersionException(kind, key, new TreeSet<>(versions), current.orElse(null));
    }
  }
}
