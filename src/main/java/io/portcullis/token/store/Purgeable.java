package io.portcullis.token.store;

import java.time.Instant;

/** A store of entries that become useless once expired, emptied of them by {@link TokenPurger}. */
@FunctionalInterface
public interface Purgeable {
  /**
   * Deletes at most {@code batchSize} entries that expired at or before {@code now}. Each call is
   * short (one statement for a database) so that requests are never locked out for long; callers
   * call again while a full batch was deleted. Blocking.
   *
   * @param batchSize the most entries to delete, at least 1
   * @return how many were deleted; less than {@code batchSize} means none is left
   * @throws IllegalArgumentException when {@code batchSize} is below 1
   * @throws RuntimeException when the underlying store fails (for databases a {@code
   *     StoreException})
   */
  int purgeExpired(Instant now, int batchSize);
}
