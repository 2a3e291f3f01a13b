package io.portcullis.monitor;

import java.util.Objects;

/**
 * One row of the per-minute totals, as a node adds it to the store: the calls of one minute to one
 * API by one application answered with one status. Nodes add their rows into the same stored rows.
 *
 * @param minute the minute, as minutes since the epoch (UTC)
 * @param api the API key; the empty string for calls that matched no API
 * @param application the application's name; the empty string when none was identified
 * @param status the HTTP status (its class is {@code status / 100})
 * @param totals the calls' totals
 */
public record Rollup(long minute, String api, String application, int status, Totals totals) {
  public Rollup {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(totals, "totals");
  }
}
