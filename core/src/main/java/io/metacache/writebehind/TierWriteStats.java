package io.metacache.writebehind;

/**
 * Write-behind counters of one tier, cumulative since the pipeline started.
 *
 * @param tier the tier's name
 * @param backlog writes waiting for this tier (fresh and parked)
 * @param parked of those, writes parked after failures or while the circuit is open
 * @param batchesApplied successful {@code apply} calls
 * @param opsApplied operations in those calls
 * @param retries repeated attempts after a failed {@code apply}
 * @param failures failed {@code apply} calls (each attempt counts)
 * @param drops writes discarded because the backlog bound was exceeded
 * @param coalesced writes superseded by a newer write to the same key before reaching the tier
 * @param circuitState the circuit breaker's state
 * @param lastError the last failure ({@code "ExceptionClass: message"}), or {@code null}
 * @param lastErrorAtMillis when it happened, epoch milliseconds, 0 if never
 * @param firstError the first failure since the pipeline started, or {@code null}
 * @param failing whether the last write batch handed to the tier failed (until one succeeds)
 */
public record TierWriteStats(
    String tier,
    long backlog,
    long parked,
    long batchesApplied,
    long opsApplied,
    long retries,
    long failures,
    long drops,
    long coalesced,
    CircuitState circuitState,
    String lastError,
    long lastErrorAtMillis,
    String firstError,
    boolean failing) {}
