package io.portcullis.gateway.identify;

import io.portcullis.registry.IdentificationMethod;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The identifiers this gateway has, by method. An API whose policy names a method missing here
 * refuses every call (see {@link IdentificationPolicy}).
 */
public final class Identifiers {
  private final Map<IdentificationMethod, Identifier> byMethod;
  private final SenderBinding binding;

  private Identifiers(Map<IdentificationMethod, Identifier> byMethod, SenderBinding binding) {
    this.byMethod = byMethod;
    this.binding = binding;
  }

  /** No identifier at all: only APIs that allow anonymous calls can be reached. */
  public static Identifiers none() {
    return new Identifiers(Map.of(), SenderBinding.NONE);
  }

  /**
   * These identifiers, whose callers must also pass {@code binding} (the token's proof of
   * possession and the API's sender constraint).
   */
  public Identifiers withBinding(SenderBinding binding) {
    return new Identifiers(byMethod, Objects.requireNonNull(binding, "binding"));
  }

  /** The check of bound tokens; {@link SenderBinding#NONE} unless {@link #withBinding} set one. */
  public SenderBinding binding() {
    return binding;
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
    return new Identifiers(Map.copyOf(byMethod), SenderBinding.NONE);
  }

  /** The identifier of this method, or empty when this gateway has none. */
  public Optional<Identifier> find(IdentificationMethod method) {
    return Optional.ofNullable(byMethod.get(method));
  }
}
