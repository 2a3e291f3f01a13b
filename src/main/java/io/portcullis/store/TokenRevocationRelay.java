package io.portcullis.store;

import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.RevokedJwtStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Carries revocations announced by any node (this one included) into this node's in-memory token
 * state: the data plane's {@link CachingTokenStore} forgets revoked tokens and families, the {@link
 * RevokedJwtStore} learns revoked JWTs; when notices may have been missed, the cache is emptied and
 * the revoked JWTs are read again. Close it to stop following.
 */
public final class TokenRevocationRelay implements AutoCloseable {
  private final ChangeNotifier notifier;
  private final List<ChangeNotifier.Subscription> subscriptions = new CopyOnWriteArrayList<>();

  public TokenRevocationRelay(ChangeNotifier notifier) {
    this.notifier = Objects.requireNonNull(notifier, "notifier");
  }

  /** Keeps the cache in step with revocations and rotations made on any node. */
  public void follow(CachingTokenStore tokens) {
    Objects.requireNonNull(tokens, "tokens");
    subscriptions.add(
        notifier.subscribe(
            ChangeNotifier.Channel.TOKEN_REVOKED,
            new ChangeNotifier.Listener() {
              @Override
              public void changed(String tokenHash) {
                tokens.evict(tokenHash);
              }

              @Override
              public void missed() {
                tokens.evictAll();
              }
            }));
    subscriptions.add(
        notifier.subscribe(ChangeNotifier.Channel.TOKEN_FAMILY_REVOKED, tokens::evictFamily));
  }

  /** Keeps the revoked-JWT set in step with revocations made on any node. */
  public void follow(RevokedJwtStore revokedJwts) {
    Objects.requireNonNull(revokedJwts, "revokedJwts");
    subscriptions.add(
        notifier.subscribe(
            ChangeNotifier.Channel.JWT_REVOKED,
            new ChangeNotifier.Listener() {
              @Override
              public void changed(String jti) {
                revokedJwts.refresh(jti);
              }

              @Override
              public void missed() {
                revokedJwts.load();
              }
            }));
  }

  /** Stops following; the notifier itself stays open. */
  @Override
  public void close() {
    subscriptions.forEach(ChangeNotifier.Subscription::close);
    subscriptions.clear();
  }
}
