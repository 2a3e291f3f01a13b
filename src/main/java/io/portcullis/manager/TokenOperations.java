package io.portcullis.manager;

import java.time.Instant;
import java.util.List;

/**
 * An application's live tokens and their revocation, for the application screen; provided by the
 * composition root (so that the Manager needs no token classes). Blocking; called on worker
 * threads.
 */
public interface TokenOperations {
  /**
   * One page of the application's live tokens in the token store, newest first: issued, not
   * expired, not revoked and (refresh tokens) not exchanged yet.
   *
   * @param offset how many live tokens to skip
   * @param limit at most this many on the page
   * @throws io.portcullis.control.NotFoundException when there is no such application
   */
  Page live(String application, int offset, int limit);

  /**
   * Revokes the application's live token with this id, as the admin API's {@code DELETE
   * /applications/{name}/tokens/{id}} does (a refresh token with every token of its grant), on
   * every node.
   *
   * @return the token as it was before, or null when the application has no live token with this id
   *     (revoked meanwhile, expired, or never)
   */
  LiveToken revoke(String application, String id);

  /**
   * A live token as the Manager shows it: never the token, only the admin API's id of it.
   *
   * @param id the first characters of the token's hash, as the admin API names it
   * @param kind {@code access} or {@code refresh}
   * @param subject its subject; empty when it has none (client credentials)
   */
  record LiveToken(
      String id,
      String kind,
      String subject,
      List<String> scopes,
      Instant issuedAt,
      Instant expiresAt) {}

  /**
   * @param total how many live tokens the application has
   */
  record Page(List<LiveToken> items, int total) {}
}
