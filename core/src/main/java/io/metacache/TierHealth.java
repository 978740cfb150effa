package io.metacache;

import io.metacache.stats.LatencySummary;

/**
 * The health of one tier.
 *
 * @param tier the tier's name
 * @param status UP, DEGRADED or DOWN
 * @param circuit the write circuit's state: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
 *     ({@code CLOSED} for the memory tier, which has none)
 * @param lastError the last error the tier raised, or {@code null}
 * @param lastErrorAtMillis when it was raised (epoch ms), 0 if never
 * @param readLatency latency of reads from this tier
 */
public record TierHealth(String tier, Status status, String circuit, String lastError,
    long lastErrorAtMillis, LatencySummary readLatency) {

  /** How usable a tier is. */
  public enum Status {
    /** Reads and writes succeed. */
    UP,
    /** The tier answers, but some recent operations failed or its writes are being retried. */
    DEGRADED,
    /** The tier is skipped: its reads fail or its write circuit is open. It is retried by itself. */
    DOWN
  }
}
