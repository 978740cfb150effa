package io.metacache.memory;

import java.io.IOException;
import java.nio.file.Path;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a shared map's segment lock that a dead process held.
 *
 * <p>Chronicle Map keeps each segment's read/update/write lock as one word in the mapped file, so
 * a process killed inside a lock leaves it held. Chronicle gives up on a lock after
 * {@code net.openhft.chronicle.map.lockTimeoutSeconds} with {@code InterProcessDeadLockException};
 * metacache sets that to {@value #LOCK_TIMEOUT_SECONDS} s unless the user set it (a metacache
 * segment is held for microseconds). Then the breaker asks the user registry: if a user of the
 * map has died since, the stuck lock is presumed its. The word's lock counts (read count, update
 * and write bits) are reset with a compare-and-set against the counts seen at the timeout, on two
 * conditions. They must have kept that state for one more timeout: a lock that moves has a live
 * holder. This suffices because metacache's processes never wait while holding a lock and never
 * register as waiters ({@link SegmentLocks}): only holders are in the counts, each for the
 * microseconds of one operation. And no other waiter may have broken a lock of that segment
 * meanwhile (counted in the control file, checked and bumped under the open lock): the counts seen
 * may since have been reset and taken again, the same, by a live process. The word's wait count
 * is left as it is. The map is marked dirty: the dead process may have left the segment
 * half-written, so the next process that opens the map alone runs Chronicle's recovery. If no
 * user died, the lock is held by a live process that is stuck, and nothing is broken.
 */
final class DeadLockBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLockBreaker.class);
  static final int LOCK_TIMEOUT_SECONDS = 2;
  /** Where the read count and the update and write bits are in a segment's lock word. */
  private static final int COUNT_WORD_OFFSET = 0;
  private static final int UNLOCKED = 0;
  private static final String LOCK_TIMEOUT_PROPERTY = "net.openhft.chronicle.map.lockTimeoutSeconds";

  private DeadLockBreaker() {
  }

  /**
   * Sets Chronicle's segment-lock timeout to {@value #LOCK_TIMEOUT_SECONDS} s unless the user set
   * {@code net.openhft.chronicle.map.lockTimeoutSeconds}; the memory tier's class initializer calls
   * it, before any of its maps is built.
   */
  static void applyLockTimeout() {
    if (System.getProperty(LOCK_TIMEOUT_PROPERTY) == null) {
      BigSegmentHeader.LOCK_TIMEOUT_SECONDS = LOCK_TIMEOUT_SECONDS;
    }
  }

  /**
   * Breaks the lock of the key's segment if a user of the map has died; true if the caller should
   * retry its operation.
   */
  static boolean breakIfHolderDied(ChronicleMap<Key128, ?> map, Key128 key, Path mapFile,
      SharedTierUsers users, SharedControl control) {
    if (!(map instanceof VanillaChronicleHash)) {
      return false;
    }
    int segment;
    try (ExternalMapQueryContext<Key128, ?, ?> c = map.queryContext(key)) {
      segment = c.segmentIndex();
    }
    return breakSegmentIfHolderDied(map, segment, mapFile, users, control);
  }

  /**
   * Breaks the lock of segment {@code segment} if a user of the map has died; true if the caller
   * should retry its operation (a walk over the segment: an eviction owner's rebuild, a clear, an
   * enumeration).
   */
  static boolean breakSegmentIfHolderDied(ChronicleMap<Key128, ?> map, int segment, Path mapFile,
      SharedTierUsers users, SharedControl control) {
    if (!(map instanceof VanillaChronicleHash)) {
      return false;
    }
    long address = ((VanillaChronicleHash<?, ?, ?, ?>) map).segmentHeaderAddress(segment);
    // Chronicle keeps the counts in the word's first int, the wait count in its second
    UnsafeBuffer word = new UnsafeBuffer(address, Long.BYTES);
    // read before the word: a break by another waiter after this read shows at the reset below
    long breaks = control.lockBreaks(segment);
    int stuck = word.getIntVolatile(COUNT_WORD_OFFSET);
    if (stuck == UNLOCKED) {
      return true; // freed meanwhile
    }
    int dead;
    try (ProcessFileLock openLock = ProcessFileLock.acquire(SharedTierOpener.openLockFileOf(mapFile))) {
      dead = users.scan().deadFound();
      if (dead > 0) {
        // under the open lock: a scan reaps the dead users it finds, so another waiter's scan right
        // after this one finds none, and must find this flag set instead
        control.markDirty();
      }
    } catch (IOException e) {
      LOG.warn("cannot check the users of {} for a dead lock holder", mapFile, e);
      return false;
    }
    if (dead == 0 && !control.dirty()) {
      return false;
    }
    if (!stillStuck(word, stuck)) {
      return true; // the lock moved: its holder lives (or another process broke it); retry
    }
    try (ProcessFileLock openLock = ProcessFileLock.acquire(SharedTierOpener.openLockFileOf(mapFile))) {
      if (control.lockBreaks(segment) != breaks) {
        // Another waiter broke this lock while this one watched it: the same counts may now be a
        // live process's, taken between two samples (ABA), and must not be reset again.
        return true;
      }
      if (word.compareAndSetInt(COUNT_WORD_OFFSET, stuck, UNLOCKED)) {
        control.countLockBreak(segment);
        LOG.warn("{}: segment {} stayed locked for {} s after a process using the map died;"
            + " its lock was reset and the map will be recovered by the next process that opens it alone",
            mapFile, segment, BigSegmentHeader.LOCK_TIMEOUT_SECONDS);
      }
    } catch (IOException e) {
      LOG.warn("cannot take the open lock of {} to break a dead process's segment lock", mapFile, e);
      return false;
    }
    return true;
  }

  /**
   * Whether the lock word keeps the value {@code stuck} for one more lock timeout, sampled every
   * millisecond. The word has no owner: a waiter whose timeout fires just after a lock a dead
   * process left was broken, and a live process took the segment, sees a held lock too. A live
   * holder keeps a segment for microseconds, so only a lock that does not move for a whole
   * timeout is presumed dead.
   */
  private static boolean stillStuck(UnsafeBuffer word, int stuck) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(LOCK_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (word.getIntVolatile(COUNT_WORD_OFFSET) != stuck) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
    }
    return word.getIntVolatile(COUNT_WORD_OFFSET) == stuck;
  }
}
