package io.metacache.policy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every eviction policy run beside a memory tier's own on a spatially sampled share of its keys,
 * so that the cache doctor can say when another policy would hit more on this workload. As in
 * SHARDS (Waldspurger et al., FAST '15), a key is sampled when its hash falls in the lowest
 * {@code 1/rate} of the hash space, and each shadow is bounded by the tier's entry bound over the
 * rate: the sampled keys see the same reuse distances, scaled, as all keys do at the full bound.
 * The rate is the largest power of two up to 64 that leaves each shadow at least 256 entries.
 *
 * <p>{@link ShadowHitRates#hitRate} applies SHARDS's adjustment for a sample that holds more or
 * fewer of the hottest keys than its share.
 *
 * <p>The request stream is the one the tier's policy sees: a read of a held key and a write (an
 * insert after a miss, or an update) each count as one request of that key; a shadow hits when it
 * holds the key. Removals (invalidations) leave every shadow. Shadows count entries, not bytes.
 *
 * <p>Single writer: the tier calls {@link #request} and {@link #remove} under its policy lock.
 * {@link #rates()} may be called from any thread; its counts are each exact and may be a few
 * requests apart from one another.
 */
public final class ShadowPolicies {
  static final int MAX_RATE = 64;
  static final int MIN_SHADOW_ENTRIES = 256;
  private static final EvictionPolicy.EvictionSink IGNORE = (high, low, weight) -> { };
  private static final PolicyKind[] KINDS = PolicyKind.values();

  private final int rate;
  private final long threshold; // sampled when the unsigned mixed hash is below this
  private final EvictionPolicy[] shadows = new EvictionPolicy[KINDS.length];
  private final AtomicLongArray hits = new AtomicLongArray(KINDS.length);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong allRequests = new AtomicLong();

  /** Shadows of every policy for a tier bounded by {@code maxEntries}. */
  public ShadowPolicies(long maxEntries) {
    long rate = Long.highestOneBit(Math.max(1, maxEntries / MIN_SHADOW_ENTRIES));
    this.rate = (int) Math.min(MAX_RATE, rate);
    this.threshold = this.rate == 1 ? -1 : Long.divideUnsigned(-1L, this.rate);
    long bound = Math.max(1, maxEntries / this.rate);
    for (int i = 0; i < KINDS.length; i++) {
      shadows[i] = EvictionPolicies.create(KINDS[i], bound);
    }
  }

  /** One request of a key: a read of a key the tier holds, or a write. */
  public void request(long keyHigh, long keyLow) {
    allRequests.lazySet(allRequests.get() + 1);
    if (!sampled(keyHigh, keyLow)) {
      return;
    }
    requests.lazySet(requests.get() + 1);
    for (int i = 0; i < shadows.length; i++) {
      EvictionPolicy p = shadows[i];
      if (p.contains(keyHigh, keyLow)) {
        hits.lazySet(i, hits.get(i) + 1);
        p.recordAccess(keyHigh, keyLow);
      } else {
        p.recordWrite(keyHigh, keyLow, 1, IGNORE);
      }
    }
  }

  /** A key the tier removed (an invalidation, not an eviction). */
  public void remove(long keyHigh, long keyLow) {
    if (sampled(keyHigh, keyLow)) {
      for (EvictionPolicy p : shadows) {
        p.recordRemoval(keyHigh, keyLow);
      }
    }
  }

  /** The sampled requests and each policy's hits so far. */
  public ShadowHitRates rates() {
    Map<PolicyKind, Long> byKind = new EnumMap<>(PolicyKind.class);
    for (int i = 0; i < KINDS.length; i++) {
      byKind.put(KINDS[i], hits.get(i));
    }
    return new ShadowHitRates(rate, requests.get(), allRequests.get(), byKind);
  }

  /** One key in this many is sampled. */
  public int sampleRate() {
    return rate;
  }

  private boolean sampled(long keyHigh, long keyLow) {
    if (rate == 1) {
      return true;
    }
    long h = (keyHigh ^ Long.rotateLeft(keyLow, 29)) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 32;
    return Long.compareUnsigned(h, threshold) < 0;
  }
}
