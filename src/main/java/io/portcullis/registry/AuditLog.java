package io.portcullis.registry;

import java.time.Instant;
import java.util.List;

/**
 * The registry's audit log: every change, who made it, and the entity before and after.
 *
 * <p>{@link #record} joins the transaction it is called in (the change's own, inside {@link
 * RegistryStore#writeExclusively}), so an entry exists exactly when its change was committed.
 */
public interface AuditLog {
  /** Appends the entry (its id is assigned by the log). */
  void record(AuditEntry entry);

  /**
   * The entries matching the query, newest first.
   *
   * @return up to {@code query.limit()} entries and the cursor of the next page (null at the end)
   */
  Page find(Query query);

  /**
   * Deletes at most {@code batchSize} entries written before {@code before}, the oldest first: the
   * retention of {@code monitoring.audit.retentionDays}. Blocking.
   *
   * @return how many were deleted; less than {@code batchSize} means none is left
   * @throws IllegalArgumentException when {@code batchSize} is below 1
   */
  int purgeBefore(java.time.Instant before, int batchSize);

  /**
   * @param from entries at or after this instant; null for no bound
   * @param to entries before this instant; null for no bound
   * @param actor only this actor; null for any
   * @param entity only this entity or those under it ({@code apis} matches {@code apis/x/v1}); null
   *     for any
   * @param before only entries with an id below this (the cursor); null for the newest
   * @param limit at most this many entries
   */
  record Query(Instant from, Instant to, String actor, String entity, Long before, int limit) {}

  /** One page of entries and the cursor of the next one, null when there is none. */
  record Page(List<AuditEntry> items, Long next) {}
}
