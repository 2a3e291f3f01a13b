package io.portcullis.token.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked gateway JWTs, by {@code jti}: {@link #isRevoked} answers from memory and never blocks;
 * the memory is fed by the durable {@link RevokedJwtRepository}, at start ({@link #load}), by this
 * node's own revocations, and by other nodes' through {@link #refresh} (on a change notice) and
 * {@link #load} (after notices may have been missed).
 *
 * <p>The set is not bounded by size, on purpose: an entry dropped early would make a revoked JWT
 * valid again. It holds one entry per revoked, unexpired JWT, and {@link #purgeExpired} empties it
 * of the expired.
 */
public final class RevokedJwtStore implements Purgeable {
  private final RevokedJwtRepository repository;
  private final Clock clock;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

  public RevokedJwtStore(RevokedJwtRepository repository, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads every unexpired revocation from the repository into memory. Call at start and whenever
   * change notices may have been missed. Blocking.
   */
  public void load() {
    repository.findUnexpired(clock.instant()).forEach(this::remember);
  }

  /**
   * Revokes a JWT on every node: durably first, then in this node's memory. Blocking.
   *
   * @param jti the JWT's {@code jti}
   * @param expiresAt its {@code exp} plus clock skew; the entry is kept until then
   * @throws IllegalArgumentException when the jti is empty or too long
   */
  public void revoke(String jti, Instant expiresAt) {
    Objects.requireNonNull(expiresAt, "expiresAt");
    repository.save(jti, expiresAt);
    remember(jti, expiresAt);
  }

  /**
   * Whether the JWT with this {@code jti} was revoked. Never blocks: a map read.
   *
   * @return false for a null jti (a JWT without {@code jti} cannot have been revoked by it)
   */
  public boolean isRevoked(String jti) {
    return jti != null && revoked.containsKey(jti);
  }

  /**
   * Reads one jti from the repository into memory, after another node announced its revocation.
   * Blocking.
   */
  public void refresh(String jti) {
    repository.find(jti).ifPresent(expiresAt -> remember(jti, expiresAt));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Purges the repository, and the memory of every entry expired at {@code now}.
   */
  @Override
  public int purgeExpired(Instant now, int batchSize) {
    int deleted = repository.purgeExpired(now, batchSize);
    revoked.values().removeIf(until -> !now.isBefore(until));
    return deleted;
  }

  private void remember(String jti, Instant expiresAt) {
    revoked.merge(jti, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
  }
}
