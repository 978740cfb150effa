package io.metacache.policy;

import java.util.Arrays;

/**
 * Window TinyLFU with a hill-climbed window: the default policy.
 *
 * <h2>Design</h2>
 *
 * <p>Two kinds of workload pull a cache in opposite directions. Frequency-biased ones (a hot set
 * under a stream of one-time keys: scans, crawlers, batch jobs) want a filter that keeps a new key
 * out until it has proven itself; recency-biased ones (bursts, loops shorter than the cache, a
 * working set that drifts) want every new key in at once, as LRU does. This policy is both, in a
 * proportion it learns (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", 2017; the adaptive window after "Adaptive Software Cache Management", 2018).
 *
 * <ul>
 *   <li><b>Window</b>: an LRU that admits every new key. Recency-biased traffic lives here.
 *   <li><b>Main</b>: a segmented LRU of <i>probation</i> (entered from the window) and
 *       <i>protected</i> (entered on a hit in probation; its overflow is demoted back to the
 *       probation tail), about 80 % protected at the start.
 *   <li><b>Admission</b>: a key leaving the window (the candidate) competes with probation's least
 *       recent key (the victim); the {@link FrequencySketch} estimates both keys' recent
 *       frequencies, including keys no longer cached, and the less frequent one leaves. The
 *       sketch ages by halving every ten capacities of increments, so the filter forgets.
 *   <li><b>Hash-flooding defence</b>: an attacker who makes a victim look hot would freeze the
 *       main space; so a warm candidate (estimate at least {@value #WARM_CANDIDATE}) that loses is
 *       still admitted with probability 1/128. The coin is a fixed-seed xorshift so that runs are
 *       reproducible and nothing allocates.
 *   <li><b>Adaptation</b>: the {@link HillClimber} samples the hit rate once per ten capacities
 *       of requests and moves the window's share up or down, from one key up to the window and
 *       protected shares together (about 80 %), shrinking protected by as much as the window
 *       grows, so probation keeps its fifth of the main space and a filter always remains. The
 *       cost of that filter: on a steady recency-biased workload the policy stays a few points
 *       below LRU (see the hit-rate table in {@code results/hitrate.md}).
 * </ul>
 *
 * <h2>Bounds and weights</h2>
 *
 * <p>The cache is bounded by entries and by total weight. Every region (window, protected) has a
 * limit in both dimensions, the same share of each bound, and a region is over its limit when it
 * is over in either. After every write the window's overflow moves to probation as candidates,
 * then entries leave until both global bounds hold: by duel while there are candidates, else from
 * the head of main (probation, then protected), else from the window. A key heavier than the whole
 * weight bound is refused on write and reported to the sink. When the window's limit shrinks, its
 * overflow moves to probation at the next write; when it grows, main simply loses its least recent
 * keys to the following misses. So a change of window size costs nothing at the moment it is made.
 *
 * <h2>Cost</h2>
 *
 * <p>Per operation: one probe of the {@link KeyIndex}, a few array writes in {@link SlotLists},
 * four counters of the sketch, and for a miss at capacity one duel. Aging touches the whole sketch
 * once per ten capacities of increments, and a window move demotes at most the protected overflow;
 * both are amortized O(1). No allocation after the arrays have grown to the working set.
 */
final class WindowTinyLfuPolicy implements EvictionPolicy {

  static final int WARM_CANDIDATE = 6;

  /** Protected's share of the main space at the start. */
  private static final double PROTECTED_SHARE = 0.80;

  private static final int WINDOW = 0;
  private static final int PROBATION = 1;
  private static final int PROTECTED = 2;
  private static final int NIL = SlotLists.NIL;

  private final long maximumEntries;
  private final long maximumWeight;
  private final KeyIndex index;
  private final SlotLists queues;
  private final FrequencySketch sketch;
  private final HillClimber climber;
  private final double windowPlusProtected;

  // Per slot.
  private int[] weights;
  private byte[] queueOf;

  // Per queue.
  private final int[] counts = new int[3];
  private final long[] queueWeights = new long[3];
  private long weightedSize;

  private long windowMaxEntries;
  private long windowMaxWeight;
  private long protectedMaxEntries;
  private long protectedMaxWeight;
  private boolean sampling;
  private long random = 0x9E3779B97F4A7C15L;

  WindowTinyLfuPolicy(long maximumEntries, long maximumWeight) {
    this.maximumEntries = maximumEntries;
    this.maximumWeight = maximumWeight;
    this.index = new KeyIndex((int) Math.min(maximumEntries + 1, 1 << 16));
    int slots = index.slotCapacity();
    this.queues = new SlotLists(slots, 3);
    this.weights = new int[slots];
    this.queueOf = new byte[slots];
    this.sketch = new FrequencySketch(Math.min(maximumEntries, 1 << 12));
    double initialWindow = HillClimber.INITIAL_WINDOW;
    this.windowPlusProtected = initialWindow + PROTECTED_SHARE * (1 - initialWindow);
    this.climber = new HillClimber(0, windowPlusProtected);
    resize(climber.window());
  }

  // ---------------------------------------------------------------- operations

  @Override
  public void recordAccess(long keyHigh, long keyLow) {
    long hash = KeyHash.hash(keyHigh, keyLow);
    int slot = index.find(hash, keyHigh, keyLow);
    if (slot != KeyIndex.NONE) {
      onHit(slot, hash);
      if (sampling) {
        climber.recordHit();
        climb();
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
      onHit(slot, hash);
      if (sampling) {
        climber.recordHit();
      }
    } else {
      sketch.increment(hash);
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
      if (sampling) {
        climber.recordMiss();
      } else if (index.size() >= (maximumEntries >>> 1) || weightedSize >= (maximumWeight >>> 1)) {
        sampling = true;
        climber.resetSample();
      }
    }
    evict(sink);
    if (sampling) {
      climb();
    }
  }

  private void onHit(int slot, long hash) {
    sketch.increment(hash);
    switch (queueOf[slot]) {
      case WINDOW:
        queues.moveToLast(WINDOW, slot);
        break;
      case PROBATION:
        if (weights[slot] > protectedMaxWeight) {
          queues.moveToLast(PROBATION, slot);
        } else {
          move(slot, PROBATION, PROTECTED);
          demoteProtectedOverflow();
        }
        break;
      default:
        queues.moveToLast(PROTECTED, slot);
        break;
    }
  }

  @Override
  public boolean recordRemoval(long keyHigh, long keyLow) {
    int slot = index.find(KeyHash.hash(keyHigh, keyLow), keyHigh, keyLow);
    if (slot == KeyIndex.NONE) {
      return false;
    }
    unlink(slot);
    return true;
  }

  @Override
  public boolean contains(long keyHigh, long keyLow) {
    return index.find(KeyHash.hash(keyHigh, keyLow), keyHigh, keyLow) != KeyIndex.NONE;
  }

  @Override
  public int size() {
    return index.size();
  }

  @Override
  public long weightedSize() {
    return weightedSize;
  }

  @Override
  public void forEachKey(KeyVisitor visitor) {
    index.forEachKey(visitor);
  }

  @Override
  public void clear() {
    index.clear();
    queues.clear();
    sketch.clear();
    Arrays.fill(counts, 0);
    Arrays.fill(queueWeights, 0);
    weightedSize = 0;
    sampling = false;
    climber.resetSample();
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

  private void evict(EvictionSink sink) {
    int candidate = evictFromWindow();
    if (!overBounds()) {
      return;
    }
    int victim = queues.head(PROBATION);
    int victimQueue = PROBATION;
    while (overBounds()) {
      if (candidate == NIL) {
        // No window overflow left to judge: main (or, last, the window) is over its share.
        int slot = queues.head(PROBATION);
        if (slot == NIL) {
          slot = queues.head(PROTECTED);
        }
        if (slot == NIL) {
          slot = queues.head(WINDOW);
        }
        evictSlot(slot, sink);
        continue;
      }
      if (victim == NIL) {
        if (victimQueue == PROBATION) {
          victim = queues.head(PROTECTED);
          victimQueue = PROTECTED;
          continue;
        }
        int next = queues.next(candidate);
        evictSlot(candidate, sink);
        candidate = next;
        continue;
      }
      if (candidate == victim) {
        victim = queues.next(victim);
        int next = queues.next(candidate);
        evictSlot(candidate, sink);
        candidate = next;
        continue;
      }
      if (admit(candidate, victim)) {
        int next = queues.next(victim);
        evictSlot(victim, sink);
        victim = next;
        candidate = queues.next(candidate);
      } else {
        int next = queues.next(candidate);
        evictSlot(candidate, sink);
        candidate = next;
      }
    }
  }

  /** Whether the candidate should replace the victim. */
  private boolean admit(int candidate, int victim) {
    int candidateFrequency = sketch.frequency(hashOf(candidate));
    int victimFrequency = sketch.frequency(hashOf(victim));
    if (candidateFrequency > victimFrequency) {
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

  private void evictSlot(int slot, EvictionSink sink) {
    long high = index.high(slot);
    long low = index.low(slot);
    int weight = weights[slot];
    unlink(slot);
    sink.evicted(high, low, weight);
  }

  private void unlink(int slot) {
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

  private void demoteProtectedOverflow() {
    while (counts[PROTECTED] > protectedMaxEntries || queueWeights[PROTECTED] > protectedMaxWeight) {
      int slot = queues.head(PROTECTED);
      if (slot == NIL) {
        break;
      }
      move(slot, PROTECTED, PROBATION);
    }
  }

  // ---------------------------------------------------------------- adaptation

  private void climb() {
    if (climber.climb((long) HillClimber.SAMPLE_FACTOR * sketch.capacity())) {
      resize(climber.window());
      demoteProtectedOverflow();
    }
  }

  /** Sets the region limits for a window share {@code window} of the cache. */
  private void resize(double window) {
    double protectedShare = Math.max(0, windowPlusProtected - window);
    windowMaxEntries = Math.max(1, share(maximumEntries, window));
    windowMaxWeight = Math.max(1, share(maximumWeight, window));
    protectedMaxEntries = share(maximumEntries, protectedShare);
    protectedMaxWeight = share(maximumWeight, protectedShare);
  }

  private static long share(long maximum, double fraction) {
    if (maximum == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.round(maximum * fraction);
  }

  private void ensureSlotCapacity() {
    int capacity = index.slotCapacity();
    if (capacity > weights.length) {
      weights = Arrays.copyOf(weights, capacity);
      queueOf = Arrays.copyOf(queueOf, capacity);
      queues.ensureSlotCapacity(capacity);
    }
    sketch.ensureCapacity(Math.min(maximumEntries, (long) index.size() * 2));
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
