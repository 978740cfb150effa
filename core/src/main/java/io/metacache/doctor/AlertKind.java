package io.metacache.doctor;

/** What an {@link Alert} is about; its name is the alert's code in JSON, Micrometer and JMX. */
public enum AlertKind {
  /** The memory tier holds close to its entry or byte bound. */
  MEMORY_NEAR_BOUND,
  /** A tier's read p99 is above its bound. */
  SLOW_TIER,
  /** Evictions and invalidations per second above the bound. */
  CHURN,
  /** The hit ratio over the window fell below the ratio since start by more than the bound. */
  HIT_RATIO_DROP,
  /** Writes wait in the write-behind pipeline longer than the bound, or its backlog grows. */
  WRITE_BEHIND_LAG,
  /** A tier is DEGRADED or DOWN. */
  TIER_UNHEALTHY,
  /** Stored entries were found corrupt (each is a counted miss). */
  CORRUPT_ENTRIES
}
