package io.portcullis.token.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where opaque access and refresh tokens live, by the hash of the token ({@link TokenHasher}); the
 * token itself is never stored.
 *
 * <p>Every method may block (a database round trip): call it off the event loop. The data plane
 * reads through {@link CachingTokenStore#lookup}, which does not block. Implementations are
 * thread-safe. Failures of the underlying store are unchecked exceptions (for databases a {@code
 * StoreException}).
 */
public interface TokenStore extends Purgeable {

  /**
   * Stores a new token.
   *
   * @throws IllegalArgumentException when a token with the same hash is stored already (the
   *     existing one is left as it was)
   */
  void save(TokenRecord token);

  /**
   * The token with this hash, whatever its state: revoked, rotated and expired tokens are returned
   * until purged; callers decide with {@link TokenRecord#isActive}.
   *
   * @return empty when no token has this hash
   */
  Optional<TokenRecord> find(String tokenHash);

  /**
   * Revokes one token.
   *
   * @return true when it was revoked by this call; false when there is no such token or it was
   *     revoked already (its first revocation time is kept)
   */
  boolean revoke(String tokenHash, Instant at);

  /**
   * Revokes every token of the family that is not revoked yet: what happens when a rotated refresh
   * token is used again.
   *
   * @return how many tokens this call revoked
   */
  int revokeFamily(String familyId, Instant at);

  /**
   * Revokes every token of the family, including those a concurrent refresh is saving: what every
   * caller outside the store should use. The refresh that rotates a token saves the new tokens,
   * then checks that the token it exchanged is not revoked (else it revokes them itself). One pass
   * of {@link #revokeFamily} can miss the new tokens (a map iterated while they are inserted, an
   * UPDATE whose snapshot predates their commit) and still revoke the exchanged token only after
   * that check. A second pass starts after the first finished, so after the check, so after the new
   * tokens were saved: it sees them.
   *
   * @return how many tokens this call revoked
   */
  default int revokeFamilyFully(String familyId, Instant at) {
    return revokeFamily(familyId, at) + revokeFamily(familyId, at);
  }

  /**
   * Marks a refresh token as exchanged, atomically: of any number of concurrent calls for the same
   * hash, on any node sharing the store, exactly one returns true. A false answer for a token that
   * exists therefore means it was used before: refresh-token reuse.
   *
   * @return true when this call marked it; false when it was marked already or does not exist
   */
  boolean markRotated(String tokenHash, Instant at);

  /**
   * Every stored token issued to the application, in any state, oldest first (then by hash).
   *
   * @return empty when there are none
   */
  List<TokenRecord> findByApplication(String applicationName);

  /**
   * {@inheritDoc}
   *
   * <p>Deletes tokens whose {@link TokenRecord#expiresAt} is at or before {@code now}, revoked or
   * not.
   */
  @Override
  int purgeExpired(Instant now, int batchSize);

  /** How many tokens there are, by kind and state at {@code now}. */
  Counts counts(Instant now);

  /** Stored tokens by kind. */
  record Counts(ByState access, ByState refresh) {
    /** No tokens. */
    public static final Counts NONE = new Counts(ByState.NONE, ByState.NONE);

    /** The counts of one kind. */
    public ByState of(TokenRecord.Kind kind) {
      return kind == TokenRecord.Kind.ACCESS ? access : refresh;
    }
  }

  /**
   * Tokens of one kind by state. Each token is counted once, in the first state that applies:
   * revoked, expired, rotated, active.
   *
   * @param active usable now
   * @param rotated refresh tokens already exchanged, not yet expired
   * @param expired past {@code expiresAt}, not revoked, waiting for the purge
   * @param revoked revoked, whether expired or not
   */
  record ByState(long active, long rotated, long expired, long revoked) {
    public static final ByState NONE = new ByState(0, 0, 0, 0);

    public long total() {
      return active + rotated + expired + revoked;
    }

    /** These counts with one more token in the state that {@code token} is in at {@code now}. */
    public ByState plus(TokenRecord token, Instant now) {
      if (token.revokedAt() != null) return new ByState(active, rotated, expired, revoked + 1);
      if (token.isExpired(now)) return new ByState(active, rotated, expired + 1, revoked);
      if (token.rotatedAt() != null) return new ByState(active, rotated + 1, expired, revoked);
      return new ByState(active + 1, rotated, expired, revoked);
    }
  }
}
