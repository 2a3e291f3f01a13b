package io.portcullis.app;

import io.portcullis.admin.TokenRoutes;
import io.portcullis.control.NotFoundException;
import io.portcullis.manager.TokenOperations;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStores;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Manager's token operations over the node's token store: the store the admin API's token
 * routes use, through the data plane's cache, revoked with the admin API's own method.
 */
final class ManagerTokens implements TokenOperations {
  private final Supplier<Snapshot> snapshots;
  private final TokenStores tokens;
  private final Clock clock;

  ManagerTokens(Supplier<Snapshot> snapshots, TokenStores tokens, Clock clock) {
    this.snapshots = snapshots;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public Page live(String application, int offset, int limit) {
    List<TokenRecord> live = live(application, clock.instant());
    List<LiveToken> page =
        live.stream().skip(Math.max(0, offset)).limit(limit).map(ManagerTokens::view).toList();
    return new Page(page, live.size());
  }

  @Override
  public LiveToken revoke(String application, String id) {
    Instant now = clock.instant();
    TokenRecord token =
        live(application, now).stream()
            .filter(t -> TokenRoutes.id(t).equals(id))
            .findFirst()
            .orElse(null);
    if (token == null) return null;
    TokenRoutes.revoke(tokens.current(), token, now);
    return view(token);
  }

  /** The application's live tokens, newest first (then by hash, for a stable order). */
  private List<TokenRecord> live(String application, Instant now) {
    if (snapshots.get().application(application).isEmpty()) {
      throw new NotFoundException("application", application);
    }
    return tokens.current().findByApplication(application).stream()
        .filter(t -> t.isActive(now))
        .sorted(
            Comparator.comparing(TokenRecord::issuedAt)
                .reversed()
                .thenComparing(TokenRecord::tokenHash))
        .toList();
  }

  private static LiveToken view(TokenRecord token) {
    return new LiveToken(
        TokenRoutes.id(token),
        token.kind().name().toLowerCase(Locale.ROOT),
        token.subject() == null ? "" : token.subject(),
        token.scopes(),
        token.issuedAt(),
        token.expiresAt());
  }
}
