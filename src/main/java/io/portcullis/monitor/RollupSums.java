package io.portcullis.monitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls added up per minute, API, application and status as they come, for the rollups of one
 * write. Not thread-safe.
 */
public final class RollupSums {
  private record Key(long minute, String api, String application, int status) {}

  private final Map<Key, long[]> sums = new HashMap<>();

  /** Adds one call. */
  public void add(TransactionEvent e) {
    Key key =
        new Key(
            Math.floorDiv(e.time().getEpochSecond(), 60),
            e.api() == null ? "" : e.api(),
            e.application() == null ? "" : e.application(),
            e.status());
    long[] s = sums.computeIfAbsent(key, k -> new long[6 + LatencyHistogram.BUCKETS]);
    long micros = e.latencyNanos() / 1_000;
    s[0]++;
    if (e.error()) s[1]++;
    s[2] += e.bytesIn();
    s[3] += e.bytesOut();
    s[4] += micros;
    s[5] = Math.max(s[5], micros);
    s[6 + LatencyHistogram.bucketOf(micros)]++;
  }

  /**
   * The sums as rollups, ordered by their key: nodes that upsert the same rows in the same order
   * cannot deadlock each other.
   */
  public List<Rollup> rollups() {
    List<Rollup> rollups = new ArrayList<>(sums.size());
    sums.entrySet().stream()
        .sorted(
            Map.Entry.comparingByKey(
                Comparator.comparingLong(Key::minute)
                    .thenComparing(Key::api)
                    .thenComparing(Key::application)
                    .thenComparingInt(Key::status)))
        .forEach(
            entry -> {
              Key k = entry.getKey();
              long[] s = entry.getValue();
              long[] histogram = new long[LatencyHistogram.BUCKETS];
              System.arraycopy(s, 6, histogram, 0, histogram.length);
              rollups.add(
                  new Rollup(
                      k.minute(),
                      k.api(),
                      k.application(),
                      k.status(),
                      new Totals(null, s[0], s[1], s[2], s[3], s[4], s[5], histogram)));
            });
    return rollups;
  }
}
