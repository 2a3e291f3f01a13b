package io.portcullis.registry;

import java.time.Instant;

/**
 * One recorded change of the registry.
 *
 * @param id the entry's position in the log (increasing; 0 before it is stored)
 * @param time when the change was written
 * @param actor who made it: a username (admin API, Manager) or {@code config-file} or {@code
 *     system}
 * @param action {@code create}, {@code update} or {@code delete}
 * @param entity the entity as the admin API addresses it, such as {@code apis/photos/v1}
 * @param before the entity's JSON before the change, secrets masked; null when it was created
 * @param after the entity's JSON after the change, secrets masked; null when it was deleted
 */
public record AuditEntry(
    long id,
    Instant time,
    String actor,
    String action,
    String entity,
    String before,
    String after) {}
