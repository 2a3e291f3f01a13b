package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys of an external issuer that signs with shared secrets (HMAC): its configured secrets, as
 * symmetric JWKs without {@code kid} (so that any {@code kid} matches them). There is nothing to
 * fetch: {@link #current()} always answers, {@link #refresh()} answers the same keys, and {@link
 * #flush()} only changes the generation, so that cached verifications are redone. A new set of
 * secrets comes with a new registry snapshot, which replaces this holder.
 */
final class SecretIssuerKeys implements IssuerKeys {
  private final JWKSet keys;
  private final AtomicLong generations;
  private final Clock clock;
  private volatile LoadedKeys loaded;

  /**
   * @param secrets the issuer's secrets, UTF-8 text; their length was checked by the registry
   *     validation
   */
  SecretIssuerKeys(List<String> secrets, AtomicLong generations, Clock clock) {
    List<JWK> jwks = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      jwks.add(new OctetSequenceKey.Builder(secret.getBytes(StandardCharsets.UTF_8)).build());
    }
    this.keys = new JWKSet(jwks);
    this.generations = generations;
    this.clock = clock;
    this.loaded = new LoadedKeys(keys, generations.incrementAndGet(), clock.instant());
  }

  @Override
  public Optional<LoadedKeys> current() {
    return Optional.of(loaded);
  }

  @Override
  public Future<Optional<LoadedKeys>> refresh() {
    return Future.succeededFuture(current());
  }

  @Override
  public void flush() {
    loaded = new LoadedKeys(keys, generations.incrementAndGet(), clock.instant());
  }

  @Override
  public void close() {
    // nothing runs in the background
  }
}
