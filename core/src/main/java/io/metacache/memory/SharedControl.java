package io.metacache.memory;

import static io.metacache.memory.SharedControlLayout.*;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * The control file of a shared memory tier ({@link SharedControlLayout}): the counters every
 * process updates with atomic instructions on the mapped file, the ring of policy events, and the
 * eviction owner's lock ({@code <map>.owner}).
 *
 * <p>Only the first user (the one that finds no other live user, under the open lock) creates or
 * resets the file; every later user joins it and checks its geometry, so two processes with
 * different memory-tier settings never share a map whose sizing argument one of them would void.
 */
final class SharedControl implements AutoCloseable {
  private final Path ownerFile;
  private final MappedByteBuffer mapped;
  private final UnsafeBuffer header;
  private final ManyToOneRingBuffer ring;
  private final AtomicBuffer ringBuffer;
  private final int readsWatermark;
  private ProcessFileLock ownerLock;

  private SharedControl(Path mapFile, MappedByteBuffer mapped) {
    this.ownerFile = mapFile.resolveSibling(mapFile.getFileName() + ".owner");
    this.mapped = mapped;
    this.header = new UnsafeBuffer(mapped);
    int capacity = (int) header.getLong(RING_CAPACITY_OFFSET);
    this.ringBuffer = new UnsafeBuffer(header.addressOffset() + HEADER_LENGTH,
        capacity + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH);
    this.ring = new ManyToOneRingBuffer(ringBuffer);
    this.readsWatermark = capacity / 2;
  }

  static Path controlFileOf(Path mapFile) {
    return mapFile.resolveSibling(mapFile.getFileName() + ".ctl");
  }

  /** Creates the file afresh (any old one is replaced): only the sole user may, under the open lock. */
  static SharedControl create(Path mapFile, long geometry) throws IOException {
    Path path = controlFileOf(mapFile);
    Files.deleteIfExists(path);
    MappedByteBuffer mapped = IoUtil.mapNewFile(path.toFile(), fileLength(RING_CAPACITY), true);
    io.metacache.internal.PrivateFiles.restrict(path); // Agrona creates it new, with the umask's mode
    UnsafeBuffer h = new UnsafeBuffer(mapped);
    h.putInt(VERSION_OFFSET, VERSION);
    h.putLong(GEOMETRY_OFFSET, geometry);
    h.putLong(RING_CAPACITY_OFFSET, RING_CAPACITY);
    h.putIntOrdered(MAGIC_OFFSET, MAGIC); // last: a joiner that sees the magic sees the rest
    return new SharedControl(mapFile, mapped);
  }

  /**
   * Maps the file another live user created. Throws {@link IncompatibleSharedTierException} when it
   * is missing, not a control file, or of another geometry.
   */
  static SharedControl join(Path mapFile, long geometry) throws IOException {
    Path path = controlFileOf(mapFile);
    File f = path.toFile();
    if (!f.isFile() || f.length() < HEADER_LENGTH) {
      throw new IncompatibleSharedTierException("the shared memory tier's control file " + path
          + " is missing or truncated while other processes use the map");
    }
    MappedByteBuffer mapped = IoUtil.mapExistingFile(f, "metacache shared memory control");
    UnsafeBuffer h = new UnsafeBuffer(mapped);
    String problem = null;
    if (h.getIntVolatile(MAGIC_OFFSET) != MAGIC || h.getInt(VERSION_OFFSET) != VERSION) {
      problem = "is not a version-" + VERSION + " control file";
    } else if (h.getLong(GEOMETRY_OFFSET) != geometry) {
      problem = "belongs to a map of another geometry (other metacache.memory.* settings)";
    } else if (f.length() != fileLength((int) h.getLong(RING_CAPACITY_OFFSET))) {
      problem = "has the wrong length";
    }
    if (problem != null) {
      IoUtil.unmap(mapped);
      throw new IncompatibleSharedTierException(path + " " + problem);
    }
    return new SharedControl(mapFile, mapped);
  }

  // ---------------------------------------------------------------------------------------------
  // Counters

  long pendingWrites() {
    return header.getLongVolatile(PENDING_WRITES_OFFSET);
  }

  boolean compareAndSetPendingWrites(long expected, long updated) {
    return header.compareAndSetLong(PENDING_WRITES_OFFSET, expected, updated);
  }

  void addStoredBytes(long delta) {
    header.getAndAddLong(STORED_BYTES_OFFSET, delta);
  }

  long storedBytes() {
    return header.getLongVolatile(STORED_BYTES_OFFSET);
  }

  long reconcileRequests() {
    return header.getLongVolatile(RECONCILE_REQUESTS_OFFSET);
  }

  void requestReconcile() {
    header.getAndAddLong(RECONCILE_REQUESTS_OFFSET, 1);
  }

  void markDirty() {
    header.putLongVolatile(DIRTY_OFFSET, 1);
  }

  boolean dirty() {
    return header.getLongVolatile(DIRTY_OFFSET) != 0;
  }

  /** How many times a lock of this segment (or of one sharing its counter) has been broken. */
  long lockBreaks(int segment) {
    return header.getLongVolatile(lockBreaksOffset(segment));
  }

  /** Counts a broken lock of the segment; under the open lock. */
  void countLockBreak(int segment) {
    header.getAndAddLong(lockBreaksOffset(segment), 1);
  }

  private static int lockBreaksOffset(int segment) {
    return SharedControlLayout.LOCK_BREAKS_OFFSET
        + Long.BYTES * Math.floorMod(segment, SharedControlLayout.LOCK_BREAK_COUNTERS);
  }

  /** Adds to the count of users with the map open; under the open lock. */
  void addUsers(long delta) {
    header.getAndAddLong(USERS_OFFSET, delta);
  }

  /** Users with the map open, this one included (a dead user counts until a scan finds it). */
  long users() {
    return header.getLongVolatile(USERS_OFFSET);
  }

  // ---------------------------------------------------------------------------------------------
  // Events

  /** Publishes one policy event; false if the ring is full (the caller requests a reconcile). */
  boolean publishEvent(int type, long keyHigh, long keyLow, int weight, long expiresAt) {
    int index = ring.tryClaim(MSG_EVENT, EVENT_LENGTH);
    if (index < 0) {
      return false;
    }
    ringBuffer.putInt(index + EVENT_TYPE_OFFSET, type);
    ringBuffer.putInt(index + EVENT_WEIGHT_OFFSET, weight);
    ringBuffer.putLong(index + EVENT_KEY_HIGH_OFFSET, keyHigh);
    ringBuffer.putLong(index + EVENT_KEY_LOW_OFFSET, keyLow);
    ringBuffer.putLong(index + EVENT_EXPIRES_AT_OFFSET, expiresAt);
    ring.commit(index);
    return true;
  }

  /**
   * Publishes a batch of read events (key pairs) unless the ring is over half full: reads are
   * lossy, and the upper half stays for write events, which are not.
   */
  boolean publishReads(long[] keyPairs, int count) {
    if (count == 0 || ring.size() > readsWatermark) {
      return false;
    }
    int length = count * 16;
    int index = ring.tryClaim(MSG_READS, length);
    if (index < 0) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      ringBuffer.putLong(index + 16 * i, keyPairs[2 * i]);
      ringBuffer.putLong(index + 16 * i + 8, keyPairs[2 * i + 1]);
    }
    ring.commit(index);
    return true;
  }

  /** Reads up to {@code limit} messages; the owner only. */
  int consume(MessageHandler handler, int limit) {
    return ring.read(handler, limit);
  }

  long producerPosition() {
    return ring.producerPosition();
  }

  long consumerPosition() {
    return ring.consumerPosition();
  }

  boolean ringEmpty() {
    return ring.producerPosition() == ring.consumerPosition();
  }

  /** Skips a record that a producer claimed and never committed (it died); see Agrona's unblock. */
  boolean unblock() {
    return ring.unblock();
  }

  // ---------------------------------------------------------------------------------------------
  // Ownership

  /** Takes the eviction owner's lock if it is free; true if this instance holds it now. */
  boolean tryTakeOwnership() throws IOException {
    if (ownerLock != null) {
      return true;
    }
    ownerLock = ProcessFileLock.tryAcquire(ownerFile);
    if (ownerLock == null) {
      return false;
    }
    header.getAndAddLong(OWNER_EPOCH_OFFSET, 1);
    header.putLongVolatile(OWNER_PID_OFFSET, ProcessHandle.current().pid());
    return true;
  }

  void releaseOwnership() {
    if (ownerLock != null) {
      header.putLongVolatile(OWNER_PID_OFFSET, 0);
      ownerLock.close();
      ownerLock = null;
    }
  }

  @Override
  public void close() {
    releaseOwnership();
    IoUtil.unmap(mapped);
  }
}
