package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static io.portcullis.token.store.Tokens.newFamily;
import static io.portcullis.token.store.Tokens.newToken;
import static io.portcullis.token.store.Tokens.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.token.store.TokenRecord.Kind;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The race {@link TokenStore#revokeFamilyFully} closes: a refresh that won the rotation saves its
 * new tokens while a revocation's first pass is under way, too late for that pass to see them.
 */
class RevokeFamilyFullyTest {
  private static final Instant LATER = T0.plusSeconds(60);

  @Test
  void revokeFamilyFullyWhenATokenIsSavedDuringTheFirstPassThenItIsRevokedToo() {
    InMemoryTokenStore memory = new InMemoryTokenStore();
    String family = newFamily();
    TokenRecord exchanged =
        record(newToken(), Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), family);
    TokenRecord savedLate =
        record(newToken(), Kind.ACCESS, "photo-app", T0, Duration.ofHours(1), family);
    memory.save(exchanged);
    AtomicInteger passes = new AtomicInteger();
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
          try {
            Object result = method.invoke(memory, args);
            // The winner's save lands just after the first pass has gone over the family.
            if (method.getName().equals("revokeFamily") && passes.incrementAndGet() == 1) {
              memory.save(savedLate);
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    TokenStore store =
        (TokenStore)
            Proxy.newProxyInstance(
                TokenStore.class.getClassLoader(), new Class<?>[] {TokenStore.class}, handler);

    int revoked = store.revokeFamilyFully(family, LATER);

    assertThat(revoked).isEqualTo(2);
    assertThat(memory.find(savedLate.tokenHash()).orElseThrow().revokedAt()).isEqualTo(LATER);
    assertThat(memory.find(exchanged.tokenHash()).orElseThrow().revokedAt()).isEqualTo(LATER);
  }
}
