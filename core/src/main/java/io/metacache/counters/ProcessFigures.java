package io.metacache.counters;

import io.metacache.TierHealth;
import io.metacache.policy.ShadowHitRates;
import io.metacache.stats.CacheStats;
import io.metacache.stats.LatencySummary;
import io.metacache.writebehind.CircuitState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one cache publishes: its {@link CacheStats} (as {@code MetaCache.stats()} returns them),
 * its memory tier's size, its write-behind pipeline and each tier's health.
 *
 * @param cache the cache's counters and latency summaries
 * @param memoryEntries entries the memory tier holds
 * @param memoryOffHeapBytes off-heap bytes they use
 * @param writeBehindDepth writes not yet settled in the lower tiers (0 without lower tiers)
 * @param writeBehindLagMillis age of the oldest pending write
 * @param writeBehindRingDrops writes dropped because the ring was full
 * @param tiers every tier, memory first, in lookup order
 * @param shadow the memory tier's shadow policies ({@link ShadowHitRates#NONE} when none ran)
 */
public record ProcessFigures(
    CacheStats cache,
    long memoryEntries,
    long memoryOffHeapBytes,
    long writeBehindDepth,
    long writeBehindLagMillis,
    long writeBehindRingDrops,
    List<TierState> tiers,
    ShadowHitRates shadow) {

  /** Copies the tier list. */
  public ProcessFigures {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(shadow, "shadow");
    tiers = List.copyOf(tiers);
  }

  /** Figures without shadow policies. */
  public ProcessFigures(CacheStats cache, long memoryEntries, long memoryOffHeapBytes, long writeBehindDepth,
      long writeBehindLagMillis, long writeBehindRingDrops, List<TierState> tiers) {
    this(cache, memoryEntries, memoryOffHeapBytes, writeBehindDepth, writeBehindLagMillis, writeBehindRingDrops, tiers,
        ShadowHitRates.NONE);
  }

  /** The named tier, or null. */
  public TierState tier(String name) {
    for (TierState t : tiers) {
      if (t.tier().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * The total of several processes' figures: counters and sizes add up, the lag is the largest.
   * Latency percentiles do not add, so the total's latency summaries are
   * {@link LatencySummary#EMPTY}, and so is each tier's read p99 ({@code 0}). A tier's status and
   * circuit are the worst any process shows, its last error the latest. Tiers appear in the order
   * first met.
   */
  public static ProcessFigures sum(List<ProcessFigures> figures) {
    long requests = 0;
    long misses = 0;
    long puts = 0;
    long evictions = 0;
    long expirations = 0;
    long invalidations = 0;
    long corruptions = 0;
    long saved = 0;
    long memoryEntries = 0;
    long memoryBytes = 0;
    long depth = 0;
    long lag = 0;
    long ringDrops = 0;
    ShadowHitRates shadow = ShadowHitRates.NONE;
    Map<String, Long> hits = new LinkedHashMap<>();
    Map<String, TierState> tiers = new LinkedHashMap<>();
    for (ProcessFigures f : figures) {
      CacheStats c = f.cache;
      requests += c.requests();
      misses += c.misses();
      puts += c.puts();
      evictions += c.evictions();
      expirations += c.expirations();
      invalidations += c.invalidations();
      corruptions += c.corruptions();
      saved += c.compressionSavedBytes();
      c.hitsByTier().forEach((tier, h) -> hits.merge(tier, h, Long::sum));
      memoryEntries += f.memoryEntries;
      memoryBytes += f.memoryOffHeapBytes;
      depth += f.writeBehindDepth;
      lag = Math.max(lag, f.writeBehindLagMillis);
      ringDrops += f.writeBehindRingDrops;
      shadow = shadow.plus(f.shadow);
      for (TierState t : f.tiers) {
        tiers.merge(t.tier(), withoutLatency(t), ProcessFigures::combine);
      }
    }
    CacheStats cache = new CacheStats(requests, hits, misses, puts, evictions, expirations, invalidations,
        corruptions, saved, LatencySummary.EMPTY, LatencySummary.EMPTY);
    return new ProcessFigures(cache, memoryEntries, memoryBytes, depth, lag, ringDrops, new ArrayList<>(tiers.values()),
        shadow);
  }

  private static TierState withoutLatency(TierState t) {
    return new TierState(t.tier(), t.status(), t.circuit(), t.lastError(), t.lastErrorAtMillis(), 0,
        t.writeBacklog(), t.writeFailures(), t.writeRetries(), t.writeDrops(), t.storesQuarantined());
  }

  private static TierState combine(TierState a, TierState b) {
    TierHealth.Status status = a.status().compareTo(b.status()) >= 0 ? a.status() : b.status();
    CircuitState circuit = severity(a.circuit()) >= severity(b.circuit()) ? a.circuit() : b.circuit();
    TierState latest = a.lastErrorAtMillis() >= b.lastErrorAtMillis() ? a : b;
    return new TierState(a.tier(), status, circuit, latest.lastError(), latest.lastErrorAtMillis(), 0,
        a.writeBacklog() + b.writeBacklog(), a.writeFailures() + b.writeFailures(),
        a.writeRetries() + b.writeRetries(), a.writeDrops() + b.writeDrops(),
        a.storesQuarantined() + b.storesQuarantined());
  }

  private static int severity(CircuitState c) {
    switch (c) {
      case OPEN: return 2;
      case HALF_OPEN: return 1;
      default: return 0;
    }
  }
}
