package io.metacache.policy;

import java.util.Arrays;

/**
 * Window TinyLFU with a window sized by ghost evidence: the default policy.
 *
 * <h2>Design</h2>
 *
 * <p>Two kinds of workload pull a cache in opposite directions. Frequency-biased ones (a hot set
 * under a stream of one-time keys: scans, crawlers, batch jobs) want a filter that keeps a new key
 * out until it has proven itself; recency-biased ones (bursts, loops shorter than the cache, a
 * working set that drifts) want every new key in at once, as LRU does. This policy is both, in a
 * proportion it learns (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", 2017; the adaptive window after "Adaptive Software Cache Management", 2018; the ghost
 * lists after Megiddo and Modha's ARC, 2003).
 *
 * <ul>
 *   <li><b>Window</b>: an LRU that admits every new key, 1 % of the cache at the start.
 *   <li><b>Main</b>: a segmented LRU of <i>probation</i> (entered from the window) and
 *       <i>protected</i> (entered on a hit in probation), protected 80 % of main at the start.
 *       Protected's overflow is demoted to probation's most recent end after the next eviction,
 *       so a burst of promotions does not push the fresh candidates out first.
 *   <li><b>Eviction</b> follows Caffeine's {@code evictFromMain}: the keys that just overflowed the
 *       window are candidates, then the window's least recent key; victims are probation's least
 *       recent keys, then protected's, then the window's. While there are both, the
 *       {@link FrequencySketch} judges and the less frequent leaves; else the one left goes.
 *   <li><b>Admission</b>: a candidate replaces the victim when its estimated frequency is higher,
 *       by a margin of two when recent evidence says admissions have been too lax (below). A warm
 *       candidate (estimate at least {@value #WARM_CANDIDATE}) that loses is still admitted with
 *       probability 1/128, so an attacker who makes victims look hot cannot freeze the main space;
 *       the coin is a fixed-seed xorshift, so runs are reproducible and nothing allocates.
 *   <li><b>Sketch</b>: 4-bit counters, halved every ten capacities of increments, and halved
 *       once more when the cache first reaches half its bound: counts from the warm-up, when
 *       nothing competes, would otherwise keep the first keys seen in main long after they
 *       cooled (measured: 1 to 2 points on the lirs multi traces at 500 entries).
 *   <li><b>Adaptation by ghosts</b>: {@link Ghosts} remembers, keys only, the last 1 % of the
 *       cache's worth of keys that left from the window side (a rejected candidate, a window
 *       victim) and of those that left from the main side (a probation or protected victim). A
 *       miss on a window-side ghost is a hit that a window one key larger would have had; a miss
 *       on a main-side ghost, one that a larger main would have had. Each such miss moves one
 *       key's worth of room towards the side that would have hit (ARC's rule, applied to the
 *       window/main split). The same misses set the admission margin: main-side returns mean
 *       admissions evicted keys still in use, window-side returns mean rejections were wrong; a
 *       counter clamped to &plusmn;{@value #STRICTNESS_CLAMP} decides which dominated lately.
 *       The ghosts are shallow on purpose: only keys that a marginally larger region would have
 *       kept count, so a loop longer than the cache (whose every key returns, but from far away)
 *       does not drag the window towards LRU.
 *   <li><b>Gain</b>: shallow ghosts alone move the window one key per vote, too slowly to reach
 *       LRU on a recency-biased workload within a trace of a few hundred capacities (measured: the
 *       window took 280 capacities to grow from 1 % to 99 % on the test's drifting working set).
 *       So the votes are also tallied in periods of {@value #VOTES_PER_PERIOD}; when two periods
 *       in a row vote the same way by a clear majority, a vote along that trend moves {@code gain}
 *       keys, doubling each such period up to 6.25 % of the cache; a reversal or
 *       a split period halves the gain (Rprop's sign rule, on ghost votes rather than on sampled
 *       hit rates). A vote against the trend moves one key, so a stray vote cannot undo a trend.
 *       The gain only scales evidence: with no ghost hits, as on a long loop, nothing moves.
 * </ul>
 *
 * <p>Why not Caffeine's hill climber (this class used one): it samples the hit rate once per ten
 * capacities of requests, so on a trace of a few tens of capacities it takes a handful of decaying
 * steps, and on a periodic trace (lirs zigzag) its samples alias with the period. Ghost votes come
 * with the very misses they explain and need no sample. Measured on the trace replay when the
 * climber was replaced (commit fdcfbc3): web07 +4 points at 1,000 entries (now above LRU), gcc
 * +0.6 and +1.1, zigzag +1.7 at 500, with the frequency-biased traces (gli, cs, ps, cpp, loop,
 * scan) equal or better. The full range and the gain: {@code results/focused/hitrate.md}.
 *
 * <h2>Window moves</h2>
 *
 * <p>As in Caffeine's {@code increaseWindow}/{@code decreaseWindow}, a move changes region limits
 * and moves keys so that none is lost by it: growing the window takes room from protected, then
 * (unlike Caffeine, whose window stops at its start plus protected, about 80 %) from probation, and
 * moves main's least recent keys (probation's, then protected's) to the window's most recent end;
 * shrinking it moves the window's least recent keys into protected. The window ranges from one
 * unit to all but one: at the top the cache is an LRU whose single probation key still duels, so
 * main-side evidence can still arrive and shrink the window again.
 *
 * <h2>Bounds and weights</h2>
 *
 * <p>The cache is bounded by entries and by total weight. Region sizes are counted in entries (in
 * weight when entries are unbounded) and give a limit in both dimensions, the same share of each
 * bound; a region is over its limit when it is over in either. A key heavier than the whole
 * weight bound is refused on write and reported to the sink; one heavier than the window goes to
 * the window's least recent end, so it is the first candidate.
 *
 * <h2>Cost</h2>
 *
 * <p>Per operation: one probe of the {@link KeyIndex}, a few array writes in {@link SlotLists},
 * four counters of the sketch; for a miss also one probe of the ghosts and, at capacity, one duel
 * and one ghost record. A ghost vote moves at most {@code TRANSFER_LIMIT} keys between regions
 * (a few counters per key); hits never adapt. Aging touches the whole sketch once per ten
 * capacities of increments. No allocation after the arrays have grown to the working set.
 */
final class WindowTinyLfuPolicy extends IndexedPolicy {

  static final int WARM_CANDIDATE = 6;
  /** Bound of the admission strictness counter. */
  static final int STRICTNESS_CLAMP = 16;
  /** Ghost votes per adaptation period. */
  static final int VOTES_PER_PERIOD = 8;
  /** A period has a trend when one side outvotes the other by this many votes or more. */
  static final int TREND_MAJORITY = 4;
  /** The largest gain: this fraction of the cache per vote (Caffeine's hill-climber step). */
  private static final double MAX_GAIN_SHARE = 0.0625;
  /** Ghost depth per side: this fraction of the entry bound. */
  private static final double GHOST_SHARE = 0.01;
  private static final int WINDOW_SIDE = 0;
  private static final int MAIN_SIDE = 1;

  /** The main space's share of the cache at the start: the window starts at 1 %. */
  private static final double MAIN_SHARE = 0.99;
  /** Protected's share of the main space at the start. */
  private static final double PROTECTED_SHARE = 0.80;
  /** Most entries moved between regions by one window adjustment (the rest follow lazily). */
  private static final int TRANSFER_LIMIT = 1_000;

  private static final int WINDOW = 0;
  private static final int PROBATION = 1;
  private static final int PROTECTED = 2;
  private static final int NIL = SlotLists.NIL;

  private final long maximumEntries;
  private final long maximumWeight;
  /** Whether region sizes are counted in weight (entries unbounded) rather than in entries. */
  private final boolean weightUnits;
  private final long maximumUnits;
  private final long maximumGain;
  private final SlotLists queues;
  private final FrequencySketch sketch;
  private final Ghosts ghosts;

  // Per slot.
  private int[] weights;
  private byte[] queueOf;

  // Per queue.
  private final int[] counts = new int[3];
  private final long[] queueWeights = new long[3];

  // Region sizes in units, and the limits they give in both dimensions.
  private long windowUnits;
  private long protectedUnits;
  private long windowMaxEntries;
  private long windowMaxWeight;
  private long protectedMaxEntries;
  private long protectedMaxWeight;
  /** Whether the cache has reached half its bound (the sketch aged once then). */
  private boolean warm;
  /** Positive: admissions have evicted keys still in use; a candidate must win by two. */
  private int strictness;
  private long random = 0x9E3779B97F4A7C15L;
  /** Ghost votes counted in the current period, and their sum (window side +1, main side -1). */
  private int periodVotes;
  private int periodBalance;
  /** The direction the last period voted for by a clear majority (+1 window, -1 main), or 0. */
  private int trend;
  /** Units one ghost vote along the trend moves: doubles while the trend holds, halves else. */
  private long gain = 1;

  WindowTinyLfuPolicy(long maximumEntries, long maximumWeight) {
    super(maximumEntries);
    this.maximumEntries = maximumEntries;
    this.maximumWeight = maximumWeight;
    this.weightUnits = maximumEntries == Long.MAX_VALUE && maximumWeight != Long.MAX_VALUE;
    this.maximumUnits = weightUnits ? maximumWeight : maximumEntries;
    this.maximumGain = Math.max(1, (long) (MAX_GAIN_SHARE * maximumUnits));
    int slots = index.slotCapacity();
    this.queues = new SlotLists(slots, 3);
    this.weights = new int[slots];
    this.queueOf = new byte[slots];
    this.sketch = new FrequencySketch(Math.min(maximumEntries, 1 << 12));
    this.ghosts = new Ghosts((int) (GHOST_SHARE * Math.min(maximumEntries, 1 << 24)));
    initialRegions();
  }

  private void initialRegions() {
    long main = (long) (MAIN_SHARE * maximumUnits);
    windowUnits = maximumUnits - main;
    protectedUnits = (long) (PROTECTED_SHARE * main);
    limits();
  }

  // ---------------------------------------------------------------- operations

  /**
   * The sketch increments of the batch first (independent cache lines, overlapped), then the
   * queue moves; moves never read the sketch, so the result is that of hits one by one.
   */
  @Override
  void accessed(int[] slots, long[] hashes, int count) {
    for (int i = 0; i < count; i++) {
      if (slots[i] != KeyIndex.NONE) {
        sketch.increment(hashes[i]);
      }
    }
    for (int i = 0; i < count; i++) {
      if (slots[i] != KeyIndex.NONE) {
        reorder(slots[i]);
      }
    }
  }

  @Override
  public void recordWrite(long keyHigh, long keyLow, int weight, EvictionSink sink) {
    Policies.checkWeight(weight);
    long hash = KeyHash.hash(keyHigh, keyLow);
    int slot = index.find(hash, keyHigh, keyLow);
    if (weight > maximumWeight) {
      sketch.increment(hash);
      if (slot != KeyIndex.NONE) {
        unlink(slot);
      }
      sink.evicted(keyHigh, keyLow, weight);
      return;
    }
    if (slot != KeyIndex.NONE) {
      int queue = queueOf[slot];
      long delta = (long) weight - weights[slot];
      weights[slot] = weight;
      queueWeights[queue] += delta;
      weightedSize += delta;
      hit(slot, hash);
    } else {
      slot = index.insert(hash, keyHigh, keyLow);
      ensureSlotCapacity();
      weights[slot] = weight;
      queueOf[slot] = WINDOW;
      counts[WINDOW]++;
      queueWeights[WINDOW] += weight;
      weightedSize += weight;
      if (weight > windowMaxWeight) {
        queues.addFirst(WINDOW, slot);
      } else {
        queues.addLast(WINDOW, slot);
      }
      if (!warm
          && (index.size() >= (maximumEntries >>> 1) || weightedSize >= (maximumWeight >>> 1))) {
        warm = true;
        sketch.age();
      }
      sketch.increment(hash);
      if (warm) {
        adapt(ghosts.take(hash, keyHigh, keyLow), weightUnits ? Math.max(1, weight) : 1);
      }
    }
    evict(sink);
    demoteProtectedOverflow();
  }

  @Override
  void hit(int slot, long hash) {
    sketch.increment(hash);
    reorder(slot);
  }

  /** A hit's move in the queues: to the tail of its queue, or from probation to protected. */
  private void reorder(int slot) {
    switch (queueOf[slot]) {
      case WINDOW:
        queues.moveToLast(WINDOW, slot);
        break;
      case PROBATION:
        if (weights[slot] > protectedMaxWeight) {
          queues.moveToLast(PROBATION, slot);
        } else {
          // Protected's overflow is demoted after the next eviction, as the window's is moved.
          move(slot, PROBATION, PROTECTED);
        }
        break;
      default:
        queues.moveToLast(PROTECTED, slot);
        break;
    }
  }

  @Override
  public void clear() {
    index.clear();
    queues.clear();
    sketch.clear();
    ghosts.clear();
    Arrays.fill(counts, 0);
    Arrays.fill(queueWeights, 0);
    weightedSize = 0;
    warm = false;
    strictness = 0;
    periodVotes = 0;
    periodBalance = 0;
    trend = 0;
    gain = 1;
    initialRegions();
  }

  // ---------------------------------------------------------------- eviction

  private boolean overBounds() {
    return index.size() > maximumEntries || weightedSize > maximumWeight;
  }

  private boolean windowOver() {
    return counts[WINDOW] > windowMaxEntries || queueWeights[WINDOW] > windowMaxWeight;
  }

  /** Moves the window's overflow to probation; returns the first moved (the first candidate). */
  private int evictFromWindow() {
    int first = NIL;
    while (windowOver()) {
      int slot = queues.head(WINDOW);
      if (slot == NIL) {
        break;
      }
      move(slot, WINDOW, PROBATION);
      if (first == NIL) {
        first = slot;
      }
    }
    return first;
  }

  /**
   * Evicts until the bounds hold. Candidates are the keys just moved out of the window, then the
   * window's least recent key; victims come from the head of probation, then of protected, then
   * of the window. While there are both, the sketch judges; else the one that is left goes.
   */
  private void evict(EvictionSink sink) {
    int candidate = evictFromWindow();
    int candidateQueue = PROBATION;
    int victim = queues.head(PROBATION);
    int victimQueue = PROBATION;
    while (overBounds()) {
      if (candidate == NIL && candidateQueue == PROBATION) {
        candidate = queues.head(WINDOW);
        candidateQueue = WINDOW;
      }
      if (candidate == NIL && victim == NIL) {
        if (victimQueue == PROBATION) {
          victim = queues.head(PROTECTED);
          victimQueue = PROTECTED;
          continue;
        } else if (victimQueue == PROTECTED) {
          victim = queues.head(WINDOW);
          victimQueue = WINDOW;
          continue;
        }
        break;
      }
      if (victim == NIL) {
        int evict = candidate;
        candidate = candidateQueue == PROBATION ? queues.next(candidate) : NIL;
        evictSlot(evict, sink, WINDOW_SIDE);
        continue;
      } else if (candidate == NIL) {
        int evict = victim;
        victim = queues.next(victim);
        evictSlot(evict, sink, victimQueue == WINDOW ? WINDOW_SIDE : MAIN_SIDE);
        continue;
      }
      if (candidate == victim) {
        victim = queues.next(victim);
        evictSlot(candidate, sink, WINDOW_SIDE);
        candidate = NIL;
        continue;
      }
      if (admit(candidate, victim)) {
        int evict = victim;
        victim = queues.next(victim);
        evictSlot(evict, sink, victimQueue == WINDOW ? WINDOW_SIDE : MAIN_SIDE);
        candidate = queues.next(candidate);
      } else {
        int evict = candidate;
        candidate = candidateQueue == PROBATION ? queues.next(candidate) : NIL;
        evictSlot(evict, sink, WINDOW_SIDE);
      }
    }
  }

  /** Whether the candidate should replace the victim. */
  private boolean admit(int candidate, int victim) {
    int victimFrequency = sketch.frequency(hashOf(victim));
    int candidateFrequency = sketch.frequency(hashOf(candidate));
    if (candidateFrequency > victimFrequency + (strictness > 0 ? 1 : 0)) {
      return true;
    }
    if (candidateFrequency >= WARM_CANDIDATE) {
      return (nextRandom() & 127) == 0;
    }
    return false;
  }

  private long hashOf(int slot) {
    return KeyHash.hash(index.high(slot), index.low(slot));
  }

  private long nextRandom() {
    long x = random;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    random = x;
    return x;
  }

  private void evictSlot(int slot, EvictionSink sink, int side) {
    long high = index.high(slot);
    long low = index.low(slot);
    ghosts.add(KeyHash.hash(high, low), high, low, side);
    int weight = weights[slot];
    unlink(slot);
    sink.evicted(high, low, weight);
  }

  @Override
  void unlink(int slot) {
    int queue = queueOf[slot];
    queues.remove(queue, slot);
    counts[queue]--;
    queueWeights[queue] -= weights[slot];
    weightedSize -= weights[slot];
    index.remove(slot);
  }

  private void move(int slot, int from, int to) {
    queues.remove(from, slot);
    queues.addLast(to, slot);
    queueOf[slot] = (byte) to;
    int weight = weights[slot];
    counts[from]--;
    counts[to]++;
    queueWeights[from] -= weight;
    queueWeights[to] += weight;
  }

  private boolean protectedOver() {
    return counts[PROTECTED] > protectedMaxEntries || queueWeights[PROTECTED] > protectedMaxWeight;
  }

  private void demoteProtectedOverflow() {
    while (protectedOver()) {
      int slot = queues.head(PROTECTED);
      if (slot == NIL) {
        break;
      }
      move(slot, PROTECTED, PROBATION);
    }
  }

  // ---------------------------------------------------------------- adaptation

  /**
   * Acts on a miss on a key that left from {@code side} recently ({@link Ghosts#NONE}: not): moves
   * {@code units} of room towards that side, times the gain when the vote follows the trend.
   */
  private void adapt(int side, long units) {
    if (side == Ghosts.NONE) {
      return;
    }
    int vote = side == WINDOW_SIDE ? 1 : -1;
    endPeriodAfter(vote);
    long step = vote == trend ? units * gain : units;
    if (side == WINDOW_SIDE) {
      increaseWindow(step);
      strictness = Math.max(-STRICTNESS_CLAMP, strictness - 1);
    } else {
      decreaseWindow(step);
      strictness = Math.min(STRICTNESS_CLAMP, strictness + 1);
    }
  }

  /**
   * Counts a vote; every {@value #VOTES_PER_PERIOD} votes, compares the period's majority with the
   * previous one's (as Rprop adapts its steps): the same clear direction twice doubles the gain, up
   * to {@link #MAX_GAIN_SHARE} of the cache; a reversal or a split vote halves it, down to 1.
   */
  private void endPeriodAfter(int vote) {
    periodBalance += vote;
    if (++periodVotes < VOTES_PER_PERIOD) {
      return;
    }
    int direction = Math.abs(periodBalance) >= TREND_MAJORITY ? Integer.signum(periodBalance) : 0;
    if (direction != 0 && direction == trend) {
      gain = Math.min(gain * 2, maximumGain);
    } else {
      gain = Math.max(1, gain / 2);
    }
    trend = direction;
    periodVotes = 0;
    periodBalance = 0;
  }

  private int units(int slot) {
    return weightUnits ? weights[slot] : 1;
  }

  /**
   * Grows the window at protected's expense, then (protected spent) at probation's, up to all but
   * one unit, by moving main's least recent keys (probation's, then protected's) into the window as
   * its most recent ones: they keep their place in the cache.
   */
  private void increaseWindow(long adjustment) {
    long quota = Math.min(adjustment, maximumUnits - windowUnits - 1);
    if (quota <= 0) {
      return;
    }
    long fromProtected = Math.min(quota, protectedUnits);
    protectedUnits -= fromProtected;
    windowUnits += quota;
    limits();
    demoteProtectedOverflow();
    for (int i = 0; i < TRANSFER_LIMIT; i++) {
      int slot = queues.head(PROBATION);
      int from = PROBATION;
      if (slot == NIL || quota < units(slot)) {
        slot = queues.head(PROTECTED);
        from = PROTECTED;
      }
      if (slot == NIL || quota < units(slot)) {
        break;
      }
      quota -= units(slot);
      move(slot, from, WINDOW);
    }
    protectedUnits += Math.min(quota, fromProtected);
    windowUnits -= quota;
    limits();
  }

  /** Shrinks the window by moving its least recent keys to protected (they proved recent). */
  private void decreaseWindow(long adjustment) {
    long quota = Math.min(adjustment, Math.max(0, windowUnits - 1));
    if (quota == 0) {
      return;
    }
    protectedUnits += quota;
    windowUnits -= quota;
    for (int i = 0; i < TRANSFER_LIMIT; i++) {
      int slot = queues.head(WINDOW);
      if (slot == NIL || quota < units(slot)) {
        break;
      }
      quota -= units(slot);
      move(slot, WINDOW, PROTECTED);
    }
    protectedUnits -= quota;
    windowUnits += quota;
    limits();
  }

  /** Derives the region limits in both dimensions from the region sizes in units. */
  private void limits() {
    windowMaxEntries = limit(maximumEntries, windowUnits, !weightUnits);
    windowMaxWeight = limit(maximumWeight, windowUnits, weightUnits);
    protectedMaxEntries = limit(maximumEntries, protectedUnits, !weightUnits);
    protectedMaxWeight = limit(maximumWeight, protectedUnits, weightUnits);
  }

  private long limit(long maximum, long units, boolean exact) {
    if (exact) {
      return units;
    }
    if (maximum == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.round(maximum * ((double) units / maximumUnits));
  }

  private void ensureSlotCapacity() {
    int capacity = index.slotCapacity();
    if (capacity > weights.length) {
      weights = Arrays.copyOf(weights, capacity);
      queueOf = Arrays.copyOf(queueOf, capacity);
      queues.ensureSlotCapacity(capacity);
    }
    sketch.ensureCapacity(Math.min(maximumEntries, (long) index.size() * 2), maximumEntries);
  }

  @Override
  public String toString() {
    return "wtinylfu[entries=" + index.size() + "/" + maximumEntries
        + ", weight=" + weightedSize + "/" + maximumWeight
        + ", window=" + counts[WINDOW] + "/" + windowMaxEntries
        + ", probation=" + counts[PROBATION]
        + ", protected=" + counts[PROTECTED] + "/" + protectedMaxEntries + "]";
  }
}
