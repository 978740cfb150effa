package io.metacache.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The ordered log of map mutations not yet applied to the eviction policy and the expiry index.
 *
 * <p>Every mutation of the map appends its event while it still holds the Chronicle segment lock
 * of its key, so the events of one key are in the order its mutations happened, and the policy,
 * replaying them in order, ends up holding exactly the keys the map holds. Nothing is ever
 * dropped. The append takes this buffer's spin lock for a few stores; it is never held while
 * waiting for anything else, so taking it under a segment lock cannot deadlock with the drainer,
 * which holds the policy lock and takes segment locks to evict. A spin lock rather than a monitor:
 * a contended monitor parks the thread, and on two cores a park and wake-up costs microseconds
 * against a critical section of nanoseconds.
 *
 * <p>The bound is kept by {@link MemoryTier}'s write permits, taken before the segment lock:
 * at most {@link ChronicleSizing#writePermits} user events are ever pending. Events the drainer
 * itself produces (evictions, expirations) need no permit, so the array may grow past the
 * bound; it never shrinks, and it is double-buffered so the drainer replays one array while
 * writers append to the other.
 */
final class WriteBuffer {

  /** An insert or update by a user; holds a write permit. */
  static final int WRITE = 0;
  /** Flag on {@link #WRITE}: the key was absent from the map, so this adds an entry. */
  static final int INSERT_FLAG = 1 << 8;
  /** A removal by a user (explicit, or an expired entry found on read); holds a write permit. */
  static final int REMOVE = 1;
  /** A removal by the drainer (eviction, expiry sweep, clear); holds no permit. */
  static final int INTERNAL_REMOVE = 2;
  /**
   * A user's removal in a shared tier that went ahead without a permit, because the eviction
   * owner did not return one in time; it must not return one either.
   */
  static final int UNPERMITTED_REMOVE = 3;

  /** Longs per event: key high, key low, type and weight, expires-at. */
  static final int STRIDE = 4;

  private long[] active;
  private int activeCount;
  private long[] spare;
  /** Mirrors {@code activeCount != 0} for a lock-free emptiness check. */
  private volatile boolean nonEmpty;

  WriteBuffer(int initialEvents) {
    this.active = new long[initialEvents * STRIDE];
    this.spare = new long[initialEvents * STRIDE];
  }

  private static final VarHandle BUSY;

  static {
    try {
      BUSY = MethodHandles.lookup().findVarHandle(WriteBuffer.class, "busy", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through BUSY
  private volatile int busy;

  private void lock() {
    int spins = 0;
    while (!BUSY.weakCompareAndSetAcquire(this, 0, 1)) {
      if (++spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the holder was descheduled mid-append
      }
    }
  }

  private void unlock() {
    BUSY.setRelease(this, 0);
  }

  void append(int type, long keyHigh, long keyLow, int weight, long expiresAt) {
    lock();
    try {
      append0(type, keyHigh, keyLow, weight, expiresAt);
    } finally {
      unlock();
    }
  }

  private void append0(int type, long keyHigh, long keyLow, int weight, long expiresAt) {
    int at = activeCount * STRIDE;
    if (at == active.length) {
      active = java.util.Arrays.copyOf(active, active.length * 2);
    }
    active[at] = keyHigh;
    active[at + 1] = keyLow;
    active[at + 2] = ((long) type << 32) | (weight & 0xFFFF_FFFFL);
    active[at + 3] = expiresAt;
    activeCount++;
    nonEmpty = true;
  }

  /** Whether events are waiting; a racy hint, exact once writers are quiet. */
  boolean isEmpty() {
    return !nonEmpty;
  }

  /**
   * Swaps the active array out and returns its event count; the events are then readable
   * through {@link #drained()} until the next call. Consumer side, single-threaded.
   */
  int swap() {
    if (!nonEmpty) {
      return 0;
    }
    lock();
    try {
      int count = activeCount;
      long[] full = active;
      active = spare;
      spare = full;
      activeCount = 0;
      nonEmpty = false;
      return count;
    } finally {
      unlock();
    }
  }

  /** The array swapped out by the last {@link #swap()}. */
  long[] drained() {
    return spare;
  }

  static int type(long packed) {
    return (int) (packed >>> 32) & ~INSERT_FLAG;
  }

  static boolean isInsert(long packed) {
    return ((packed >>> 32) & INSERT_FLAG) != 0;
  }

  static int weight(long packed) {
    return (int) packed;
  }
}
