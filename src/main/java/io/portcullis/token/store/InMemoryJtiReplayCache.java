package io.portcullis.token.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link JtiReplayCache} for one node, in memory. It is deliberately not bounded by size: an
 * entry dropped early would let its assertion be replayed. Its size is bounded instead by what
 * reaches it (only assertions whose signature verified) and by {@link #purgeExpired}. Never blocks.
 */
public final class InMemoryJtiReplayCache implements JtiReplayCache {
  private record Key(String issuer, String jti) {}

  private final Map<Key, Instant> used = new ConcurrentHashMap<>();
  private final Clock clock;

  public InMemoryJtiReplayCache(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant expiresAt) {
    JtiReplayCache.checkArguments(issuer, jti, expiresAt);
    Instant now = clock.instant();
    AtomicBoolean first = new AtomicBoolean();
    // compute is atomic per key: exactly one concurrent caller finds no live entry.
    used.compute(
        new Key(issuer, jti),
        (key, until) -> {
          if (until != null && now.isBefore(until)) return until;
          first.set(true);
          return expiresAt;
        });
    return first.get();
  }

  @Override
  public int purgeExpired(Instant now, int batchSize) {
    Objects.requireNonNull(now, "now");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; was " + batchSize);
    }
    int deleted = 0;
    for (Map.Entry<Key, Instant> entry : used.entrySet()) {
      if (deleted >= batchSize) break;
      if (!now.isBefore(entry.getValue()) && used.remove(entry.getKey(), entry.getValue())) {
        deleted++;
      }
    }
    return deleted;
  }
}
