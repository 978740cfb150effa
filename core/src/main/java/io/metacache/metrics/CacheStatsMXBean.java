package io.metacache.metrics;

import java.util.Map;

/** A cache's counters over JMX; every read takes a fresh snapshot. */
public interface CacheStatsMXBean {
  /** Lookups made. */
  long getRequests();

  /** Lookups served by any tier. */
  long getHits();

  /** Hits by tier name. */
  Map<String, Long> getHitsByTier();

  /** Lookups no tier could serve. */
  long getMisses();

  /** Hits over requests, 0 to 1. */
  double getHitRate();

  /** Entries written. */
  long getPuts();

  /** Memory-tier evictions for size or bytes. */
  long getEvictions();

  /** Memory-tier expirations. */
  long getExpirations();

  /** Entries removed by invalidation or a changed file. */
  long getInvalidations();

  /** Corrupt entries found. */
  long getCorruptions();

  /** Bytes saved by compression. */
  long getCompressionSavedBytes();

  /** Writes not yet settled in the lower tiers (0 without lower tiers). */
  long getWriteBehindDepth();

  /** Age of the oldest pending write, milliseconds. */
  long getWriteBehindLagMillis();

  /** Writes waiting per lower tier. */
  Map<String, Long> getWriteBehindBacklogByTier();

  /** Entries held per tier; -1 where a tier cannot count. */
  Map<String, Long> getEntriesByTier();

  /** 99th percentile lookup latency, nanoseconds. */
  long getGetLatencyP99Nanos();

  /** 99th percentile write latency, nanoseconds. */
  long getPutLatencyP99Nanos();
}
