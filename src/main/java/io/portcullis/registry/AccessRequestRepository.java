package io.portcullis.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The stored access requests. Every method blocks (JDBC); every change is written to the audit log
 * ({@code access-requests/<id>}) in its own transaction, with the given actor.
 */
public interface AccessRequestRepository {
  /**
   * Stores a new request.
   *
   * @param request the request; its id is ignored
   * @param actor who made it, for the audit log
   * @return the request with its id
   * @throws IllegalArgumentException when a field is empty or longer than the store keeps
   *     (application 255 characters, api 512, developer, decidedBy and actor 256), naming it
   */
  AccessRequest create(AccessRequest request, String actor);

  /** The request with this id. */
  Optional<AccessRequest> find(long id);

  /**
   * Requests, newest first, at most {@code limit}.
   *
   * @param status only these; null for every status
   * @param application only this application's; null for every application
   */
  List<AccessRequest> list(AccessRequest.Status status, String application, int limit);

  /**
   * Decides a pending request.
   *
   * @param status {@code APPROVED} or {@code REJECTED}
   * @return the decided request; empty when there is no such request or it was not pending (so of
   *     two decisions at once only one is made)
   * @throws IllegalArgumentException when {@code status} is {@code PENDING} or null, or the actor
   *     is empty or longer than 256 characters
   */
  Optional<AccessRequest> decide(long id, AccessRequest.Status status, String actor, Instant at);
}
