package io.portcullis.gateway.identify;

import io.portcullis.registry.IdentificationMethod;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The identifiers this gateway has, by method. An API whose policy names a method missing here
 * refuses every call (see {@link IdentificationPolicy}).
 */
public final class Identifiers {
  private final Map<IdentificationMethod, Identifier> byMethod;

  private Identifiers(Map<IdentificationMethod, Identifier> byMethod) {
    this.byMethod = byMethod;
  }

  /** No identifier at all: only APIs that allow anonymous calls can be reached. */
  public static Identifiers none() {
    return new Identifiers(Map.of());
  }

  /**
   * These identifiers.
   *
   * @throws IllegalArgumentException when two of them implement the same method
   */
  public static Identifiers of(Collection<? extends Identifier> identifiers) {
    Map<IdentificationMethod, Identifier> byMethod = new EnumMap<>(IdentificationMethod.class);
    for (Identifier identifier : identifiers) {
      Identifier previous = byMethod.put(identifier.method(), identifier);
      if (previous != null) {
        throw new IllegalArgumentException(
            "two identifiers implement "
                + identifier.method()
                + ": "
                + previous.getClass().getName()
                + " and "
                + identifier.getClass().getName());
      }
    }
    return new Identifiers(Map.copyOf(byMethod));
  }

  /** The identifier of this method, or empty when this gateway has none. */
  public Optional<Identifier> find(IdentificationMethod method) {
    return Optional.ofNullable(byMethod.get(method));
  }
}
