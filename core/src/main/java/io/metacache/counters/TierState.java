package io.metacache.counters;

import io.metacache.TierHealth;
import io.metacache.writebehind.CircuitState;
import java.util.Objects;

/**
 * One tier of one process, as published in its counters file.
 *
 * @param tier the tier's name
 * @param status UP, DEGRADED or DOWN
 * @param circuit the write circuit ({@code CLOSED} for the memory tier)
 * @param lastError the last error the tier raised, or {@code null}
 * @param lastErrorAtMillis when (epoch ms), 0 if never
 * @param readP99Nanos 99th percentile of the tier's read latency, ns
 * @param writeBacklog writes waiting for the tier (0 for the memory tier)
 * @param writeFailures failed write batches
 * @param writeRetries retried write batches
 * @param writeDrops writes dropped over the backlog bound
 * @param storesQuarantined stores of the tier found unusable and moved aside (corrupt files)
 */
public record TierState(
    String tier,
    TierHealth.Status status,
    CircuitState circuit,
    String lastError,
    long lastErrorAtMillis,
    long readP99Nanos,
    long writeBacklog,
    long writeFailures,
    long writeRetries,
    long writeDrops,
    long storesQuarantined) {

  /** Checks the names. */
  public TierState {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(circuit, "circuit");
  }

  /** A tier state without quarantined stores. */
  public TierState(String tier, TierHealth.Status status, CircuitState circuit, String lastError,
      long lastErrorAtMillis, long readP99Nanos, long writeBacklog, long writeFailures, long writeRetries,
      long writeDrops) {
    this(tier, status, circuit, lastError, lastErrorAtMillis, readP99Nanos, writeBacklog, writeFailures,
        writeRetries, writeDrops, 0);
  }
}
