package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RevokedJwtStoreTest {
  private static final Instant EXP = T0.plus(Duration.ofHours(1));

  private final MutableClock clock = new MutableClock(T0);
  private final MapRepository repository = new MapRepository();
  private final RevokedJwtStore store = new RevokedJwtStore(repository, clock);

  @Test
  void isRevokedWhenRevokedHereThenTrueAndStoredDurably() {
    store.revoke("jti-1", EXP);

    assertThat(store.isRevoked("jti-1")).isTrue();
    assertThat(store.isRevoked("jti-2")).isFalse();
    assertThat(repository.rows).containsEntry("jti-1", EXP);
  }

  @Test
  void isRevokedWhenNullJtiThenFalse() {
    assertThat(store.isRevoked(null)).isFalse();
  }

  @Test
  void isRevokedWhenRevokedByAnotherNodeThenFalseUntilRefreshed() {
    repository.save("elsewhere", EXP);

    assertThat(store.isRevoked("elsewhere")).isFalse();
    store.refresh("elsewhere");

    assertThat(store.isRevoked("elsewhere")).isTrue();
  }

  @Test
  void refreshWhenTheRepositoryDoesNotKnowTheJtiThenNotRevoked() {
    store.refresh("unknown");

    assertThat(store.isRevoked("unknown")).isFalse();
  }

  @Test
  void loadWhenRepositoryHasRevocationsThenUnexpiredOnesAreRevoked() {
    repository.save("live", EXP);
    repository.save("expired", T0);

    store.load();

    assertThat(store.isRevoked("live")).isTrue();
    assertThat(store.isRevoked("expired")).isFalse();
  }

  @Test
  void isRevokedWhenAnsweringThenNeverAsksTheRepository() {
    store.revoke("jti-1", EXP);
    int before = repository.reads.get();

    for (int i = 0; i < 100; i++) store.isRevoked("jti-" + i);

    assertThat(repository.reads).hasValue(before);
  }

  @Test
  void purgeExpiredWhenSomeExpiredThenForgottenInMemoryAndRepository() {
    store.revoke("short", T0.plusSeconds(60));
    store.revoke("long", EXP);

    assertThat(store.purgeExpired(T0.plusSeconds(60), 100)).isEqualTo(1);

    assertThat(store.isRevoked("short")).isFalse();
    assertThat(store.isRevoked("long")).isTrue();
    assertThat(repository.rows).containsOnlyKeys("long");
  }

  @Test
  void revokeWhenRepositoryFailsThenNotRevokedInMemoryEither() {
    repository.failure = new IllegalStateException("database down");

    assertThatThrownBy(() -> store.revoke("jti-1", EXP)).hasMessage("database down");

    assertThat(store.isRevoked("jti-1")).isFalse();
  }

  @Test
  void revokeWhenRevokedAgainWithEarlierExpiryThenTheLaterIsKept() {
    store.revoke("jti-1", EXP);
    store.revoke("jti-1", T0.plusSeconds(1));

    store.purgeExpired(T0.plusSeconds(1), 100);

    assertThat(store.isRevoked("jti-1")).isTrue();
  }

  /** The repository contract in a map. */
  private static final class MapRepository implements RevokedJwtRepository {
    final Map<String, Instant> rows = new HashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    volatile RuntimeException failure;

    @Override
    public synchronized void save(String jti, Instant expiresAt) {
      if (failure != null) throw failure;
      rows.merge(jti, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public synchronized Optional<Instant> find(String jti) {
      reads.incrementAndGet();
      return Optional.ofNullable(rows.get(jti));
    }

    @Override
    public synchronized Map<String, Instant> findUnexpired(Instant now) {
      reads.incrementAndGet();
      Map<String, Instant> found = new HashMap<>(rows);
      found.values().removeIf(until -> !now.isBefore(until));
      return found;
    }

    @Override
    public synchronized int purgeExpired(Instant now, int batchSize) {
      int before = rows.size();
      rows.values().removeIf(until -> !now.isBefore(until));
      return before - rows.size();
    }
  }
}
