package io.portcullis.token.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Durable list of revoked gateway JWTs, by {@code jti}, shared by every node that shares the store.
 * Blocking: call it off the event loop; the data plane asks {@link RevokedJwtStore}.
 */
public interface RevokedJwtRepository extends Purgeable {
  /** The longest {@code jti} kept. */
  int MAX_JTI_LENGTH = 512;

  /**
   * Records the revocation. Idempotent: revoking again keeps the later of the two expiries.
   *
   * @param expiresAt the JWT's {@code exp} plus clock skew: after it the JWT is refused anyway and
   *     the entry may be purged
   * @throws IllegalArgumentException when the jti is empty or longer than {@value #MAX_JTI_LENGTH}
   */
  void save(String jti, Instant expiresAt);

  /**
   * The expiry recorded for a revoked jti.
   *
   * @return empty when the jti is not revoked (or its entry was purged)
   */
  Optional<Instant> find(String jti);

  /**
   * Every revocation that has not expired at {@code now}: jti → expiry.
   *
   * @return an empty map when there is none
   */
  Map<String, Instant> findUnexpired(Instant now);
}
