package io.metacache;

import io.metacache.memory.MemoryTier;

/**
 * The monitors that order every change of one key, and the generation counters that let a reader
 * see whether a key changed while it read.
 *
 * <p>Keys hash to one of {@value #STRIPES} stripes, each with a monitor and a generation counter.
 * Every writer of a key (put, key/value set, invalidation, promotion) takes the stripe's monitor,
 * bumps the generation before touching the memory tier, and publishes to the write-behind pipeline
 * before letting go, so the ring's order per key is the order in which the memory tier changed. A
 * reader that found an entry in a lower tier reads the generation before it looks, and promotes
 * only if, under the monitor, the generation is still the one it saw: a put or invalidation made
 * meanwhile wins. Memory-tier hits take no lock.
 *
 * <p>Callers hold {@link #lock(int)} around {@link #current(int)} and {@link #bump(int)}.
 */
final class KeyStripes implements IndexKeeper.AbsentCheck {
  static final int STRIPES = 1024;

  private final Object[] locks = new Object[STRIPES];
  private final long[] generations = new long[STRIPES];
  private final MemoryTier memory;

  KeyStripes(MemoryTier memory) {
    this.memory = memory;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  static int stripe(long hi, long lo) {
    long h = hi ^ lo;
    return (int) (h ^ (h >>> 32)) & (STRIPES - 1);
  }

  /** The stripe's monitor. */
  Object lock(int stripe) {
    return locks[stripe];
  }

  /** The stripe's generation; the caller holds its monitor. */
  long current(int stripe) {
    return generations[stripe];
  }

  /** Marks a change of a key of the stripe; the caller holds its monitor. */
  void bump(int stripe) {
    generations[stripe]++;
  }

  /** The stripe's generation, read under its monitor. */
  long generation(int stripe) {
    synchronized (locks[stripe]) {
      return generations[stripe];
    }
  }

  /** Marks every key changed (a clear), one stripe at a time. */
  void bumpAll() {
    for (int s = 0; s < STRIPES; s++) {
      synchronized (locks[s]) {
        generations[s]++;
      }
    }
  }

  /** The query index's eviction check: drops the key's document if memory still lacks the key. */
  @Override
  public void dropIfAbsent(long hi, long lo, Runnable drop) {
    synchronized (locks[stripe(hi, lo)]) {
      if (!memory.contains(hi, lo)) {
        drop.run();
      }
    }
  }
}
