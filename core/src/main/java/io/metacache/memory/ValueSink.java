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
 */
final class ValueSink {

  /** {@link #length} when the entry was absent. */
  static final int ABSENT = -1;
  /** {@link #length} when the entry had expired; nothing was copied. */
  static final int EXPIRED = -2;

  static final int COPY = 0;
  static final int ALLOCATE = 1;
  static final int PEEK = 2;

  private final LongSupplier clock;

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
    return this;
  }

  ValueSink allocate() {
    mode = ALLOCATE;
    destination = null;
    allocated = null;
    length = ABSENT;
    return this;
  }

  ValueSink peek() {
    mode = PEEK;
    destination = null;
    length = ABSENT;
    return this;
  }

  long now() {
    return clock.getAsLong();
  }

  /** Forgets the caller's buffers so the per-thread sink keeps nothing reachable. */
  void release() {
    destination = null;
    allocated = null;
    source = null;
  }
}
