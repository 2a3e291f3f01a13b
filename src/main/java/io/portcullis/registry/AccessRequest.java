package io.portcullis.registry;

import java.time.Instant;

/**
 * A developer's request, made in the developer portal, that an application may call an API.
 *
 * @param id assigned by the store
 * @param application the application's name
 * @param api the API's key ({@code name/version})
 * @param developer the username of the developer who asked
 * @param status where it stands
 * @param created when it was made
 * @param decidedBy who approved or rejected it (the developer's own username when granted at once);
 *     null while pending
 * @param decided when; null while pending
 */
public record AccessRequest(
    long id,
    String application,
    String api,
    String developer,
    Status status,
    Instant created,
    String decidedBy,
    Instant decided) {

  /** Where a request stands. */
  public enum Status {
    /** Waiting for an administrator. */
    PENDING,
    /** Granted: the application is associated with the API. */
    APPROVED,
    /** Refused by an administrator. */
    REJECTED;

    /** The lower-case word the admin API and the pages use. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
