package io.metacache;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the lower tiers' expired entries every {@code metacache.expiry.sweep-interval} on a
 * daemon thread (the memory tier sweeps itself; Redis expires its keys itself). A tier that fails
 * is skipped until the next sweep. No thread for a memory-only cache.
 */
final class ExpirySweeper {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

  private final CacheTiers tiers;
  private final LongSupplier clock;
  private final ScheduledExecutorService sweeper; // null without lower tiers
  private volatile boolean stopped;

  ExpirySweeper(CacheTiers tiers, LongSupplier clock, Duration interval) {
    this.tiers = tiers;
    this.clock = clock;
    if (tiers.lower.isEmpty()) {
      this.sweeper = null;
      return;
    }
    this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "metacache-expiry-sweep");
      t.setDaemon(true);
      return t;
    });
    long sweepNanos = interval.toNanos();
    sweeper.scheduleWithFixedDelay(this::sweepLowerTiers, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
  }

  /** Removes the expired entries of every lower tier now; returns how many left. Stops early once stopped. */
  long sweepLowerTiers() {
    long removed = 0;
    for (int i = 0; i < tiers.lower.size() && !stopped; i++) {
      long now = clock.getAsLong();
      try {
        removed += tiers.lower.get(i).removeExpired(now);
      } catch (RuntimeException e) {
        LOG.debug("tier {} expiry sweep failed; the next sweep retries: {}", tiers.guards[i].name, e.toString());
      }
    }
    return removed;
  }

  /** Stops sweeping: a sweep under way ends after the tier it is in. */
  void stop() {
    stopped = true;
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }
}
