package io.metacache.metrics;

import java.util.Map;

/** A cache's per-tier health over JMX. */
public interface CacheHealthMXBean {
  /** Whether every tier is UP. */
  boolean isHealthy();

  /** UP, DEGRADED or DOWN by tier name. */
  Map<String, String> getStatusByTier();

  /** The last error by tier name ("" if none). */
  Map<String, String> getLastErrorByTier();
}
