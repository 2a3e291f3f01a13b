package io.portcullis.token.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link TokenStore} whose underlying store can be replaced while the node runs: each call goes
 * to the store current when it starts. What the previous store holds is simply no longer seen, so
 * its tokens become unknown (refused), never valid. Thread-safe; blocks as the current store does.
 */
final class SwitchingTokenStore implements TokenStore {
  private volatile TokenStore current;

  SwitchingTokenStore(TokenStore initial) {
    this.current = Objects.requireNonNull(initial, "initial");
  }

  /** The store calls go to now. */
  TokenStore current() {
    return current;
  }

  /** Sends every later call to {@code next}. */
  void switchTo(TokenStore next) {
    current = Objects.requireNonNull(next, "next");
  }

  @Override
  public void save(TokenRecord token) {
    current.save(token);
  }

  @Override
  public Optional<TokenRecord> find(String tokenHash) {
    return current.find(tokenHash);
  }

  @Override
  public boolean revoke(String tokenHash, Instant at) {
    return current.revoke(tokenHash, at);
  }

  @Override
  public int revokeFamily(String familyId, Instant at) {
    return current.revokeFamily(familyId, at);
  }

  @Override
  public boolean markRotated(String tokenHash, Instant at) {
    return current.markRotated(tokenHash, at);
  }

  @Override
  public List<TokenRecord> findByApplication(String applicationName) {
    return current.findByApplication(applicationName);
  }

  @Override
  public int purgeExpired(Instant now, int batchSize) {
    return current.purgeExpired(now, batchSize);
  }

  @Override
  public Counts counts(Instant now) {
    return current.counts(now);
  }
}
