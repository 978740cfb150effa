package io.metacache.stats;

/**
 * Latency percentiles in nanoseconds over the lifetime of a cache.
 *
 * @param count number of recorded operations
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest recorded value
 * @param mean arithmetic mean
 */
public record LatencySummary(long count, long p50, long p90, long p99, long p999, long max, double mean) {
  /** The summary of no operations. */
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0.0);
}
