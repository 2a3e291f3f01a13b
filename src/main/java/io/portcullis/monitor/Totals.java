package io.portcullis.monitor;

import java.util.Arrays;
import java.util.Objects;

/**
 * Added-up calls: of one rollup row, or of several merged (minutes, nodes, applications …).
 *
 * @param key what the totals are of (a minute, an API key, a status …); null for everything
 * @param requests calls
 * @param errors calls answered with status 400 or above
 * @param bytesIn request body bytes
 * @param bytesOut response body bytes
 * @param latencySumMicros the sum of the calls' latencies
 * @param latencyMaxMicros the largest latency
 * @param histogram the count of calls in each {@link LatencyHistogram} bucket
 */
public record Totals(
    String key,
    long requests,
    long errors,
    long bytesIn,
    long bytesOut,
    long latencySumMicros,
    long latencyMaxMicros,
    long[] histogram) {

  public Totals {
    Objects.requireNonNull(histogram, "histogram");
    if (histogram.length != LatencyHistogram.BUCKETS) {
      throw new IllegalArgumentException(
          "histogram must have " + LatencyHistogram.BUCKETS + " buckets, had " + histogram.length);
    }
  }

  /** No calls, under this key. */
  public static Totals empty(String key) {
    return new Totals(key, 0, 0, 0, 0, 0, 0, new long[LatencyHistogram.BUCKETS]);
  }

  /** The same totals under another key. */
  public Totals withKey(String newKey) {
    return new Totals(
        newKey, requests, errors, bytesIn, bytesOut, latencySumMicros, latencyMaxMicros, histogram);
  }

  /** These totals and {@code other}'s, under this key. */
  public Totals plus(Totals other) {
    long[] merged = histogram.clone();
    for (int i = 0; i < merged.length; i++) merged[i] += other.histogram[i];
    return new Totals(
        key,
        requests + other.requests,
        errors + other.errors,
        bytesIn + other.bytesIn,
        bytesOut + other.bytesOut,
        latencySumMicros + other.latencySumMicros,
        Math.max(latencyMaxMicros, other.latencyMaxMicros),
        merged);
  }

  /** The {@code q} quantile in milliseconds (see {@link LatencyHistogram#quantileMs}); or null. */
  public Double quantileMs(double q) {
    return LatencyHistogram.quantileMs(histogram, q, latencyMaxMicros);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Totals t
        && Objects.equals(key, t.key)
        && requests == t.requests
        && errors == t.errors
        && bytesIn == t.bytesIn
        && bytesOut == t.bytesOut
        && latencySumMicros == t.latencySumMicros
        && latencyMaxMicros == t.latencyMaxMicros
        && Arrays.equals(histogram, t.histogram);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, requests, errors, latencySumMicros) * 31 + Arrays.hashCode(histogram);
  }

  @Override
  public String toString() {
    return "Totals[key="
        + key
        + ", requests="
        + requests
        + ", errors="
        + errors
        + ", bytesIn="
        + bytesIn
        + ", bytesOut="
        + bytesOut
        + ", latencySumMicros="
        + latencySumMicros
        + ", latencyMaxMicros="
        + latencyMaxMicros
        + "]";
  }
}
