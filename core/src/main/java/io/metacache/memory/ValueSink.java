package io.metacache.memory;

import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.BytesStore;
import org.agrona.MutableDirectBuffer;

/**
 * The Chronicle value type of the tier: not a value but a reusable, per-thread instruction for
 * what to do with the stored bytes while the segment's read lock is held. {@link ValueSinkReader}
 * checks expiry in place and then copies the bytes into a caller's buffer, into a new array, or
 * nowhere, and reports the length here. As a source ({@link ValueSinkDataAccess}) it names a
 * region of bytes to store.
 *
 * <p>The time expiry is judged by is read before the lookup ({@link #readClock}) when the tier
 * may hold expiring entries, and otherwise only if the entry read carries an expiry. Reading the
 * clock ({@code clock_gettime}, ordered with the loads around it) between the map's lookup and
 * its copy of the entry keeps the processor from overlapping the two. Measured at 1M entries of
 * 1 KiB with the policy's replay switched off (a scratch build), as a ratio to raw Chronicle
 * {@code getUsing}: about 1.16 with the clock read there, 1.08-1.15 with it read before the
 * lookup, 1.07-1.12 with no clock read; in the full tier the gain is smaller (medians of nine
 * paired runs 1.285 and 1.270).
 */
final class ValueSink {

  /** {@link #length} when the entry was absent. */
  static final int ABSENT = -1;
  /** {@link #length} when the entry had expired; nothing was copied. */
  static final int EXPIRED = -2;

  static final int COPY = 0;
  static final int ALLOCATE = 1;
  static final int PEEK = 2;

  /** {@link #now} when the clock was not read before the lookup. */
  static final long NOT_READ = Long.MIN_VALUE;

  private final LongSupplier clock;
  /** The time read before the lookup, or {@link #NOT_READ}. */
  private long now = NOT_READ;

  int mode;
  MutableDirectBuffer destination;
  int destinationOffset;
  /** Length read, {@link #ABSENT} or {@link #EXPIRED}. */
  int length;
  /** The copy made in {@link #ALLOCATE} mode. */
  byte[] allocated;

  BytesStore<?, ?> source;
  long sourceOffset;
  long sourceLength;

  ValueSink(LongSupplier clock) {
    this.clock = clock;
  }

  ValueSink copyInto(MutableDirectBuffer buffer, int offset) {
    mode = COPY;
    destination = buffer;
    destinationOffset = offset;
    length = ABSENT;
    now = NOT_READ;
    return this;
  }

  ValueSink allocate() {
    mode = ALLOCATE;
    destination = null;
    allocated = null;
    length = ABSENT;
    now = NOT_READ;
    return this;
  }

  ValueSink peek() {
    mode = PEEK;
    destination = null;
    length = ABSENT;
    now = NOT_READ;
    return this;
  }

  /** Reads the clock now, before the lookup, if {@code expiring}; else leaves it for later. */
  ValueSink readClock(boolean expiring) {
    now = expiring ? clock.getAsLong() : NOT_READ;
    return this;
  }

  /** The time to judge an entry's expiry by: read before the lookup, or now. */
  long now() {
    long read = now;
    return read != NOT_READ ? read : clock.getAsLong();
  }

  /** Forgets the caller's buffers so the per-thread sink keeps nothing reachable. */
  void release() {
    destination = null;
    allocated = null;
    source = null;
  }
}
