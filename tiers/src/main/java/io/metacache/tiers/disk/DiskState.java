package io.metacache.tiers.disk;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
 *   4     4    version        i32, 2
 *   8     4    shard levels   i32, 1 (root/ab/) or 2 (root/ab/cd/); 0 read as 2
 *  12     52   reserved       0
 *  64     8    bytes          i64, total length of entry files (headers included); atomic adds
 * 128     8    entries        i64, number of entry files; atomic adds
 * 192     8    sweeps         i64, sweeps finished by any process
 * 256     8    in flight      i64, changes begun and not yet counted by processes without a slot
 * 320     8    changes        i64, changes of the file set counted so far
 * 4096  64x64  slots          one cache line per process: i64 at +0, its changes in flight
 * 8192         end (two pages)
 * </pre>
 *
 * <p>Each process that has the directory open holds one slot, claimed with an exclusive OS lock on
 * one byte of this file past its end ({@link #SLOT_LOCK_BASE} plus the slot's index); the OS drops
 * the lock when the process dies, so a slot whose lock can be taken belongs to nobody alive, and
 * its count of changes in flight (a process killed between the start of a change and its count)
 * is void. A process that finds every slot taken counts its changes in the shared
 * {@code in flight} field instead, which only a lone open clears.
 *
 * The counters live on separate cache lines so that adds from different processes to different
 * counters do not contend. They are estimates between sweeps: a process killed between a rename
 * and its add, or two processes writing one key in the same microseconds, leave them off by an
 * entry; the recovery at a lone open sets them from the files, and so does every sweep, give or
 * take the puts and removals that ran while it scanned.
 */
final class DiskState implements AutoCloseable {
  static final int MAGIC = 0x5344434D;  // "MCDS" read as a little-endian int
  static final int VERSION = 2;

  static final int MAGIC_OFFSET = 0;      // i32
  static final int VERSION_OFFSET = 4;    // i32
  /** i32: the directory's shard levels, 1 ({@code ab/}) or 2 ({@code ab/cd/}); 0 in version 1 files, which had 2. */
  static final int SHARD_LEVELS_OFFSET = 8;
  static final int BYTES_OFFSET = 64;     // i64
  static final int ENTRIES_OFFSET = 128;  // i64
  static final int SWEEPS_OFFSET = 192;   // i64
  static final int IN_FLIGHT_OFFSET = 256; // i64: changes in flight of processes without a slot
  static final int CHANGES_OFFSET = 320;   // i64: changes of the file set counted so far
  static final int SLOTS_OFFSET = 4096;
  static final int SLOTS = 64;
  static final int SLOT_STRIDE = 64;
  static final int LENGTH = SLOTS_OFFSET + SLOTS * SLOT_STRIDE;
  /** Where the one-byte lock of slot 0 lies in the file, far past its end. */
  static final long SLOT_LOCK_BASE = 1L << 32;

  private final UnsafeBuffer buffer;
  private final FileChannel channel;
  /** This process's slot and the lock that holds it; -1 and null without one. */
  private int slot = -1;
  private FileLock slotLock;

  private DiskState(MappedByteBuffer mapped, FileChannel channel) {
    this.buffer = new UnsafeBuffer(mapped);
    this.channel = channel;
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
    DiskState state = new DiskState(channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH), channel);
    if (initialize) {
      state.buffer.putLongVolatile(BYTES_OFFSET, 0);
      state.buffer.putLongVolatile(ENTRIES_OFFSET, 0);
      state.buffer.putLongVolatile(IN_FLIGHT_OFFSET, 0);
      for (int i = 0; i < SLOTS; i++) {
        state.buffer.putLongVolatile(slotOffset(i), 0);
      }
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

  /** Whether the file open on {@code channel} is a whole state file of this version. */
  static boolean holdsState(FileChannel channel) throws IOException {
    return channel.size() >= LENGTH && header(channel).getInt(MAGIC_OFFSET) == MAGIC
        && header(channel).getInt(VERSION_OFFSET) == VERSION;
  }

  /**
   * Whether the file open on {@code channel} is a state file of any version (its magic is there):
   * one of an earlier version is written afresh by a lone open, as an upgrade, not set aside.
   */
  static boolean isStateFile(FileChannel channel) throws IOException {
    return channel.size() >= 8 && header(channel).getInt(MAGIC_OFFSET) == MAGIC;
  }

  private static java.nio.ByteBuffer header(FileChannel channel) throws IOException {
    java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
    while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
      // read the magic and the version
    }
    return header;
  }

  /**
   * Writes a state file afresh while other processes have it mapped: the header, zero totals and
   * no change in flight. Their totals read zero until the next sweep counts the files (the
   * cache's expiry sweep runs every second); a change one of them had in flight is forgotten, and
   * its slot may go below zero when it is counted, which {@link #quietChanges} takes for none.
   */
  static DiskState repairInPlace(FileChannel channel) throws IOException {
    if (channel.size() < LENGTH) {
      channel.write(java.nio.ByteBuffer.allocate(1), LENGTH - 1);
    }
    DiskState state = new DiskState(channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH), channel);
    state.reset(0, 0);
    state.clearChanges();
    state.buffer.putIntVolatile(VERSION_OFFSET, VERSION);
    state.buffer.putIntVolatile(MAGIC_OFFSET, MAGIC);
    return state;
  }

  /** Zeroes the count of changes and every count of changes in flight (after a garbage state was written afresh). */
  void clearChanges() {
    buffer.putLongVolatile(IN_FLIGHT_OFFSET, 0);
    buffer.putLongVolatile(CHANGES_OFFSET, 0);
    for (int i = 0; i < SLOTS; i++) {
      buffer.putLongVolatile(slotOffset(i), 0);
    }
  }

  long bytes() {
    return buffer.getLongVolatile(BYTES_OFFSET);
  }

  /** The directory's shard levels: 1 or 2. */
  int shardLevels() {
    return buffer.getIntVolatile(SHARD_LEVELS_OFFSET) == 1 ? 1 : 2;
  }

  /** Records the directory's shard levels; only for a process that has the directory to itself. */
  void shardLevels(int levels) {
    buffer.putIntVolatile(SHARD_LEVELS_OFFSET, levels);
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
  }

  /**
   * Claims a slot for this process: the first whose lock no live process holds. Its count of
   * changes in flight, a dead process's, is cleared. Without a free slot the process counts its
   * changes in the shared field.
   */
  void join() throws IOException {
    for (int i = 0; i < SLOTS; i++) {
      FileLock lock = tryLockSlot(i);
      if (lock != null) {
        buffer.putLongVolatile(slotOffset(i), 0);
        slot = i;
        slotLock = lock;
        return;
      }
    }
  }

  /** The lock of slot {@code i} if no process holds it, else null. */
  private FileLock tryLockSlot(int i) throws IOException {
    try {
      return channel.tryLock(SLOT_LOCK_BASE + i, 1, false);
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return null;  // held by this JVM
    }
  }

  private static int slotOffset(int i) {
    return SLOTS_OFFSET + i * SLOT_STRIDE;
  }

  private int inFlightOffset() {
    return slot < 0 ? IN_FLIGHT_OFFSET : slotOffset(slot);
  }

  /**
   * Marks the start of a change of the file set (a rename into place, a delete) that will be
   * counted with {@link #add}; {@link #endChange} after the add. A sweep corrects the totals by its
   * count of the files only if no change was in flight or made while it counted
   * ({@link #quietChanges}), so a file the count saw and its add are never both counted.
   */
  void beginChange() {
    buffer.getAndAddLong(inFlightOffset(), 1);
  }

  void endChange() {
    buffer.getAndAddLong(CHANGES_OFFSET, 1);
    buffer.getAndAddLong(inFlightOffset(), -1);
  }

  /**
   * The number of changes counted so far if none is in flight now, else -1. A slot that counts
   * changes in flight but whose lock no live process holds is a dead process's: its count is
   * cleared, since that change will never be counted, and a sweep's count of the files has it
   * right.
   */
  long quietChanges() throws IOException {
    long changes = buffer.getLongVolatile(CHANGES_OFFSET);
    if (buffer.getLongVolatile(IN_FLIGHT_OFFSET) > 0) {
      return -1;
    }
    for (int i = 0; i < SLOTS; i++) {
      if (buffer.getLongVolatile(slotOffset(i)) <= 0) {
        continue;  // below zero only after a garbage state was written afresh under its process
      }
      if (i == slot) {
        return -1;
      }
      FileLock lock = tryLockSlot(i);
      if (lock == null) {
        return -1;  // a live process's change
      }
      try {
        buffer.putLongVolatile(slotOffset(i), 0);
      } finally {
        lock.release();
      }
    }
    return changes;
  }

  void countSweep() {
    buffer.getAndAddLong(SWEEPS_OFFSET, 1);
  }

  /**
   * Gives up the slot, and lets go of the mapping. It is not unmapped here: a thread of a closed tier may still be in
   * the middle of an add, and an add to an unmapped page would crash the JVM; the collector
   * unmaps it once nothing refers to it.
   */
  @Override
  public void close() {
    if (slotLock != null) {
      try {
        slotLock.release();
      } catch (IOException e) {
        // closing the channel releases it as well
      }
    }
  }
}
