package io.portcullis.monitor;

import java.util.Arrays;

/**
 * The fixed latency buckets of the rollups: {@value #BUCKETS} buckets whose upper bounds are
 * log-spaced from 1 ms to 60 s (each about 1.32 times the one before), and a last one for anything
 * longer. Every node and every minute uses the same buckets, so histograms merge by adding counts,
 * and a percentile read from merged counts is exact to a bucket.
 *
 * <p>Bucket {@code i < 41} counts latencies above the bound of bucket {@code i - 1} up to and
 * including {@link #upperBoundMicros(int) its own}; bucket 0 counts everything up to 1 ms, bucket
 * 41 everything above 60 s.
 */
public final class LatencyHistogram {
  /** How many buckets: 41 bounded ones and the overflow bucket. */
  public static final int BUCKETS = 42;

  private static final long[] UPPER_MICROS = new long[BUCKETS - 1];

  static {
    for (int i = 0; i < UPPER_MICROS.length; i++) {
      UPPER_MICROS[i] = Math.round(1_000 * Math.pow(60_000, i / 40.0));
    }
  }

  private LatencyHistogram() {}

  /** The bucket that counts a latency. */
  public static int bucketOf(long micros) {
    int found = Arrays.binarySearch(UPPER_MICROS, micros);
    return found >= 0 ? found : -found - 1;
  }

  /** The inclusive upper bound of a bucket in microseconds; {@code Long.MAX_VALUE} for the last. */
  public static long upperBoundMicros(int bucket) {
    return bucket < UPPER_MICROS.length ? UPPER_MICROS[bucket] : Long.MAX_VALUE;
  }

  /**
   * The {@code q} quantile of the counted latencies, in milliseconds: the upper bound of the bucket
   * that holds the nearest-rank sample (rank {@code ceil(q × count)}), but never more than the
   * largest latency seen, which also answers for the overflow bucket. Null when nothing was
   * counted.
   *
   * @param counts the count of each bucket, {@link #BUCKETS} of them
   * @param q the quantile, above 0 and at most 1
   * @param maxMicros the largest latency counted
   */
  public static Double quantileMs(long[] counts, double q, long maxMicros) {
    long total = 0;
    for (long count : counts) total += count;
    if (total == 0) return null;
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return Math.min(upperBoundMicros(i), maxMicros) / 1000.0;
    }
    return maxMicros / 1000.0;
  }
}
