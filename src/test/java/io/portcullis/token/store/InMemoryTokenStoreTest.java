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
  void constructorWhenMaximumSizeBelowOneThenIllegalArgumentNamingIt() {
    assertThatThrownBy(() -> new InMemoryTokenStore(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumSize");
  }
}
