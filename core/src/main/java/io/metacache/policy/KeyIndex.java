package io.metacache.policy;

import java.util.Arrays;

/**
 * Maps 128-bit keys to dense int slots without one object per entry.
 *
 * <p>A hash table with linear probing whose bucket is four longs, 32 bytes: the key's two halves,
 * the slot number plus one (0 is an empty bucket), and one long the policy may keep for the key
 * ({@link #auxAt}; LRU keeps its stamp there). A lookup and the policy's use of the key's long
 * read and write one bucket, one cache line in most cases. A slot allocator hands out dense slot
 * numbers the policies use as indexes into their own parallel arrays (links, weights, queue ids),
 * and remembers each live slot's bucket; slots are recycled through a free stack, the slot space
 * grows by doubling and the policies grow their arrays to {@link #slotCapacity()} after an insert.
 *
 * <p>Deletion uses backward shifting (Knuth's Algorithm R), so there are no tombstones and probe
 * sequences stay as short as the load factor (at most one half, three quarters at the largest
 * table) allows, however long the run of inserts and removals.
 */
final class KeyIndex {

  /** A slot number meaning "absent". */
  static final int NONE = -1;

  private static final int MIN_BUCKETS = 16;
  private static final int MAX_BUCKETS = 1 << 28;
  /**
   * Most keys: a load of three quarters at the largest table (whose longs fill a Java array),
   * above the memory tier's 2^27 entries plus its unapplied writes.
   */
  static final int MAX_KEYS = MAX_BUCKETS / 4 * 3;
  /** Longs per bucket: key high, key low, slot + 1, aux. */
  private static final int STRIDE = 4;

  private long[] table;
  private int mask;
  private int size;

  // Slot allocator and the bucket of every live slot.
  private int[] bucketOfSlot;
  private int[] freeSlots;
  private int freeCount;
  private int nextUnused;

  /** An index sized for about {@code expectedSize} keys before it first grows. */
  KeyIndex(int expectedSize) {
    int slots = Math.max(8, Math.min(expectedSize, 1 << 16));
    bucketOfSlot = new int[slots];
    freeSlots = new int[slots];
    allocateTable(tableSizeFor(slots));
  }

  private static int tableSizeFor(int entries) {
    long wanted = Math.max(MIN_BUCKETS, (long) entries * 2);
    long pow = Long.highestOneBit(wanted - 1) << 1;
    return (int) Math.min(MAX_BUCKETS, pow);
  }

  private void allocateTable(int capacity) {
    table = new long[capacity * STRIDE];
    mask = capacity - 1;
  }

  /** Number of keys held. */
  int size() {
    return size;
  }

  /** Length every per-slot array of a policy must have. */
  int slotCapacity() {
    return bucketOfSlot.length;
  }

  /** High half of the key held in {@code slot}. */
  long high(int slot) {
    return table[STRIDE * bucketOfSlot[slot]];
  }

  /** Low half of the key held in {@code slot}. */
  long low(int slot) {
    return table[STRIDE * bucketOfSlot[slot] + 1];
  }

  /** The policy's long for the key held in {@code slot}; 0 when the key was inserted. */
  long aux(int slot) {
    return table[STRIDE * bucketOfSlot[slot] + 3];
  }

  void aux(int slot, long value) {
    table[STRIDE * bucketOfSlot[slot] + 3] = value;
  }

  /** The slot of the key, or {@link #NONE}. */
  int find(long hash, long high, long low) {
    int b = findBucket(hash, high, low);
    return b < 0 ? NONE : slotAt(b);
  }

  /** The bucket holding the key, or -1; valid until the next insert or removal. */
  int findBucket(long hash, long high, long low) {
    long[] t = table;
    int b = (int) hash & mask;
    while (true) {
      int at = STRIDE * b;
      if (t[at + 2] == 0) {
        return -1;
      }
      if (t[at] == high && t[at + 1] == low) {
        return b;
      }
      b = (b + 1) & mask;
    }
  }

  /** The slot of the key in a bucket {@link #findBucket} returned. */
  int slotAt(int bucket) {
    return (int) table[STRIDE * bucket + 2] - 1;
  }

  /** Sets the policy's long of the key in a bucket {@link #findBucket} returned. */
  void auxAt(int bucket, long value) {
    table[STRIDE * bucket + 3] = value;
  }

  /** Adds a key known to be absent and returns its new slot. */
  int insert(long hash, long high, long low) {
    int buckets = mask + 1;
    if (size >= buckets >>> 1) {
      if (buckets < MAX_BUCKETS) {
        rehash(buckets << 1);
      } else if (size >= MAX_KEYS) {
        throw new IllegalStateException("Key index is full at " + size + " keys");
      }
    }
    int slot = allocateSlot();
    int b = (int) hash & mask;
    while (table[STRIDE * b + 2] != 0) {
      b = (b + 1) & mask;
    }
    int at = STRIDE * b;
    table[at] = high;
    table[at + 1] = low;
    table[at + 2] = slot + 1L;
    table[at + 3] = 0;
    bucketOfSlot[slot] = b;
    size++;
    return slot;
  }

  /** Removes the key held in a live {@code slot} and frees the slot. */
  void remove(int slot) {
    // Backward shift: pull later members of the probe run into the gap when their home bucket
    // does not lie cyclically in (gap, i]; otherwise a later lookup would stop at the gap.
    long[] t = table;
    int gap = bucketOfSlot[slot];
    int i = (gap + 1) & mask;
    while (t[STRIDE * i + 2] != 0) {
      int at = STRIDE * i;
      int home = (int) KeyHash.hash(t[at], t[at + 1]) & mask;
      if (((i - home) & mask) >= ((i - gap) & mask)) {
        int to = STRIDE * gap;
        t[to] = t[at];
        t[to + 1] = t[at + 1];
        t[to + 2] = t[at + 2];
        t[to + 3] = t[at + 3];
        bucketOfSlot[(int) t[at + 2] - 1] = gap;
        gap = i;
      }
      i = (i + 1) & mask;
    }
    t[STRIDE * gap + 2] = 0;
    size--;
    freeSlots[freeCount++] = slot;
  }

  /** Visits every key held. */
  void forEachKey(EvictionPolicy.KeyVisitor visitor) {
    long[] t = table;
    for (int at = 0; at < t.length; at += STRIDE) {
      if (t[at + 2] != 0) {
        visitor.visit(t[at], t[at + 1]);
      }
    }
  }

  /** Forgets every key; the arrays keep their size. */
  void clear() {
    Arrays.fill(table, 0);
    size = 0;
    freeCount = 0;
    nextUnused = 0;
  }

  private int allocateSlot() {
    if (freeCount > 0) {
      return freeSlots[--freeCount];
    }
    if (nextUnused == freeSlots.length) {
      int grown = (int) Math.min(MAX_KEYS, (long) freeSlots.length << 1);
      if (grown == freeSlots.length) {
        throw new IllegalStateException("Key index is full at " + size + " keys");
      }
      bucketOfSlot = Arrays.copyOf(bucketOfSlot, grown);
      freeSlots = Arrays.copyOf(freeSlots, grown);
    }
    return nextUnused++;
  }

  private void rehash(int capacity) {
    long[] old = table;
    allocateTable(capacity);
    for (int from = 0; from < old.length; from += STRIDE) {
      if (old[from + 2] != 0) {
        int b = (int) KeyHash.hash(old[from], old[from + 1]) & mask;
        while (table[STRIDE * b + 2] != 0) {
          b = (b + 1) & mask;
        }
        int to = STRIDE * b;
        System.arraycopy(old, from, table, to, STRIDE);
        bucketOfSlot[(int) old[from + 2] - 1] = b;
      }
    }
  }
}
