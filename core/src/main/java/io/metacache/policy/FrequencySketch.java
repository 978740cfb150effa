package io.metacache.policy;

import java.util.Arrays;

/**
 * A count-min sketch of 4-bit counters estimating how often each key was seen recently: the
 * admission filter's memory, well beyond the keys the cache holds.
 *
 * <p>The table is an array of longs, each holding sixteen 4-bit counters, grouped in blocks of
 * eight longs (one 64-byte cache line). A key's hash picks one block; the other half of the hash
 * picks one counter in each of four pairs of longs of that block, so the four counters of a key
 * cost one cache miss. The estimate is the minimum of the four; an increment raises all four that
 * are not saturated at 15.
 *
 * <p>Aging: after a sample of {@code 10 x capacity} increments every counter is halved (the odd
 * remainders are accounted for so the sample count stays honest), which keeps the sketch fresh
 * and the counters from saturating. The table grows with the cache while it warms up, so an
 * unbounded or huge entry limit does not allocate a huge table up front.
 */
final class FrequencySketch {

  private static final long RESET_MASK = 0x7777_7777_7777_7777L;
  private static final long ONE_MASK = 0x1111_1111_1111_1111L;
  private static final int SAMPLE_FACTOR = 10;
  private static final int MAX_CAPACITY = 1 << 26;

  private long[] table;
  private int blockMask;
  private int capacity;
  private long sampleSize;
  private long additions;

  /** A sketch for about {@code capacity} keys. */
  FrequencySketch(long capacity) {
    resize(capacity);
  }

  /** Keys the sketch is sized for. */
  int capacity() {
    return capacity;
  }

  /** Increments after which the counters are halved. */
  long sampleSize() {
    return sampleSize;
  }

  /** Grows (and clears) the table when the cache outgrows it. */
  void ensureCapacity(long keys) {
    if (keys > capacity && capacity < MAX_CAPACITY) {
      resize(keys);
    }
  }

  private void resize(long keys) {
    int wanted = (int) Math.max(8, Math.min(MAX_CAPACITY, keys));
    int length = Integer.highestOneBit(wanted - 1) << 1;
    table = new long[Math.max(8, length)];
    blockMask = (table.length >>> 3) - 1;
    capacity = wanted;
    sampleSize = (long) SAMPLE_FACTOR * wanted;
    additions = 0;
  }

  /** The estimated recent frequency of the key with this hash, 0 to 15. */
  int frequency(long hash) {
    int block = ((int) hash & blockMask) << 3;
    int counterHash = rehash((int) (hash >>> 32));
    int frequency = 15;
    for (int i = 0; i < 4; i++) {
      int h = counterHash >>> (i << 3);
      int shift = ((h >>> 1) & 15) << 2;
      int word = block + (h & 1) + (i << 1);
      frequency = Math.min(frequency, (int) ((table[word] >>> shift) & 0xFL));
    }
    return frequency;
  }

  /** Counts one occurrence of the key with this hash; ages the sketch at the end of a sample. */
  void increment(long hash) {
    int block = ((int) hash & blockMask) << 3;
    int counterHash = rehash((int) (hash >>> 32));
    boolean added = false;
    for (int i = 0; i < 4; i++) {
      int h = counterHash >>> (i << 3);
      int shift = ((h >>> 1) & 15) << 2;
      int word = block + (h & 1) + (i << 1);
      long mask = 0xFL << shift;
      long value = table[word];
      if ((value & mask) != mask) {
        table[word] = value + (1L << shift);
        added = true;
      }
    }
    if (added && ++additions >= sampleSize) {
      age();
    }
  }

  /** Halves every counter. */
  void age() {
    long odd = 0;
    for (int i = 0; i < table.length; i++) {
      odd += Long.bitCount(table[i] & ONE_MASK);
      table[i] = (table[i] >>> 1) & RESET_MASK;
    }
    additions = Math.max(0, (additions - (odd >>> 2)) >>> 1);
  }

  /** Forgets every count. */
  void clear() {
    Arrays.fill(table, 0L);
    additions = 0;
  }

  private static int rehash(int x) {
    x *= 0x31848BAB;
    x ^= x >>> 14;
    return x;
  }
}
