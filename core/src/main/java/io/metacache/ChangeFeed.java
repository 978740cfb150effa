package io.metacache;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The change feed of a cache directory ({@code memory/changes.feed}): every process that shares
 * the directory's memory tier publishes the changes its per-process state must learn of (a put,
 * a removal, a clear, an eviction from a memory-only tier), and every process reads the others'
 * changes, without Redis. Each process keeps its query index in step with it.
 *
 * <h2>Layout</h2>
 * A 128-byte header (magic at 0, version at 4, slot count at 8, the tail: the next position to
 * claim, at 64) and then {@link #SLOTS} slots of 32 bytes: sequence (long: position + 1 once
 * published), type (int), origin (int: the publisher's instance id), key high, key low. Native
 * byte order; the file never leaves the host. Specified in {@code docs/shared-memory-format.md}.
 *
 * <h2>Protocol</h2>
 * A publisher claims a position with an atomic add on the tail, writes the slot's payload, then
 * its sequence with a store-release. A reader keeps its own position: it reads the slot's
 * sequence (acquire), the payload, then the sequence again; the event is taken only if both reads
 * say {@code position + 1}. A larger sequence means publishers lapped the reader (more than
 * {@link #SLOTS} changes since it last read), and a slot that stays unpublished while later ones
 * are claimed for {@link #STALL_NANOS} belongs to a publisher that died between claim and publish:
 * either way the reader has lost events and must rebuild what it keeps from the tiers. Nothing
 * ever blocks a publisher.
 */
final class ChangeFeed implements AutoCloseable {
  static final int STORED = 1;
  static final int REMOVED = 2;
  static final int CLEARED = 3;
  static final int EVICTED = 4;

  static final int SLOTS = 1 << 16;
  private static final int MAGIC = 0x4446434D; // "MCFD"
  private static final int VERSION = 1;
  private static final int HEADER = 128;
  private static final int TAIL_OFFSET = 64;
  private static final int SLOT = 32;
  static final long STALL_NANOS = 2_000_000_000L;
  private static final int ORIGIN_BITS = 0x7FFF_FFFF;

  /** What a reader does with each change of another process. */
  interface Listener {
    void changed(int type, long keyHigh, long keyLow);
  }

  private final MappedByteBuffer mapped;
  private final UnsafeBuffer buffer;
  private final int origin;
  private long position;
  private long stalledSince;

  private ChangeFeed(MappedByteBuffer mapped, int origin) {
    this.mapped = mapped;
    this.buffer = new UnsafeBuffer(mapped);
    this.origin = origin & ORIGIN_BITS;
    this.position = buffer.getLongVolatile(TAIL_OFFSET);
  }

  /** Opens (creating it atomically if absent) the feed file; the reader starts at the current tail. */
  static ChangeFeed open(Path file, int origin) throws IOException {
    io.metacache.internal.PrivateFiles.subdirectory(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      Path fresh = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-"
          + Integer.toHexString(origin) + ".new");
      MappedByteBuffer m = IoUtil.mapNewFile(fresh.toFile(), HEADER + (long) SLOTS * SLOT, true);
      io.metacache.internal.PrivateFiles.restrict(fresh); // before it is renamed into place
      UnsafeBuffer b = new UnsafeBuffer(m);
      b.putInt(4, VERSION);
      b.putInt(8, SLOTS);
      b.putIntVolatile(0, MAGIC);
      m.force();
      IoUtil.unmap(m);
      try {
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(fresh); // another process created it first
      }
    }
    MappedByteBuffer m = IoUtil.mapExistingFile(file.toFile(), "metacache change feed");
    UnsafeBuffer b = new UnsafeBuffer(m);
    if (m.capacity() != HEADER + SLOTS * SLOT || b.getIntVolatile(0) != MAGIC || b.getInt(4) != VERSION
        || b.getInt(8) != SLOTS) {
      IoUtil.unmap(m);
      throw new IOException(file + " is not a version-" + VERSION + " change feed");
    }
    return new ChangeFeed(m, origin);
  }

  /** Publishes one change; never blocks. */
  void publish(int type, long keyHigh, long keyLow) {
    long claimed = buffer.getAndAddLong(TAIL_OFFSET, 1);
    int at = slot(claimed);
    buffer.putInt(at + 8, type);
    buffer.putInt(at + 12, origin);
    buffer.putLong(at + 16, keyHigh);
    buffer.putLong(at + 24, keyLow);
    buffer.putLongOrdered(at, claimed + 1);
  }

  /**
   * Hands the other processes' changes published since the last call to {@code listener}; false
   * if changes were lost (lapped, or a dead publisher's slot), in which case the reader has moved
   * to the tail and must rebuild. Single reader per instance: callers serialise.
   */
  boolean poll(Listener listener) {
    long tail = buffer.getLongVolatile(TAIL_OFFSET);
    while (position < tail) {
      int at = slot(position);
      long sequence = buffer.getLongVolatile(at);
      if (sequence == position + 1) {
        int type = buffer.getInt(at + 8);
        int from = buffer.getInt(at + 12);
        long high = buffer.getLong(at + 16);
        long low = buffer.getLong(at + 24);
        if (buffer.getLongVolatile(at) != position + 1) {
          return lost(tail);
        }
        position++;
        stalledSince = 0;
        if (from != origin) {
          listener.changed(type, high, low);
        }
      } else if (sequence > position + 1) {
        return lost(tail);
      } else {
        long now = System.nanoTime();
        if (stalledSince == 0) {
          stalledSince = now;
        } else if (now - stalledSince > STALL_NANOS) {
          return lost(tail);
        }
        return true; // being published; the next poll takes it
      }
    }
    return true;
  }

  /** Moves the reader to the tail (a rebuild will read the tiers from here on). */
  void skipToTail() {
    position = buffer.getLongVolatile(TAIL_OFFSET);
    stalledSince = 0;
  }

  private boolean lost(long tail) {
    position = tail;
    stalledSince = 0;
    return false;
  }

  private static int slot(long position) {
    return HEADER + (int) (position & (SLOTS - 1)) * SLOT;
  }

  @Override
  public void close() {
    IoUtil.unmap(mapped);
  }
}
