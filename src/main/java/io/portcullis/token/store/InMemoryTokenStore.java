package io.portcullis.token.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code cache} token store: tokens in this process's memory, bounded in number. Nothing
 * survives a restart, and nothing is shared with other nodes: after a restart every old token is
 * unknown, hence refused (401), never accepted.
 *
 * <p><b>At the bound</b> Caffeine evicts entries to stay within {@code maximumSize}; it picks them
 * by its W-TinyLFU policy (roughly the least recently and least frequently used, which may be a
 * token just issued and never used), not strictly the oldest. An evicted token is unknown from then
 * on: it becomes invalid, never valid, and an evicted refresh token can no longer be exchanged.
 * Size the bound for the number of live tokens (each record takes a few hundred bytes).
 *
 * <p>Lookups by hash are map reads that never block. Operations over all tokens ({@link
 * #revokeFamily}, {@link #findByApplication}, {@link #purgeExpired}, {@link #counts}) scan the map
 * without locking it. Expired tokens stay until {@link #purgeExpired}, as in the database store, so
 * both answer alike.
 */
public final class InMemoryTokenStore implements TokenStore {
  /** The bound when none is configured: about a hundred thousand live tokens, tens of MB. */
  public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

  private final ConcurrentMap<String, TokenRecord> tokens;

  public InMemoryTokenStore() {
    this(DEFAULT_MAXIMUM_SIZE);
  }

  /**
   * @param maximumSize the most tokens kept; see the class comment for what happens beyond
   * @throws IllegalArgumentException when it is below 1
   */
  public InMemoryTokenStore(long maximumSize) {
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize must be at least 1; was " + maximumSize);
    }
    // Eviction runs on the calling thread: no pool thread, and the bound holds when a call returns.
    Cache<String, TokenRecord> cache =
        Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
    this.tokens = cache.asMap();
  }

  /** {@inheritDoc} Never blocks. */
  @Override
  public void save(TokenRecord token) {
    Objects.requireNonNull(token, "token");
    if (tokens.putIfAbsent(token.tokenHash(), token) != null) {
      throw new IllegalArgumentException("a token with this hash is stored already");
    }
  }

  /** {@inheritDoc} Never blocks. */
  @Override
  public Optional<TokenRecord> find(String tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    return Optional.ofNullable(tokens.get(tokenHash));
  }

  @Override
  public boolean revoke(String tokenHash, Instant at) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(at, "at");
    AtomicBoolean changed = new AtomicBoolean();
    tokens.computeIfPresent(
        tokenHash,
        (hash, token) -> {
          if (token.revokedAt() != null) return token;
          changed.set(true);
          return token.revoked(at);
        });
    return changed.get();
  }

  @Override
  public int revokeFamily(String familyId, Instant at) {
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(at, "at");
    int revoked = 0;
    for (TokenRecord token : tokens.values()) {
      if (familyId.equals(token.familyId()) && revoke(token.tokenHash(), at)) revoked++;
    }
    return revoked;
  }

  /**
   * Revokes every token not yet revoked nor expired (as {@code JdbcTokenStore.revokeAll} does).
   *
   * @return how many tokens this call revoked
   */
  public int revokeAll(Instant at) {
    Objects.requireNonNull(at, "at");
    int revoked = 0;
    for (TokenRecord token : tokens.values()) {
      if (!token.isExpired(at) && revoke(token.tokenHash(), at)) revoked++;
    }
    return revoked;
  }

  @Override
  public boolean markRotated(String tokenHash, Instant at) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(at, "at");
    AtomicBoolean changed = new AtomicBoolean();
    // compute runs atomically per key: of concurrent callers exactly one sees rotatedAt == null.
    tokens.computeIfPresent(
        tokenHash,
        (hash, token) -> {
          if (token.rotatedAt() != null) return token;
          changed.set(true);
          return token.rotated(at);
        });
    return changed.get();
  }

  @Override
  public List<TokenRecord> findByApplication(String applicationName) {
    Objects.requireNonNull(applicationName, "applicationName");
    List<TokenRecord> found = new ArrayList<>();
    for (TokenRecord token : tokens.values()) {
      if (applicationName.equals(token.applicationName())) found.add(token);
    }
    found.sort(Comparator.comparing(TokenRecord::issuedAt).thenComparing(TokenRecord::tokenHash));
    return List.copyOf(found);
  }

  @Override
  public int purgeExpired(Instant now, int batchSize) {
    Objects.requireNonNull(now, "now");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    int deleted = 0;
    for (Map.Entry<String, TokenRecord> entry : tokens.entrySet()) {
      if (deleted >= batchSize) break;
      // remove(key, value): a token changed meanwhile (revoked) is still expired next round.
      if (entry.getValue().isExpired(now) && tokens.remove(entry.getKey(), entry.getValue())) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public Counts counts(Instant now) {
    Objects.requireNonNull(now, "now");
    ByState access = ByState.NONE;
    ByState refresh = ByState.NONE;
    for (TokenRecord token : tokens.values()) {
      if (token.kind() == TokenRecord.Kind.ACCESS) {
        access = access.plus(token, now);
      } else {
        refresh = refresh.plus(token, now);
      }
    }
    return new Counts(access, refresh);
  }
}
