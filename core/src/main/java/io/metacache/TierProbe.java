package io.metacache;

import io.metacache.spi.Tier;

/**
 * Active health check of one lower tier: {@link Tier#ping} on a background thread at a fixed
 * interval. A failed probe shows the tier DOWN at once, even when no read or write has touched it
 * yet; a successful probe after read failures lets reads use the tier again without waiting out
 * the read guard's back-off. Probes run on their own daemon threads, one per tier, so a tier that
 * hangs until its timeout never delays the others' probes.
 */
final class TierProbe implements Runnable {
  private final Tier tier;
  private final java.util.function.LongSupplier clock;
  private final java.util.function.LongConsumer onSuccess;
  private volatile boolean lastFailed;
  private volatile long lastSuccessAtMillis;
  private volatile long lastErrorAtMillis;
  private volatile String lastError;

  /** {@code onSuccess} receives the round trip of each successful probe in nanoseconds. */
  TierProbe(Tier tier, java.util.function.LongSupplier clock, java.util.function.LongConsumer onSuccess) {
    this.tier = tier;
    this.clock = clock;
    this.onSuccess = onSuccess;
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    try {
      tier.ping();
      lastSuccessAtMillis = clock.getAsLong();
      lastFailed = false;
      onSuccess.accept(System.nanoTime() - start);
    } catch (RuntimeException e) {
      lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
      lastErrorAtMillis = clock.getAsLong();
      lastFailed = true;
    }
  }

  /** Whether the last probe failed. */
  boolean failing() {
    return lastFailed;
  }

  /** When the last probe succeeded (epoch ms), 0 if none has. */
  long lastSuccessAtMillis() {
    return lastSuccessAtMillis;
  }

  long lastErrorAtMillis() {
    return lastErrorAtMillis;
  }

  String lastError() {
    return lastError;
  }
}
