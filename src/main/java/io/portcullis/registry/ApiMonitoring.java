package io.portcullis.registry;

/**
 * An API's monitoring settings, as the seeds' Monitoring tab: whether its calls are stored as
 * transaction records (and counted in the per-minute rollups). Metrics on {@code /metrics} count
 * every call either way.
 *
 * @param records whether the API's calls are stored
 */
public record ApiMonitoring(boolean records) {
  /** Records on: the default of every API. */
  public static final ApiMonitoring DEFAULT = new ApiMonitoring(true);
}
