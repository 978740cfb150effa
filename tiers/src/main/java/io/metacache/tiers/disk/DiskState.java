package io.metacache.tiers.disk;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The disk tier's state shared by every process that has the directory open: {@code disk.state},
 * one page mapped read-write into each of them, holding the total bytes and entry files the tier
 * counts against its cap. Updated with atomic adds on the mapping (Agrona's {@link UnsafeBuffer}
 * over a {@link MappedByteBuffer}), so a put in one process is counted in every other at once.
 * Specified in {@code docs/disk-format.md}.
 *
 * <pre>
 *  offset width field
 *   0     4    magic          'M' 'C' 'D' 'S' (0x4D 0x43 0x44 0x53 in file order)
 *   4     4    version        i32, 1
 *   8     56   reserved       0
 *  64     8    bytes          i64, total length of entry files (headers included); atomic adds
 * 128     8    entries        i64, number of entry files; atomic adds
 * 192     8    sweeps         i64, sweeps finished by any process
 * 4096         end (one page)
 * </pre>
 *
 * The counters live on separate cache lines so that adds from different processes to different
 * counters do not contend. They are estimates between sweeps: a process killed between a rename
 * and its add, or two processes writing one key in the same microseconds, leave them off by an
 * entry; the recovery at a lone open sets them from the files, and so does every sweep, give or
 * take the puts and removals that ran while it scanned.
 */
final class DiskState implements AutoCloseable {
  static final int MAGIC = 0x5344434D;  // "MCDS" read as a little-endian int
  static final int VERSION = 1;

  static final int MAGIC_OFFSET = 0;      // i32
  static final int VERSION_OFFSET = 4;    // i32
  static final int BYTES_OFFSET = 64;     // i64
  static final int ENTRIES_OFFSET = 128;  // i64
  static final int SWEEPS_OFFSET = 192;   // i64
  static final int IN_FLIGHT_OFFSET = 256; // i64: changes of the file set begun and not yet counted
  static final int CHANGES_OFFSET = 320;   // i64: changes of the file set counted so far
  static final int LENGTH = 4096;

  private final UnsafeBuffer buffer;

  private DiskState(MappedByteBuffer mapped) {
    this.buffer = new UnsafeBuffer(mapped);
  }

  /**
   * Maps the state file open on {@code channel}. With {@code initialize} (the caller has the
   * directory to itself) the file is sized and its header and counters written afresh; otherwise
   * it must already hold a state of this version.
   */
  static DiskState map(FileChannel channel, boolean initialize, String where) throws IOException {
    if (initialize) {
      if (channel.size() < LENGTH) {
        channel.write(java.nio.ByteBuffer.allocate(1), LENGTH - 1);  // grow to one page of zeros
      }
    } else if (channel.size() < LENGTH) {
      throw new IOException(where + " is " + channel.size() + " bytes long, not a disk state file of "
          + LENGTH + " bytes; another process has the directory open but has not written it");
    }
    DiskState state = new DiskState(channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH));
    if (initialize) {
      state.buffer.putLongVolatile(BYTES_OFFSET, 0);
      state.buffer.putLongVolatile(ENTRIES_OFFSET, 0);
      state.buffer.putIntVolatile(VERSION_OFFSET, VERSION);
      state.buffer.putIntVolatile(MAGIC_OFFSET, MAGIC);
    } else if (state.buffer.getIntVolatile(MAGIC_OFFSET) != MAGIC
        || state.buffer.getIntVolatile(VERSION_OFFSET) != VERSION) {
      int version = state.buffer.getIntVolatile(VERSION_OFFSET);
      state.close();
      throw new IOException(where + " is not a disk state file of version " + VERSION + " (found version "
          + version + ")");
    }
    return state;
  }

  long bytes() {
    return buffer.getLongVolatile(BYTES_OFFSET);
  }

  long entries() {
    return buffer.getLongVolatile(ENTRIES_OFFSET);
  }

  long sweeps() {
    return buffer.getLongVolatile(SWEEPS_OFFSET);
  }

  /** Counts a change of {@code bytes} and {@code entries}; returns the new byte total. */
  long add(long bytes, long entries) {
    if (entries != 0) {
      buffer.getAndAddLong(ENTRIES_OFFSET, entries);
    }
    return buffer.getAndAddLong(BYTES_OFFSET, bytes) + bytes;
  }

  /**
   * Corrects the totals after a count of the files: {@code bytesError} and {@code entriesError}
   * are what the totals held beyond the count when the count began, and are taken off with atomic
   * adds, so that adds made meanwhile by other processes are kept.
   */
  void correct(long bytesError, long entriesError) {
    if (bytesError != 0) {
      buffer.getAndAddLong(BYTES_OFFSET, -bytesError);
    }
    if (entriesError != 0) {
      buffer.getAndAddLong(ENTRIES_OFFSET, -entriesError);
    }
  }

  /** Sets the totals unconditionally: only for a process that has the directory to itself. */
  void reset(long bytes, long entries) {
    buffer.putLongVolatile(BYTES_OFFSET, bytes);
    buffer.putLongVolatile(ENTRIES_OFFSET, entries);
    buffer.putLongVolatile(IN_FLIGHT_OFFSET, 0); // a dead process's unfinished change is gone with it
  }

  /**
   * Marks the start of a change of the file set (a rename into place, a delete) that will be
   * counted with {@link #add}; {@link #endChange} after the add. A sweep corrects the totals by its
   * count of the files only if no change was in flight or made while it counted
   * ({@link #quietChanges}), so a file the count saw and its add are never both counted.
   */
  void beginChange() {
    buffer.getAndAddLong(IN_FLIGHT_OFFSET, 1);
  }

  void endChange() {
    buffer.getAndAddLong(CHANGES_OFFSET, 1);
    buffer.getAndAddLong(IN_FLIGHT_OFFSET, -1);
  }

  /** The number of changes counted so far if none is in flight now, else -1. */
  long quietChanges() {
    long changes = buffer.getLongVolatile(CHANGES_OFFSET);
    return buffer.getLongVolatile(IN_FLIGHT_OFFSET) == 0 ? changes : -1;
  }

  void countSweep() {
    buffer.getAndAddLong(SWEEPS_OFFSET, 1);
  }

  /**
   * Lets go of the mapping. It is not unmapped here: a thread of a closed tier may still be in
   * the middle of an add, and an add to an unmapped page would crash the JVM; the collector
   * unmaps it once nothing refers to it.
   */
  @Override
  public void close() {
    // Nothing to release eagerly: see above.
  }
}
