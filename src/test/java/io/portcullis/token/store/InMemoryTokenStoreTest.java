package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.access;
import static io.portcullis.token.store.Tokens.newToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InMemoryTokenStoreTest extends TokenStoreContract {
  private InMemoryTokenStore current;

  @Override
  protected TokenStore freshStore() {
    current = new InMemoryTokenStore();
    return current;
  }

  @Override
  protected String everythingStored() {
    // Every record of every application the contract uses, with all its fields.
    return List.of("photo-app", "mail-app", "a", "app-0", "app-1", "app-2", "other-app").stream()
        .flatMap(app -> current.findByApplication(app).stream())
        .map(TokenRecord::toString)
        .collect(Collectors.joining("\n"));
  }

  @Test
  void findWhenStoreWasReplacedByANewInstanceThenOldTokensAreUnknown() {
    TokenRecord token = access(newToken(), "photo-app");
    current.save(token);

    InMemoryTokenStore afterRestart = new InMemoryTokenStore();

    assertThat(afterRestart.find(token.tokenHash())).isEmpty();
  }

  @Test
  void saveWhenMoreThanTheBoundThenSizeStaysBoundedAndEvictedTokensAreUnknown() {
    InMemoryTokenStore small = new InMemoryTokenStore(10);
    List<TokenRecord> saved = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      TokenRecord token = access(newToken(), "photo-app");
      saved.add(token);
      small.save(token);
    }

    long found = saved.stream().filter(t -> small.find(t.tokenHash()).isPresent()).count();
    assertThat(found).isBetween(1L, 10L);
    assertThat(small.counts(Tokens.T0).access().total()).isEqualTo(found);
  }

  @Test
  void revokeAllWhenActiveExpiredAndRevokedTokensThenOnlyTheActiveOnesAreRevokedAndCounted() {
    java.time.Instant now = Tokens.T0.plusSeconds(60);
    TokenRecord active = access(newToken(), "photo-app");
    TokenRecord revoked = access(newToken(), "photo-app");
    TokenRecord expired =
        Tokens.record(
            newToken(),
            TokenRecord.Kind.ACCESS,
            "photo-app",
            Tokens.T0.minusSeconds(7200),
            java.time.Duration.ofHours(1),
            Tokens.newFamily());
    current.save(active);
    current.save(revoked);
    current.save(expired);
    current.revoke(revoked.tokenHash(), Tokens.T0);

    assertThat(current.revokeAll(now)).isEqualTo(1);

    assertThat(current.find(active.tokenHash()).orElseThrow().revokedAt()).isEqualTo(now);
    assertThat(current.find(revoked.tokenHash()).orElseThrow().revokedAt()).isEqualTo(Tokens.T0);
    assertThat(current.find(expired.tokenHash()).orElseThrow().revokedAt()).isNull();
  }

  @Test
  void constructorWhenMaximumSizeBelowOneThenIllegalArgumentNamingIt() {
    assertThatThrownBy(() -> new InMemoryTokenStore(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumSize");
  }
}
