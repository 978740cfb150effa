package io.metacache.memory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.locks.InterProcessDeadLockException;
import net.openhft.chronicle.hash.locks.InterProcessLock;
import net.openhft.chronicle.hash.locks.InterProcessReadWriteUpdateLock;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Takes a segment's write or update lock so that no process ever waits while it holds a lock, and
 * no process ever leaves a mark in the lock word while it waits.
 *
 * <p>Chronicle's own blocking {@code lock()} of a write lock, and its upgrade of an update lock to
 * a write lock, register the waiter in the segment's lock word (so that new readers hold back)
 * and wait up to the lock timeout counted in distinct milliseconds the waiting thread saw, which
 * on a loaded machine is many more seconds of wall time. Both defeat {@link DeadLockBreaker}: a
 * live process waiting for its upgrade holds its update lock, unmoving, for longer than any timeout
 * the breaker can wait out, so a breaker could take it for a dead process's lock; and a process
 * killed while it waited leaves its registration in the word for ever, after which no reader gets
 * in. Here a writer takes the write lock straight away, never by upgrade, and only by single
 * compare-and-set attempts ({@link InterProcessLock#tryLock()}), spinning briefly and then parking
 * for up to a millisecond between attempts, for the lock timeout measured on the monotonic clock.
 * So the only processes in a lock word are holders, each there for the microseconds of one
 * operation, and a word that stays unchanged for a whole timeout was left by the dead.
 */
final class SegmentLocks {
  private static final int SPINS = 64;
  private static final long FIRST_PARK_NANOS = 1_000;
  private static final long LAST_PARK_NANOS = 1_000_000;

  private SegmentLocks() {
  }

  /** Takes the write lock of the context's segment; the context must hold no lock yet. */
  static void write(InterProcessReadWriteUpdateLock context) {
    take(context.writeLock());
  }

  /**
   * Takes the update lock of a segment context, for a walk that only reads; the context must hold
   * no lock yet. Chronicle's segment contexts are segment locks, though their interface does not
   * say so.
   */
  static void update(MapSegmentContext<?, ?, ?> context) {
    take(((InterProcessReadWriteUpdateLock) context).updateLock());
  }

  /**
   * Takes {@code lock} by repeated attempts, or throws {@link InterProcessDeadLockException} after
   * Chronicle's lock timeout ({@code BigSegmentHeader.LOCK_TIMEOUT_SECONDS}), as its blocking
   * {@code lock()} does.
   */
  private static void take(InterProcessLock lock) {
    if (lock.tryLock()) {
      return;
    }
    for (int i = 0; i < SPINS; i++) {
      Thread.onSpinWait();
      if (lock.tryLock()) {
        return;
      }
    }
    long start = System.nanoTime();
    long timeout = TimeUnit.SECONDS.toNanos(BigSegmentHeader.LOCK_TIMEOUT_SECONDS);
    long park = FIRST_PARK_NANOS;
    do {
      LockSupport.parkNanos(park);
      if (lock.tryLock()) {
        return;
      }
      park = Math.min(park * 2, LAST_PARK_NANOS);
    } while (System.nanoTime() - start < timeout);
    throw new InterProcessDeadLockException("segment lock not acquired within "
        + BigSegmentHeader.LOCK_TIMEOUT_SECONDS + " s");
  }
}
