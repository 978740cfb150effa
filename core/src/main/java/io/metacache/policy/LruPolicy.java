package io.metacache.policy;

import java.util.Arrays;

/**
 * Exact least-recently-used whose read hit is one store: the key's stamp becomes the next tick of
 * a logical clock, and nothing moves. Order is restored lazily, and only where eviction looks.
 *
 * <p>Keys live in generations: doubly linked lists in the order the generations opened, each with
 * a start tick. A key is placed (inserted, or moved by eviction) into the generation whose start
 * is the latest not after its stamp, so every key of generation {@code g} has a stamp at least
 * {@code start[g]}, and stamps only grow. Eviction works on the oldest generation only: it moves
 * out the keys whose stamps have reached {@code start[1]} (touched since), sorts the rest by stamp
 * once, and takes keys from the head; a head touched after the sort is moved out instead. A head
 * with a stamp below {@code start[1]} is the least recent key of all: every other key of the
 * oldest generation is later in the sorted order or has been touched since, and every key of a
 * later generation has a stamp of at least {@code start[1]}. So eviction is exact, and a key is
 * sorted at most once per placement, each placement paid for by the hit or write that made it
 * necessary: amortized O(log g) per eviction for generations of {@code g} keys, O(1) per hit.
 *
 * <p>The eager list (unlink and relink on every hit) costs a hit three dependent cache misses at
 * a million keys (the key's links, then its neighbours'); the stamp is the key's long in its
 * {@link KeyIndex} bucket ({@link KeyIndex#auxAt}), so a replayed hit reads and writes the one
 * line its lookup fetched. Generations open when the newest has taken a 128th of the keys
 * held (at least {@link #DEFAULT_MIN_GENERATION}, at most {@link #MAX_GENERATION}), so a sort is
 * small and bounded; when {@link #DEFAULT_MAX_GENERATIONS} are open, the two adjacent ones
 * (never the oldest) with the fewest placements merge, an O(1) splice.
 *
 * <p>Links live in one int array, two per node; nodes {@code 0..maxGenerations-1} are the
 * generations' sentinels (each list is circular through its sentinel, so a key is unlinked
 * without knowing its generation), node {@code maxGenerations + slot} is a key's.
 */
final class LruPolicy extends IndexedPolicy {

  static final int DEFAULT_MIN_GENERATION = 64;
  static final int MAX_GENERATION = 8192;
  static final int DEFAULT_MAX_GENERATIONS = 256;

  private final long maximumEntries;
  private final long maximumWeight;
  private final int minGeneration;
  private final int maxGenerations;

  /** The logical clock: one tick per hit or write. */
  private long clock;
  private int[] weights;
  /** Per node: {@code links[2n]} previous, {@code links[2n + 1]} next. */
  private int[] links;

  /** Open generations, oldest first, in positions {@code 0..generations-1}. */
  private int generations;
  private final long[] generationStart;
  private final int[] generationSentinel;
  /** Keys placed into the generation (never decremented; a size hint for opening and merging). */
  private final int[] generationPlaced;
  private final int[] freeSentinels;
  private int freeSentinelCount;
  /** Whether generation 0 is in stamp order (from its head) but for keys touched since. */
  private boolean oldestSorted;

  private long[] sortStamps = new long[0];
  private int[] sortNodes = new int[0];

  LruPolicy(long maximumEntries, long maximumWeight) {
    this(maximumEntries, maximumWeight, DEFAULT_MIN_GENERATION, DEFAULT_MAX_GENERATIONS);
  }

  /** With explicit generation geometry; tests use tiny ones to exercise opening and merging. */
  LruPolicy(long maximumEntries, long maximumWeight, int minGeneration, int maxGenerations) {
    super(maximumEntries);
    if (minGeneration < 1 || maxGenerations < 3) {
      throw new IllegalArgumentException("generation geometry: min size " + minGeneration
          + " (accepted: 1 or more), max count " + maxGenerations + " (accepted: 3 or more)");
    }
    this.maximumEntries = maximumEntries;
    this.maximumWeight = maximumWeight;
    this.minGeneration = minGeneration;
    this.maxGenerations = maxGenerations;
    int capacity = index.slotCapacity();
    this.weights = new int[capacity];
    this.links = new int[2 * (maxGenerations + capacity)];
    this.generationStart = new long[maxGenerations];
    this.generationSentinel = new int[maxGenerations];
    this.generationPlaced = new int[maxGenerations];
    this.freeSentinels = new int[maxGenerations];
    resetGenerations();
  }

  @Override
  void hit(int slot, long hash) {
    index.aux(slot, ++clock);
  }

  @Override
  void accessedBuckets(int[] buckets, long[] hashes, int count) {
    long tick = clock;
    for (int i = 0; i < count; i++) {
      int bucket = buckets[i];
      if (bucket >= 0) {
        index.auxAt(bucket, ++tick);
      }
    }
    clock = tick;
  }

  @Override
  public void recordWrite(long keyHigh, long keyLow, int weight, EvictionSink sink) {
    Policies.checkWeight(weight);
    long hash = KeyHash.hash(keyHigh, keyLow);
    int slot = index.find(hash, keyHigh, keyLow);
    if (weight > maximumWeight) {
      if (slot != KeyIndex.NONE) {
        unlink(slot);
      }
      sink.evicted(keyHigh, keyLow, weight);
      return;
    }
    if (slot == KeyIndex.NONE) {
      slot = index.insert(hash, keyHigh, keyLow);
      ensureCapacity();
      weights[slot] = weight;
      openGenerationIfFull();
      index.aux(slot, ++clock);
      append(generations - 1, node(slot));
    } else {
      weightedSize -= weights[slot];
      weights[slot] = weight;
      index.aux(slot, ++clock);
    }
    weightedSize += weight;
    while (index.size() > maximumEntries || weightedSize > maximumWeight) {
      int victim = leastRecent();
      long high = index.high(victim);
      long low = index.low(victim);
      int victimWeight = weights[victim];
      unlink(victim);
      sink.evicted(high, low, victimWeight);
    }
  }

  @Override
  void unlink(int slot) {
    detach(node(slot));
    weightedSize -= weights[slot];
    index.remove(slot);
  }

  /** The slot of the least recently used key; the policy holds at least one. */
  private int leastRecent() {
    while (true) {
      if (generations == 1) {
        openGeneration();
      }
      if (!oldestSorted) {
        sortOldest();
      }
      int sentinel = generationSentinel[0];
      int head = links[2 * sentinel + 1];
      if (head == sentinel) {
        dropOldest();
        continue;
      }
      int slot = head - maxGenerations;
      long stamp = index.aux(slot);
      if (stamp < generationStart[1]) {
        return slot;
      }
      detach(head);
      place(head, stamp);
    }
  }

  /**
   * Moves the keys of generation 0 touched since it was placed to their generations and links
   * the rest in stamp order.
   */
  private void sortOldest() {
    int sentinel = generationSentinel[0];
    long touched = generationStart[1];
    int count = 0;
    for (int n = links[2 * sentinel + 1]; n != sentinel; ) {
      int next = links[2 * n + 1];
      long stamp = index.aux(n - maxGenerations);
      if (stamp >= touched) {
        detach(n);
        place(n, stamp);
      } else {
        if (count == sortStamps.length) {
          int grown = Math.max(64, count * 2);
          sortStamps = Arrays.copyOf(sortStamps, grown);
          sortNodes = Arrays.copyOf(sortNodes, grown);
        }
        sortStamps[count] = stamp;
        sortNodes[count] = n;
        count++;
      }
      n = next;
    }
    StampSort.sort(sortStamps, sortNodes, count);
    links[2 * sentinel] = sentinel;
    links[2 * sentinel + 1] = sentinel;
    for (int i = 0; i < count; i++) {
      append(0, sortNodes[i]);
    }
    oldestSorted = true;
  }

  /** Appends a detached node to the latest generation that opened no later than its stamp. */
  private void place(int node, long stamp) {
    int g = generations - 1;
    while (generationStart[g] > stamp) {
      g--;
    }
    append(g, node);
  }

  private void openGenerationIfFull() {
    int newest = generations - 1;
    int target = (int) Math.max(minGeneration, Math.min(MAX_GENERATION, index.size() >> 7));
    if (generationPlaced[newest] >= target) {
      openGeneration();
    }
  }

  /** Opens a generation for stamps from the next tick on, merging two if all are open. */
  private void openGeneration() {
    if (generations == maxGenerations) {
      mergeSmallestPair();
    }
    int g = generations++;
    generationStart[g] = clock + 1;
    generationSentinel[g] = newSentinel();
    generationPlaced[g] = 0;
  }

  /** Splices the adjacent pair (oldest excluded) with the fewest placements into one generation. */
  private void mergeSmallestPair() {
    int best = 1;
    long bestPlaced = Long.MAX_VALUE;
    for (int g = 1; g + 1 < generations; g++) {
      long placed = (long) generationPlaced[g] + generationPlaced[g + 1];
      if (placed < bestPlaced) {
        bestPlaced = placed;
        best = g;
      }
    }
    int into = generationSentinel[best];
    int from = generationSentinel[best + 1];
    int first = links[2 * from + 1];
    if (first != from) {
      int last = links[2 * from];
      int tail = links[2 * into];
      links[2 * tail + 1] = first;
      links[2 * first] = tail;
      links[2 * last + 1] = into;
      links[2 * into] = last;
    }
    generationPlaced[best] = (int) Math.min(Integer.MAX_VALUE, bestPlaced);
    freeSentinels[freeSentinelCount++] = from;
    removeGeneration(best + 1);
  }

  /** Closes generation 0, which is empty. */
  private void dropOldest() {
    freeSentinels[freeSentinelCount++] = generationSentinel[0];
    removeGeneration(0);
    oldestSorted = false;
  }

  private void removeGeneration(int g) {
    int after = generations - g - 1;
    System.arraycopy(generationStart, g + 1, generationStart, g, after);
    System.arraycopy(generationSentinel, g + 1, generationSentinel, g, after);
    System.arraycopy(generationPlaced, g + 1, generationPlaced, g, after);
    generations--;
  }

  private int newSentinel() {
    int sentinel = freeSentinels[--freeSentinelCount];
    links[2 * sentinel] = sentinel;
    links[2 * sentinel + 1] = sentinel;
    return sentinel;
  }

  private void append(int generation, int node) {
    int sentinel = generationSentinel[generation];
    int tail = links[2 * sentinel];
    links[2 * node] = tail;
    links[2 * node + 1] = sentinel;
    links[2 * tail + 1] = node;
    links[2 * sentinel] = node;
    if (generationPlaced[generation] != Integer.MAX_VALUE) {
      generationPlaced[generation]++;
    }
  }

  private void detach(int node) {
    int prev = links[2 * node];
    int next = links[2 * node + 1];
    links[2 * prev + 1] = next;
    links[2 * next] = prev;
  }

  private int node(int slot) {
    return maxGenerations + slot;
  }

  private void resetGenerations() {
    freeSentinelCount = 0;
    for (int s = maxGenerations - 1; s >= 0; s--) {
      freeSentinels[freeSentinelCount++] = s;
    }
    generations = 0;
    oldestSorted = false;
    openGeneration();
  }

  private void ensureCapacity() {
    int capacity = index.slotCapacity();
    if (capacity > weights.length) {
      weights = Arrays.copyOf(weights, capacity);
      links = Arrays.copyOf(links, 2 * (maxGenerations + capacity));
    }
  }

  @Override
  public void clear() {
    index.clear();
    weightedSize = 0;
    resetGenerations();
  }

  @Override
  public String toString() {
    return "lru[entries=" + index.size() + "/" + maximumEntries
        + ", weight=" + weightedSize + "/" + maximumWeight + ", generations=" + generations + "]";
  }
}
