package io.metacache.metrics;

import java.util.List;
import java.util.Map;

/** A cache's per-tier health and the cache doctor's alerts over JMX. */
public interface CacheHealthMXBean {
  /** Whether every tier is UP. */
  boolean isHealthy();

  /** UP, DEGRADED or DOWN by tier name. */
  Map<String, String> getStatusByTier();

  /** The last error by tier name ("" if none). */
  Map<String, String> getLastErrorByTier();

  /** Alerts the cache doctor raises now ({@code MetaCache.diagnose()}). */
  int getAlertCount();

  /** The alerts, one line each: severity, kind, subject and message. */
  List<String> getAlerts();

  /** The doctor's advice, one line each: code, text and the figures behind it. */
  List<String> getAdvice();
}
