package io.metacache.stats;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of a cache's statistics. Counters are cumulative since the cache started;
 * subtract two snapshots with {@link #minus} for an interval.
 *
 * @param requests lookups made, counted as each began; each ends in one hit or one miss, so this is
 *     {@code hits + misses} once no lookup is running
 * @param hitsByTier hits served by each tier, by tier name, in tier order
 * @param misses lookups no tier could serve
 * @param puts entries written
 * @param evictions entries evicted for size or bytes
 * @param expirations entries removed because their time to live passed
 * @param invalidations entries removed by invalidation or a changed file
 * @param corruptions stored entries found corrupt (each also counted as a miss)
 * @param compressionSavedBytes bytes saved by compression over all writes
 * @param getLatency latency of lookups
 * @param putLatency latency of writes
 */
public record CacheStats(
    long requests,
    Map<String, Long> hitsByTier,
    long misses,
    long puts,
    long evictions,
    long expirations,
    long invalidations,
    long corruptions,
    long compressionSavedBytes,
    LatencySummary getLatency,
    LatencySummary putLatency) {

  /** Validates and copies the per-tier map, keeping tier order. */
  public CacheStats {
    Objects.requireNonNull(hitsByTier, "hitsByTier");
    Objects.requireNonNull(getLatency, "getLatency");
    Objects.requireNonNull(putLatency, "putLatency");
    hitsByTier = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hitsByTier));
  }

  /** Hits over all tiers. */
  public long hits() {
    long sum = 0;
    for (long h : hitsByTier.values()) {
      sum += h;
    }
    return sum;
  }

  /** Hits served by the named tier, 0 for an unknown tier. */
  public long hits(String tier) {
    return hitsByTier.getOrDefault(tier, 0L);
  }

  /** Fraction of requests that hit, from 0.0 to 1.0; 0.0 with no requests. */
  public double hitRate() {
    return requests == 0 ? 0.0 : (double) hits() / requests;
  }

  /** Fraction of requests that missed, from 0.0 to 1.0; 0.0 with no requests. */
  public double missRate() {
    return requests == 0 ? 0.0 : (double) misses / requests;
  }

  /** Tier names in order. */
  public List<String> tiers() {
    return List.copyOf(hitsByTier.keySet());
  }

  /** Counter differences {@code this - earlier}; latency summaries are this snapshot's. */
  public CacheStats minus(CacheStats earlier) {
    Map<String, Long> tierHits = new java.util.LinkedHashMap<>();
    hitsByTier.forEach((tier, hits) -> tierHits.put(tier, hits - earlier.hits(tier)));
    return new CacheStats(
        requests - earlier.requests,
        tierHits,
        misses - earlier.misses,
        puts - earlier.puts,
        evictions - earlier.evictions,
        expirations - earlier.expirations,
        invalidations - earlier.invalidations,
        corruptions - earlier.corruptions,
        compressionSavedBytes - earlier.compressionSavedBytes,
        getLatency,
        putLatency);
  }
}
