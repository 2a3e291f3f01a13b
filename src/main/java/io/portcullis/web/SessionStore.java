package io.portcullis.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where {@link Sessions} keep their sessions, shared by every node that uses the same store. Every
 * method blocks (a database round trip): {@link Sessions} calls them on worker threads only.
 *
 * <p>A session is known by the hash of its id ({@link Sessions#hash}); the id itself is never
 * stored, so a copy of the store signs nobody in. A method that ends sessions makes every node
 * forget them: it tells the other nodes (after its commit) which sessions ended, and their {@link
 * Sessions} drop them from their caches ({@link Sessions#forget}, {@link Sessions#forgetAll}).
 * Failures are unchecked exceptions; one that means the store cannot be reached at all is marked so
 * that {@link Sessions} can answer "unavailable" at once.
 */
public interface SessionStore {
  /**
   * One stored session.
   *
   * @param idHash the hash of the session id (the cookie's value)
   * @param site which site's session it is ({@code manager}, {@code portal}): a session is only
   *     ever found for its own site
   * @param username who signed in
   * @param role the role shown in the top bar
   * @param canChange whether the user may change anything
   * @param userStamp the user's {@link Sessions.Users#stamp} at sign-in: a change of the user's
   *     password, roles or state changes it and ends the session
   * @param csrfToken the synchronizer token of the session's forms
   * @param created when the session started (absolute expiry)
   * @param lastSeen the last request recorded (idle expiry), at most a minute behind
   * @param expires when the session ends unless a request is recorded before: the earlier of {@code
   *     lastSeen} + idle and {@code created} + absolute
   */
  record Stored(
      String idHash,
      String site,
      String username,
      String role,
      boolean canChange,
      String userStamp,
      String csrfToken,
      Instant created,
      Instant lastSeen,
      Instant expires) {
    @Override
    public String toString() {
      return "Stored[site=" + site + ", username=" + username + ", role=" + role + "]";
    }
  }

  /** One user's sessions on a site, with the stamp they were started with. */
  record Holder(String site, String username, String userStamp) {}

  /**
   * Stores a new session, then ends the same user's oldest sessions on the site beyond {@code
   * maxPerUser}.
   */
  void create(Stored session, int maxPerUser);

  /** The session with this id hash on this site, expired or not; empty when there is none. */
  Optional<Stored> find(String site, String idHash);

  /** Records a request: the new last-seen time and expiry. No-op when the session is gone. */
  void touch(String idHash, Instant lastSeen, Instant expires);

  /** Ends one session (sign-out) on every node. */
  void end(String idHash);

  /** Ends every session of this user on this site started with this stamp, on every node. */
  void endHolder(Holder holder);

  /** The distinct holders of the stored sessions, to check against the users as they are now. */
  List<Holder> holders();

  /** Deletes the sessions that expired before {@code now}; returns how many. */
  int purgeExpired(Instant now);
}
