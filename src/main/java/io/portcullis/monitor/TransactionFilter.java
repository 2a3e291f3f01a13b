package io.portcullis.monitor;

import java.time.Instant;
import java.util.Objects;

/**
 * Which calls a query is about.
 *
 * @param from the first instant, inclusive
 * @param to the last instant, exclusive
 * @param api an API key ({@code name/version}), or null for all
 * @param application an application's name, or null for all
 * @param status an HTTP status, or null for all
 */
public record TransactionFilter(
    Instant from, Instant to, String api, String application, Integer status) {
  public TransactionFilter {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  /** The first minute (since the epoch) that the range touches. */
  public long firstMinute() {
    return Math.floorDiv(from.getEpochSecond(), 60);
  }

  /** The minute after the last one that the range touches. */
  public long endMinute() {
    long seconds = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0);
    return Math.floorDiv(seconds + 59, 60);
  }
}
