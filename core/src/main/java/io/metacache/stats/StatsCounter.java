package io.metacache.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live, thread-safe counters behind {@link CacheStats}. Every counter is a {@link LongAdder},
 * so recording from many threads costs a cell update, not a contended CAS on one word. Tiers are
 * addressed by their index in the list given at construction, so a hit costs no map lookup.
 *
 * <p>Requests are counted on their own, when a lookup begins ({@link #recordRequest}), not derived
 * from the outcomes: every lookup must end in exactly one {@link #recordHit} or {@link #recordMiss},
 * and {@code requests = hits + misses} once no lookup is running is a check of the callers that
 * can fail (a lookup that records no outcome, or two, breaks it).
 */
public final class StatsCounter {
  private final List<String> tierNames;
  private final LongAdder[] tierHits;
  private final LongAdder requests = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder expirations = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder corruptions = new LongAdder();
  private final LongAdder compressionSavedBytes = new LongAdder();
  private final LatencyRecorder getLatency = new LatencyRecorder();
  private final LatencyRecorder putLatency = new LatencyRecorder();

  /** Counters for the named tiers, in lookup order. */
  public StatsCounter(List<String> tierNames) {
    if (tierNames.isEmpty()) {
      throw new IllegalArgumentException("tierNames: expected at least one tier");
    }
    if (tierNames.stream().distinct().count() != tierNames.size()) {
      throw new IllegalArgumentException("tierNames: expected distinct names, got " + tierNames);
    }
    this.tierNames = List.copyOf(tierNames);
    this.tierHits = new LongAdder[tierNames.size()];
    for (int i = 0; i < tierHits.length; i++) {
      tierHits[i] = new LongAdder();
    }
  }

  /** Index of a tier name, for {@link #recordHit(int)}. */
  public int tierIndex(String tierName) {
    int index = tierNames.indexOf(tierName);
    if (index < 0) {
      throw new IllegalArgumentException("Unknown tier '" + tierName + "'; expected one of " + tierNames);
    }
    return index;
  }

  /** A lookup begun; it ends in one {@link #recordHit} or one {@link #recordMiss}. */
  public void recordRequest() {
    requests.increment();
  }

  /** A lookup served by the tier at {@code tierIndex}. */
  public void recordHit(int tierIndex) {
    tierHits[tierIndex].increment();
  }

  /** A lookup no tier could serve. */
  public void recordMiss() {
    misses.increment();
  }

  /** An entry written. */
  public void recordPut() {
    puts.increment();
  }

  /** Entries evicted for size or bytes. */
  public void recordEvictions(long count) {
    evictions.add(count);
  }

  /** Entries removed because they expired. */
  public void recordExpirations(long count) {
    expirations.add(count);
  }

  /** Entries removed by invalidation or because their file changed. */
  public void recordInvalidations(long count) {
    invalidations.add(count);
  }

  /** A stored entry found corrupt. */
  public void recordCorruption() {
    corruptions.increment();
  }

  /** Bytes saved by compressing one entry (raw minus stored; negative values are ignored). */
  public void recordCompressionSavings(long bytes) {
    if (bytes > 0) {
      compressionSavedBytes.add(bytes);
    }
  }

  /** Latency of one lookup in nanoseconds. */
  public void recordGetLatency(long nanos) {
    getLatency.record(nanos);
  }

  /** Latency of one write in nanoseconds. */
  public void recordPutLatency(long nanos) {
    putLatency.record(nanos);
  }

  /**
   * A snapshot. Under concurrent recording each counter is exact at some instant during the call.
   * Requests are read after the hits and misses: a lookup's request is recorded before its
   * outcome, so every outcome the snapshot counts has its request counted too, and a snapshot
   * never shows fewer requests than hits plus misses (more while lookups are running).
   */
  public CacheStats snapshot() {
    Map<String, Long> hits = new LinkedHashMap<>();
    long hitSum = 0;
    for (int i = 0; i < tierHits.length; i++) {
      long h = tierHits[i].sum();
      hits.put(tierNames.get(i), h);
      hitSum += h;
    }
    long missCount = misses.sum();
    long requestCount = requests.sum();
    return new CacheStats(
        requestCount,
        hits,
        missCount,
        puts.sum(),
        evictions.sum(),
        expirations.sum(),
        invalidations.sum(),
        corruptions.sum(),
        compressionSavedBytes.sum(),
        getLatency.summary(),
        putLatency.summary());
  }
}
