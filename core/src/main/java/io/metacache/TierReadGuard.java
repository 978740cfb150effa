package io.metacache;

import io.metacache.stats.LatencyRecorder;

/**
 * Read-side health of one lower tier: after consecutive read failures the tier is skipped for a
 * short while instead of costing every lookup a timeout, then tried again by itself.
 */
final class TierReadGuard {
  /** Consecutive failures after which reads skip the tier. */
  static final int FAILURES_TO_SKIP = 3;

  final String name;
  final long retryAfterMillis;
  final LatencyRecorder latency = new LatencyRecorder();
  private volatile int consecutiveFailures;
  private volatile long lastErrorAtMillis;
  private volatile String lastError;

  TierReadGuard(String name, long retryAfterMillis) {
    this.name = name;
    this.retryAfterMillis = retryAfterMillis;
  }

  boolean allowRead(long nowMillis) {
    return consecutiveFailures < FAILURES_TO_SKIP || nowMillis - lastErrorAtMillis >= retryAfterMillis;
  }

  void success(long nanos) {
    latency.record(nanos);
    if (consecutiveFailures != 0) {
      consecutiveFailures = 0;
    }
  }

  void failure(Throwable error, long nowMillis) {
    lastError = String.valueOf(error.getMessage());
    lastErrorAtMillis = nowMillis;
    consecutiveFailures = consecutiveFailures + 1;
  }

  boolean skipping(long nowMillis) {
    return !allowRead(nowMillis);
  }

  int consecutiveFailures() {
    return consecutiveFailures;
  }

  String lastError() {
    return lastError;
  }

  long lastErrorAtMillis() {
    return lastErrorAtMillis;
  }
}
