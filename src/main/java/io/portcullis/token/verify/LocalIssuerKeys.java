package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The internal issuer's keys, read from {@link LocalKeys} on every use: they live in memory at the
 * component that signs, so there is nothing to fetch, cache or refresh here. The generation changes
 * when the supplied keys change (rotation), which is what invalidates cached verifications.
 */
final class LocalIssuerKeys implements IssuerKeys {
  private final LocalKeys localKeys;
  private final AtomicLong generations;
  private final Clock clock;
  private final AtomicReference<Seen> seen = new AtomicReference<>();

  private record Seen(JWKSet supplied, LoadedKeys loaded) {}

  LocalIssuerKeys(LocalKeys localKeys, AtomicLong generations, Clock clock) {
    this.localKeys = localKeys;
    this.generations = generations;
    this.clock = clock;
  }

  @Override
  public Optional<LoadedKeys> current() {
    JWKSet supplied = localKeys.publicKeys();
    if (supplied == null || supplied.isEmpty()) {
      return Optional.empty();
    }
    Seen last = seen.get();
    if (last != null && last.supplied() == supplied) {
      return Optional.of(last.loaded());
    }
    JWKSet publicOnly = supplied.toPublicJWKSet();
    long generation =
        last != null && last.loaded().jwkSet().getKeys().equals(publicOnly.getKeys())
            ? last.loaded().generation()
            : generations.incrementAndGet();
    LoadedKeys loaded = new LoadedKeys(publicOnly, generation, clock.instant());
    // Losing this race only means another thread stored an equivalent view of the same keys.
    seen.compareAndSet(last, new Seen(supplied, loaded));
    return Optional.of(loaded);
  }

  @Override
  public Future<Optional<LoadedKeys>> refresh() {
    return Future.succeededFuture(current());
  }

  @Override
  public void flush() {
    seen.set(null);
  }

  @Override
  public void close() {
    seen.set(null);
  }
}
