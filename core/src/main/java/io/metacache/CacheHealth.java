package io.metacache;

import io.metacache.config.ConfigValues;
import io.metacache.spi.Tier;
import io.metacache.stats.StatsCounter;
import io.metacache.writebehind.CircuitState;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindPipeline;
import io.metacache.writebehind.WriteBehindStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The health of a cache's tiers: each lower tier's read guard, write circuit and probe combined
 * into one {@link TierHealth} row, and the probes that ping every lower tier on daemon threads
 * every {@value MetaCache#HEALTH_PROBE_INTERVAL_PROPERTY} (default one second), so a dead tier
 * shows DOWN within about that long even when idle, and a tier that answers again is read again at
 * once.
 */
final class CacheHealth {
  static final Duration DEFAULT_HEALTH_PROBE_INTERVAL = Duration.ofSeconds(1);

  private final CacheTiers tiers;
  private final StatsCounter stats;
  private final LongSupplier clock;
  private final TierProbe[] probes;
  private final ScheduledExecutorService prober; // null when probing is off or there is no lower tier

  /** Starts the probes at the interval {@code properties} give. */
  CacheHealth(CacheTiers tiers, StatsCounter stats, LongSupplier clock, Function<String, String> properties) {
    this.tiers = tiers;
    this.stats = stats;
    this.clock = clock;
    List<Tier> lower = tiers.lower;
    this.probes = new TierProbe[lower.size()];
    Duration interval = probeInterval(properties);
    if (lower.isEmpty() || interval.isZero()) {
      this.prober = null;
      return;
    }
    this.prober = Executors.newScheduledThreadPool(lower.size(), runnable -> {
      Thread t = new Thread(runnable, "metacache-health-probe");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < lower.size(); i++) {
      TierReadGuard guard = tiers.guards[i];
      probes[i] = new TierProbe(lower.get(i), clock, nanos -> {
        if (guard.consecutiveFailures() > 0) {
          guard.success(nanos); // the tier answers again: reads need not wait out the back-off
        }
      });
      prober.scheduleWithFixedDelay(probes[i], 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static Duration probeInterval(Function<String, String> properties) {
    String raw = properties.apply(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY);
    if (raw == null || raw.isBlank()) {
      return DEFAULT_HEALTH_PROBE_INTERVAL;
    }
    Duration d = ConfigValues.parseDuration(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, raw);
    if (d.isNegative() || d.compareTo(Duration.ofHours(1)) > 0) {
      throw ConfigValues.invalid(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, raw, "a duration from 0 (off) to 1h");
    }
    return d;
  }

  /** Every tier's health in lookup order (see {@link MetaCache#health()}); all DOWN once closed. */
  List<TierHealth> health(boolean closed) {
    List<TierHealth> health = new ArrayList<>();
    health.add(new TierHealth(MetaCache.MEMORY, closed ? TierHealth.Status.DOWN : TierHealth.Status.UP,
        CircuitState.CLOSED.name(), null, 0, stats.snapshot().getLatency()));
    long now = clock.getAsLong();
    WriteBehindPipeline writeBehind = tiers.writeBehind;
    WriteBehindStats pipelineStats = writeBehind == null ? null : writeBehind.stats();
    for (int i = 0; i < tiers.lower.size(); i++) {
      TierReadGuard guard = tiers.guards[i];
      TierProbe probe = probes[i];
      TierWriteStats writeStats = pipelineStats == null ? null : pipelineStats.tier(guard.name);
      CircuitState circuit = writeStats == null ? CircuitState.CLOSED : writeStats.circuitState();
      TierHealth.Status status;
      if (closed || (probe != null && probe.failing()) || guard.skipping(now) || circuit == CircuitState.OPEN) {
        status = TierHealth.Status.DOWN;
      } else if (guard.consecutiveFailures() > 0 || circuit == CircuitState.HALF_OPEN
          || (writeStats != null && (writeStats.parked() > 0 || writeStats.failing()))) {
        // a tier whose writes fail is not UP however its probe answers; a write that lands clears it
        status = TierHealth.Status.DEGRADED;
      } else {
        status = TierHealth.Status.UP;
      }
      String lastError = guard.lastError();
      long lastErrorAt = guard.lastErrorAtMillis();
      if (writeStats != null && writeStats.lastErrorAtMillis() > lastErrorAt) {
        lastError = writeStats.lastError();
        lastErrorAt = writeStats.lastErrorAtMillis();
      }
      if (probe != null && probe.lastErrorAtMillis() > lastErrorAt) {
        lastError = probe.lastError();
        lastErrorAt = probe.lastErrorAtMillis();
      }
      if (lastError != null) {
        lastError = lastError.replaceAll("\\s+", " ").strip(); // one line, whatever the driver's message
      }
      health.add(new TierHealth(guard.name, status, circuit.name(), lastError, lastErrorAt, guard.latency.summary()));
    }
    return health;
  }

  /** The health of the named tier. */
  TierHealth health(String tier, boolean closed) {
    for (TierHealth h : health(closed)) {
      if (h.tier().equals(tier)) {
        return h;
      }
    }
    throw new IllegalArgumentException("no tier named '" + tier + "', expected one of " + stats.snapshot().tiers());
  }

  /** Entries held by each tier, in lookup order; -1 where a tier cannot count cheaply or is down. */
  Map<String, Long> entriesByTier() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put(MetaCache.MEMORY, tiers.memory.size());
    for (Tier tier : tiers.lower) {
      long size;
      try {
        size = tier.size();
      } catch (RuntimeException e) {
        size = -1;
      }
      sizes.put(tier.name(), size);
    }
    return sizes;
  }

  /** Stops the probes. */
  void close() {
    if (prober != null) {
      prober.shutdownNow();
    }
  }
}
