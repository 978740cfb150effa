package io.metacache.memory;

import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Layout of a shared memory tier's control file, {@code <map>.ctl}: a header of counters that
 * every process updates atomically, then an Agrona many-to-one ring buffer that carries the
 * processes' policy events to the eviction owner. Native byte order (the file never leaves the
 * host). Every counter has a cache line of its own so processes do not false-share. Specified in
 * {@code docs/shared-memory-format.md}.
 *
 * <pre>
 *   offset  width  field
 *        0      4  magic, "MCSC" (0x4353434D read little-endian)
 *        4      4  version (1)
 *        8      8  geometry: a hash of the map's sizing; joiners must match it
 *       16      8  ring capacity in bytes (a power of two)
 *       64      8  pending writes: count (bits 40..63) and chunks (bits 0..39) of writes
 *                  not yet applied by the owner (the write permits, shared by all processes)
 *      128      8  stored bytes: the weights of the entries the map holds
 *      192      8  reconcile requests: bumped when a policy event could not be published;
 *                  the owner rebuilds its policy from the map when it changes
 *      256      8  dirty: non-zero once a user died while others kept the map open
 *      320      8  owner pid (0 when none), for diagnostics
 *      384      8  owner epoch: bumped by each new owner
 *      448      8  users: tier instances with the map open (dead ones are subtracted when found)
 *      512   8x8  lock breaks: segment locks broken so far, one counter per segment modulo 8,
 *                  bumped under the open lock (zero in files written before they existed)
 *     1024      -  ring buffer: capacity bytes, then RingBufferDescriptor.TRAILER_LENGTH
 * </pre>
 */
final class SharedControlLayout {
  static final int MAGIC = 0x4353434D;
  static final int VERSION = 1;
  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 4;
  static final int GEOMETRY_OFFSET = 8;
  static final int RING_CAPACITY_OFFSET = 16;
  static final int PENDING_WRITES_OFFSET = 64;
  static final int STORED_BYTES_OFFSET = 128;
  static final int RECONCILE_REQUESTS_OFFSET = 192;
  static final int DIRTY_OFFSET = 256;
  static final int OWNER_PID_OFFSET = 320;
  static final int OWNER_EPOCH_OFFSET = 384;
  /** Users with the map open: set to 1 by the creator, changed by opens and closes under the open lock. */
  static final int USERS_OFFSET = 448;
  /** Segment locks broken, one i64 per segment modulo {@link #LOCK_BREAK_COUNTERS}. */
  static final int LOCK_BREAKS_OFFSET = 512;
  static final int LOCK_BREAK_COUNTERS = 8;
  static final int HEADER_LENGTH = 1024;
  /** Ring bytes: about 26,000 events of 40 bytes, far above the write permits' 256. */
  static final int RING_CAPACITY = 1 << 20;

  /** Ring message types (Agrona requires them positive). */
  static final int MSG_EVENT = 1;
  static final int MSG_READS = 2;
  /** An event: type (int), weight (int), key high, key low, expires-at (longs). */
  static final int EVENT_TYPE_OFFSET = 0;
  static final int EVENT_WEIGHT_OFFSET = 4;
  static final int EVENT_KEY_HIGH_OFFSET = 8;
  static final int EVENT_KEY_LOW_OFFSET = 16;
  static final int EVENT_EXPIRES_AT_OFFSET = 24;
  static final int EVENT_LENGTH = 32;

  static long fileLength(int ringCapacity) {
    return HEADER_LENGTH + ringCapacity + RingBufferDescriptor.TRAILER_LENGTH;
  }

  private SharedControlLayout() {
  }
}
