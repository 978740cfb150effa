package io.metacache.policy;

import java.util.Arrays;

/**
 * Maps 128-bit keys to dense int slots without one object per entry.
 *
 * <p>Two halves: a hash table with linear probing over parallel primitive arrays (two longs of key
 * and one int of slot per bucket), and a slot allocator that hands out dense slot numbers the
 * policies use as indexes into their own parallel node arrays (links, weights, queue ids). Slots
 * are recycled through a free stack; the slot space grows by doubling and the policies grow their
 * arrays to {@link #slotCapacity()} after an insert.
 *
 * <p>Deletion uses backward shifting (Knuth's Algorithm R), so there are no tombstones and probe
 * sequences stay as short as the load factor (at most one half) allows, however long the run of
 * inserts and removals.
 */
final class KeyIndex {

  /** A slot number meaning "absent". */
  static final int NONE = -1;

  private static final int MIN_BUCKETS = 16;
  private static final int MAX_BUCKETS = 1 << 30;

  // Hash table: bucket b holds key (keys[2b], keys[2b + 1]) and slot buckets[b] - 1; 0 is empty.
  private long[] keys;
  private int[] buckets;
  private int mask;
  private int size;

  // Slot allocator and the key of every live slot (for eviction reports and removal).
  private long[] slotHigh;
  private long[] slotLow;
  private int[] freeSlots;
  private int freeCount;
  private int nextUnused;

  /** An index sized for about {@code expectedSize} keys before it first grows. */
  KeyIndex(int expectedSize) {
    int slots = Math.max(8, Math.min(expectedSize, 1 << 16));
    slotHigh = new long[slots];
    slotLow = new long[slots];
    freeSlots = new int[slots];
    allocateTable(tableSizeFor(slots));
  }

  private static int tableSizeFor(int entries) {
    long wanted = Math.max(MIN_BUCKETS, (long) entries * 2);
    long pow = Long.highestOneBit(wanted - 1) << 1;
    return (int) Math.min(MAX_BUCKETS, pow);
  }

  private void allocateTable(int capacity) {
    keys = new long[capacity * 2];
    buckets = new int[capacity];
    mask = capacity - 1;
  }

  /** Number of keys held. */
  int size() {
    return size;
  }

  /** Length every per-slot array of a policy must have. */
  int slotCapacity() {
    return slotHigh.length;
  }

  /** High half of the key held in {@code slot}. */
  long high(int slot) {
    return slotHigh[slot];
  }

  /** Low half of the key held in {@code slot}. */
  long low(int slot) {
    return slotLow[slot];
  }

  /** The slot of the key, or {@link #NONE}. */
  int find(long hash, long high, long low) {
    int b = (int) hash & mask;
    while (true) {
      int s = buckets[b];
      if (s == 0) {
        return NONE;
      }
      if (keys[b << 1] == high && keys[(b << 1) + 1] == low) {
        return s - 1;
      }
      b = (b + 1) & mask;
    }
  }

  /** Adds a key known to be absent and returns its new slot. */
  int insert(long hash, long high, long low) {
    if (size >= (buckets.length >>> 1)) {
      if (buckets.length >= MAX_BUCKETS) {
        throw new IllegalStateException("Key index is full at " + size + " keys");
      }
      rehash(buckets.length << 1);
    }
    int slot = allocateSlot();
    slotHigh[slot] = high;
    slotLow[slot] = low;
    int b = (int) hash & mask;
    while (buckets[b] != 0) {
      b = (b + 1) & mask;
    }
    keys[b << 1] = high;
    keys[(b << 1) + 1] = low;
    buckets[b] = slot + 1;
    size++;
    return slot;
  }

  /** Removes the key held in a live {@code slot} and frees the slot. */
  void remove(int slot) {
    long high = slotHigh[slot];
    long low = slotLow[slot];
    int b = (int) KeyHash.hash(high, low) & mask;
    while (buckets[b] != slot + 1) {
      b = (b + 1) & mask;
    }
    // Backward shift: pull later members of the probe run into the gap when their home bucket
    // does not lie cyclically in (gap, i]; otherwise a later lookup would stop at the gap.
    int gap = b;
    int i = (b + 1) & mask;
    while (buckets[i] != 0) {
      int home = (int) KeyHash.hash(keys[i << 1], keys[(i << 1) + 1]) & mask;
      if (((i - home) & mask) >= ((i - gap) & mask)) {
        keys[gap << 1] = keys[i << 1];
        keys[(gap << 1) + 1] = keys[(i << 1) + 1];
        buckets[gap] = buckets[i];
        gap = i;
      }
      i = (i + 1) & mask;
    }
    buckets[gap] = 0;
    size--;
    freeSlots[freeCount++] = slot;
  }

  /** Visits every key held. */
  void forEachKey(EvictionPolicy.KeyVisitor visitor) {
    for (int b = 0; b < buckets.length; b++) {
      if (buckets[b] != 0) {
        visitor.visit(keys[b << 1], keys[(b << 1) + 1]);
      }
    }
  }

  /** Forgets every key; the arrays keep their size. */
  void clear() {
    Arrays.fill(buckets, 0);
    size = 0;
    freeCount = 0;
    nextUnused = 0;
  }

  private int allocateSlot() {
    if (freeCount > 0) {
      return freeSlots[--freeCount];
    }
    if (nextUnused == slotHigh.length) {
      int grown = (int) Math.min(Integer.MAX_VALUE - 8, (long) slotHigh.length << 1);
      if (grown == slotHigh.length) {
        throw new IllegalStateException("Key index is full at " + size + " keys");
      }
      slotHigh = Arrays.copyOf(slotHigh, grown);
      slotLow = Arrays.copyOf(slotLow, grown);
      freeSlots = Arrays.copyOf(freeSlots, grown);
    }
    return nextUnused++;
  }

  private void rehash(int capacity) {
    long[] oldKeys = keys;
    int[] oldBuckets = buckets;
    allocateTable(capacity);
    for (int ob = 0; ob < oldBuckets.length; ob++) {
      int s = oldBuckets[ob];
      if (s != 0) {
        long high = oldKeys[ob << 1];
        long low = oldKeys[(ob << 1) + 1];
        int b = (int) KeyHash.hash(high, low) & mask;
        while (buckets[b] != 0) {
          b = (b + 1) & mask;
        }
        keys[b << 1] = high;
        keys[(b << 1) + 1] = low;
        buckets[b] = s;
      }
    }
  }
}
