package io.metacache.memory;

import io.metacache.internal.PrivateFiles;
import io.metacache.internal.StoreQuarantine;
import io.metacache.codec.EntryLayout;
import io.metacache.policy.EvictionPolicies;
import io.metacache.policy.EvictionPolicy;
import io.metacache.policy.EvictionPolicy.EvictionSink;
import io.metacache.policy.EvictionPolicy.KeyVisitor;
import io.metacache.policy.PolicyKind;
import io.metacache.policy.ShadowHitRates;
import io.metacache.policy.ShadowPolicies;
import io.metacache.spi.EntryVisitor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.locks.InterProcessDeadLockException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The off-heap memory tier: encoded entries in a Chronicle Map keyed by 128-bit cache keys,
 * bounded by entry count and by bytes, with eviction, per-entry expiry and optional persistence.
 *
 * <h2>Storage</h2>
 *
 * Keys are the two longs of a {@code CacheKey}, stored as 16 native-order bytes; values are
 * encoded entries ({@link EntryLayout}), opaque to the tier except for the header's magic and
 * expires-at. The hit path ({@link #get(long, long, MutableDirectBuffer, int)}) goes through
 * Chronicle's optimized {@code getUsing}, with a per-thread key ({@link Key128}, served without
 * allocation by {@link Key128DataAccess}) and a per-thread {@link ValueSink} as the "value": its
 * reader runs under the segment read lock, checks expires-at in place and copies the stored bytes
 * straight into the caller's buffer. No value object, no allocation. Writes use a query context
 * with the update lock, wrapping the caller's bytes (reused per-thread wrappers) as the value.
 * {@link ChronicleSizing} derives the map geometry from the bounds so
 * that Chronicle's "extra segment tier" and "entry too large" failures cannot be reached; entries
 * above {@code maxEntryBytes} are refused (counted), since a lower tier may still keep them.
 *
 * <h2>Concurrency and eviction</h2>
 *
 * Caffeine's design, adapted to an off-heap map with no per-entry Java objects. The eviction
 * policy ({@link EvictionPolicy}: LRU, LFU or W-TinyLFU over primitive arrays) is
 * single-threaded; it is driven by replaying events under one policy lock:
 *
 * <ul>
 *   <li>Reads never wait for that lock. A hit records its key in a lossy, striped ring buffer
 *       ({@link ReadBuffer}); a full stripe drops the event. A reader thread owns a stripe of its
 *       own when one is free, and then neither its event nor its hit count takes an atomic
 *       instruction. When a stripe is half full the reader tries the lock and, if free, drains
 *       all buffers itself.
 *   <li>A put that replaces an entry of the same weight and expiry is, for the policy, an access
 *       (Caffeine treats such an update so too): it changes neither the map's occupancy nor its
 *       key set, so it takes no write permit and records its key in the read buffer.
 *   <li>Every other mutation of the map (put, remove, expired-on-read, and the tier's own evictions and
 *       expirations) appends an event to the write log ({@link WriteBuffer}) while it still
 *       holds the key's segment lock, so the events of one key are in mutation order and, once
 *       replayed, the policy holds exactly the map's keys. No write event is ever dropped. The
 *       log is striped by key (all events of a key in one stripe), so that writers of different
 *       keys do not contend on it; events of different keys are replayed stripe by stripe, which
 *       a single thread never sees, since each of its writes drains at once (unless the expiry
 *       sweeper holds the lock at that moment, when a few events may be replayed out of order).
 *   <li>Writes are bounded, not lossy: a writer takes one of {@code writePermits}, with its
 *       entry's weight out of a budget of {@code permitChunks}, before it changes the map (if
 *       none is free, it lets the segment lock go, waits for one, draining under the policy lock
 *       itself, and tries again) and the drainer returns both once the event is applied. After
 *       each write the writer tries the lock and drains.
 *   <li>The drainer replays reads, then writes. A write may make the policy choose victims; the
 *       drainer removes each from the map (taking its segment lock: lock order is always policy
 *       lock, then segment lock, then the write-log stripe's spin lock) and counts it by cause, entries or
 *       bytes. The removal logs its own event, so a victim re-put concurrently stays consistent.
 * </ul>
 *
 * The weight of an entry is what it occupies in the map: key, size prefix, value and checksum,
 * rounded up to Chronicle's chunk. The policy bounds the sum of weights to {@code maxBytes}; at
 * most {@code writePermits} writes, of at most {@code permitChunks} chunks together, are
 * unapplied at any moment, which bounds the overshoot.
 *
 * <h2>Expiry</h2>
 *
 * Expires-at (milliseconds, 0 = never) is read from the entry header on every read; an entry
 * whose time has come ({@code expiresAt <= now}) is a miss and is removed on the spot. Once the
 * tier has stored an entry with an expiry, reads take the time before the lookup rather than
 * between the lookup and the copy (see {@link ValueSink}). Writes with
 * an expiry add a record to a primitive min-heap ({@link ExpiryIndex}) when they are replayed;
 * {@link #runExpiry()} (called by one daemon thread every {@code expirySweepInterval}, or by
 * tests through an injected clock) pops only the records that are due and removes those entries
 * whose header still says they are due, so a tick costs O(due * log n), not a scan of the map.
 *
 * <h2>Persistence</h2>
 *
 * With a file, the map lives in that file. A clean {@link #close()} leaves a {@code .clean}
 * marker beside it, which the next open takes away before writing anything: with the marker the
 * file is simply reopened; without it the last process stopped uncleanly (a killed process leaves
 * segment locks held and entries half written) and {@code recoverPersistedTo} clears the locks and
 * drops entries whose checksum fails. At start the tier replays every stored entry into the policy in
 * order of the header's last-access time and into the expiry index, dropping expired ones. A
 * file that cannot be recovered, or was written with a different geometry, is moved aside and
 * the tier starts cold: it is a cache. Without a file the map is in anonymous memory.
 *
 * <p>All methods are thread-safe. {@link #close()} must not race other calls; calls after it
 * throw {@link IllegalStateException}.
 */
public final class MemoryTier implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryTier.class);

  static {
    DeadLockBreaker.applyLockTimeout();
  }
  private static final int SCRATCH_SLOTS = 64;
  /** {@link #removeEntry} condition meaning "whatever the entry's expiry". */
  private static final long UNCONDITIONAL = Long.MIN_VALUE;
  /** An event type for a removal the caller accounts itself: no bytes, no event. */
  private static final int UNLOGGED = -1;
  /** {@link #pendingWrites} packs a count of writes (high bits) and their chunks (low bits). */
  private static final int PERMIT_COUNT_SHIFT = 40;
  private static final long PERMIT_CHUNK_MASK = (1L << PERMIT_COUNT_SHIFT) - 1;
  /** Stripes of the write log: enough for a few cores to rarely meet (a power of two). */
  private static final int MAX_WRITE_STRIPES = 8;
  /** Read events the policy replays at once: enough to overlap their cache misses. */
  private static final int ACCESS_BATCH = 32;
  /** Outcomes of {@link #tryStore}. */
  private static final int STORED = 0;
  private static final int STORED_IN_PLACE = 1;
  private static final int NEEDS_PERMIT = 2;
  private static final int REFUSED = 3;
  private static final int RETRY = 4;
  private static final int PRESENT = 5;
  /** How often a shared tier's owner drains the other processes' events; non-owners try to take over. */
  static final long SHARED_MAINTENANCE_MILLIS = 2;
  /**
   * The longest a writer in a shared tier waits for a write permit that only the eviction owner
   * can return; then a put is refused (counted) and a removal goes ahead without one. Also how
   * long the owner lets a producer's claimed, uncommitted ring record block it before skipping it.
   */
  static final long SHARED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final ChronicleMap<Key128, ValueSink> map;
  private final ChronicleSizing sizing;
  /** The eviction policy; replaced when a shared tier's new owner rebuilds it. Under the lock. */
  private EvictionPolicy policy;
  /** Every policy on a sampled share of the keys, for the cache doctor; fed where the policy is. */
  private final ShadowPolicies shadow;
  private final PolicyKind policyKind;
  private final ReentrantLock policyLock = new ReentrantLock();
  private final ReadBuffer readBuffer = new ReadBuffer();
  /**
   * The write log, striped by key so that writers of different keys rarely share a lock or a
   * cache line; all events of one key go to one stripe, in the order of its mutations.
   */
  private final WriteBuffer[] writeStripes;
  private final int stripeMask;
  private final ExpiryIndex expiryIndex = new ExpiryIndex();
  /** Unapplied user writes: their count above {@link #PERMIT_COUNT_SHIFT}, their chunks below. */
  private final AtomicLong pendingWrites = new AtomicLong();
  /** A shared tier's control file (counters, event ring, owner lock); null for a private tier. */
  private final SharedControl shared;
  /** A shared tier's registration among the map's users; null for a private tier. */
  private final SharedTierUsers users;
  /** A shared tier's stat-fast-path records, opened and closed with the map; null for a private tier. */
  private final SharedStatMap statRecords;
  /**
   * Whether this instance runs the policy: always for a private tier; for a shared one, while it
   * holds the owner's lock. Written under the policy lock.
   */
  private volatile boolean owner;
  /** A shared tier's reconcile requests already answered; under the lock. */
  private long reconciledRequests;
  /** Read events a non-owner forwards to the owner, as key pairs; under the lock. */
  private final long[] forwardBatch = new long[2 * ACCESS_BATCH];
  private int forwardCount;
  private final KeyVisitor readForwarder = this::forwardAccess;
  private final org.agrona.concurrent.MessageHandler ringConsumer = this::onSharedEvent;
  /** When the owner first found the ring blocked by an uncommitted record (0 if not); drainer state. */
  private long ringStalledSince;
  private final ScheduledThreadPoolExecutor sharedMaintenance;
  private final ThreadLocal<ThreadScratch> scratchByThreadLocal = ThreadLocal.withInitial(this::newScratch);
  /**
   * A direct-mapped cache of scratches by thread id in front of the thread-local: a hit is an
   * array load and an owner check, cheaper than a {@link ThreadLocal} lookup that collides with
   * Chronicle's own thread-locals. Colliding threads fall back to the thread-local.
   */
  private final ThreadScratch[] scratchByThreadId = new ThreadScratch[SCRATCH_SLOTS];
  private final LongSupplier clock;
  private final long maxEntries;
  private final long maxBytes;
  private final int maxEntryBytes;
  private final Path file;
  private final ScheduledThreadPoolExecutor sweeper;
  private final KeyVisitor accessReplayer;
  private final EvictionSink evictionSink = this::evicted;
  private final EvictionListener evictionListener;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictedBySize = new LongAdder();
  private final LongAdder evictedByBytes = new LongAdder();
  private final LongAdder expirations = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder capacityRefusals = new LongAdder();
  private final LongAdder storedBytes = new LongAdder();

  /** Drained read events not yet replayed, as key pairs; drainer state, under the lock. */
  private final long[] accessBatch = new long[2 * ACCESS_BATCH];
  private int accessCount;
  /** Drainer state for classifying evictions: entries held before the next victim leaves. */
  private long entriesBeforeEviction;
  private volatile boolean closed;
  /**
   * Whether an entry with an expiry was ever stored: reads then take the time before the lookup.
   * A hint only: a read that did not take it takes it if the entry it finds carries an expiry.
   */
  private volatile boolean expiring;

  /** A builder with the defaults described on {@link MemoryTierBuilder}. */
  public static MemoryTierBuilder builder() {
    return new MemoryTierBuilder();
  }

  MemoryTier(MemoryTierBuilder builder, ChronicleSizing sizing, PolicyKind policyKind, Path file) {
    this.sizing = sizing;
    this.policyKind = policyKind;
    this.maxEntries = builder.maxEntries;
    this.maxBytes = builder.maxBytes;
    this.maxEntryBytes = builder.maxEntryBytes;
    this.clock = builder.clock;
    this.file = file;
    this.evictionListener = builder.evictionListener;
    this.policy = EvictionPolicies.create(policyKind, maxEntries, maxBytes);
    this.shadow = new ShadowPolicies(maxEntries);
    this.accessReplayer = this::batchAccess;
    int stripes = Math.min(MAX_WRITE_STRIPES, sizing.segments);
    this.writeStripes = new WriteBuffer[stripes];
    for (int i = 0; i < stripes; i++) {
      writeStripes[i] = new WriteBuffer(Math.max(16, 2 * sizing.writePermits / stripes));
    }
    this.stripeMask = stripes - 1;
    if (builder.shared) {
      SharedTierOpener.Opened opened = SharedTierOpener.open(sizing, file, builder.sharedStatRecords);
      this.map = opened.map();
      this.shared = opened.control();
      this.users = opened.users();
      this.statRecords = opened.statRecords();
      try {
        policyLock.lock();
        try {
          // The creator found no other user: its scan is the truth about stored bytes.
          tryBecomeOwner(opened.created());
        } finally {
          policyLock.unlock();
        }
      } catch (RuntimeException | IOException e) {
        closeShared();
        throw e instanceof RuntimeException ? (RuntimeException) e
            : new UncheckedIOException("cannot open the shared memory tier " + file, (IOException) e);
      }
    } else {
      this.map = openMap(sizing, file);
      this.shared = null;
      this.users = null;
      this.statRecords = null;
      this.owner = true;
      try {
        rebuildFromStoredEntries(true);
      } catch (RuntimeException e) {
        map.close();
        throw e;
      }
    }
    long sweepMillis = builder.expirySweepInterval.toMillis();
    if (sweepMillis > 0) {
      sweeper = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "metacache-memory-expiry");
        thread.setDaemon(true);
        return thread;
      });
      sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    } else {
      sweeper = null;
    }
    if (shared != null) {
      sharedMaintenance = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "metacache-memory-shared");
        thread.setDaemon(true);
        return thread;
      });
      sharedMaintenance.scheduleWithFixedDelay(this::maintainShared, SHARED_MAINTENANCE_MILLIS,
          SHARED_MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      sharedMaintenance = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * Copies the entry for the key into {@code destination} at {@code offset} and returns its
   * length, or returns -1 on a miss (absent or expired). The zero-allocation hit path. An
   * expandable destination grows to fit; a fixed one too small throws
   * {@link IndexOutOfBoundsException} (size it for {@code maxEntryBytes}).
   */
  public int get(long keyHigh, long keyLow, MutableDirectBuffer destination, int offset) {
    ThreadScratch s = scratch();
    ValueSink sink = s.sink.copyInto(destination, offset).readClock(expiring);
    try {
      map.getUsing(s.key(keyHigh, keyLow), sink);
      return afterRead(s, keyHigh, keyLow, sink.length);
    } catch (InterProcessDeadLockException e) {
      return lockStuck(s, keyHigh, keyLow, e) ? get(keyHigh, keyLow, destination, offset) : readFailed();
    } finally {
      sink.destination = null;
    }
  }

  /** The entry for the key as a new array, or null on a miss (absent or expired). */
  public byte[] get(long keyHigh, long keyLow) {
    ThreadScratch s = scratch();
    ValueSink sink = s.sink.allocate().readClock(expiring);
    try {
      map.getUsing(s.key(keyHigh, keyLow), sink);
    } catch (InterProcessDeadLockException e) {
      sink.allocated = null;
      if (lockStuck(s, keyHigh, keyLow, e)) {
        return get(keyHigh, keyLow);
      }
      readFailed();
      return null;
    }
    byte[] result = sink.allocated;
    sink.allocated = null;
    return afterRead(s, keyHigh, keyLow, sink.length) < 0 ? null : result;
  }

  /**
   * The entry for the key as a new array, or null (absent or expired), counting neither a hit nor
   * a miss and telling the policy nothing: for reads that are not the user's (keeping an index in
   * step, checking what another process wrote).
   */
  public byte[] peek(long keyHigh, long keyLow) {
    ThreadScratch s = scratch();
    ValueSink sink = s.sink.allocate().readClock(expiring);
    try {
      map.getUsing(s.key(keyHigh, keyLow), sink);
    } catch (InterProcessDeadLockException e) {
      sink.allocated = null;
      return lockStuck(s, keyHigh, keyLow, e) ? peek(keyHigh, keyLow) : null;
    }
    byte[] result = sink.allocated;
    sink.allocated = null;
    return sink.length < 0 ? null : result;
  }

  /** Whether an unexpired entry is held for the key; counts neither a hit nor a miss. */
  public boolean contains(long keyHigh, long keyLow) {
    ThreadScratch s = scratch();
    ValueSink sink = s.sink.peek().readClock(expiring);
    try {
      map.getUsing(s.key(keyHigh, keyLow), sink);
    } catch (InterProcessDeadLockException e) {
      return lockStuck(s, keyHigh, keyLow, e) && contains(keyHigh, keyLow);
    }
    return sink.length >= 0;
  }

  /**
   * A segment lock stayed held past Chronicle's timeout: only a shared tier can meet that (a
   * process died holding it). True if {@link DeadLockBreaker} freed it and the caller may retry.
   */
  private boolean lockStuck(ThreadScratch s, long keyHigh, long keyLow, InterProcessDeadLockException e) {
    if (shared == null) {
      throw e;
    }
    return DeadLockBreaker.breakIfHolderDied(map, s.key(keyHigh, keyLow), file, users, shared);
  }

  /** A read that met a lock held by a live but stuck process: a miss, counted. */
  private int readFailed() {
    misses.increment();
    return -1;
  }

  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+; we target 17
  private ThreadScratch scratch() {
    Thread thread = Thread.currentThread();
    int slot = (int) thread.getId() & (SCRATCH_SLOTS - 1);
    ThreadScratch s = scratchByThreadId[slot];
    if (s != null && s.owner == thread) {
      return s;
    }
    s = scratchByThreadLocal.get();
    scratchByThreadId[slot] = s;
    return s;
  }

  private ThreadScratch newScratch() {
    return new ThreadScratch(clock, readBuffer.claim());
  }

  private int afterRead(ThreadScratch s, long keyHigh, long keyLow, int length) {
    if (length >= 0) {
      ReadBuffer.Stripe own = s.readStripe;
      if (own != null) {
        own.hit();
      } else {
        hits.increment();
      }
      if (readBuffer.offer(own, keyHigh, keyLow)) {
        tryDrain();
      }
      return length;
    }
    misses.increment();
    if (length == ValueSink.EXPIRED) {
      boolean permitted = acquireWritePermit(0);
      if (removeEntry(keyHigh, keyLow, permitted ? WriteBuffer.REMOVE : WriteBuffer.UNPERMITTED_REMOVE,
          clock.getAsLong())) {
        expirations.increment();
        tryDrain();
      } else if (permitted) {
        releaseWritePermit(0);
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /** Stores the whole array as the entry for the key; false if refused (too large). */
  public boolean put(long keyHigh, long keyLow, byte[] encodedEntry) {
    return put(keyHigh, keyLow, encodedEntry, 0, encodedEntry.length);
  }

  /** Stores {@code length} bytes of the array from {@code offset}; false if refused (too large). */
  public boolean put(long keyHigh, long keyLow, byte[] encodedEntry, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, encodedEntry.length);
    if (length > maxEntryBytes) {
      refused.increment();
      return false;
    }
    ThreadScratch s = scratch();
    return store(keyHigh, keyLow, s, s.wrap(encodedEntry), offset, length, false);
  }

  /**
   * Stores the whole array as the entry for the key only if the tier holds none (an expired entry
   * counts as held until it is removed); false if one was held or the entry was refused. For
   * promotions from lower tiers, which must never overwrite what any process wrote meanwhile.
   */
  public boolean putIfAbsent(long keyHigh, long keyLow, byte[] encodedEntry) {
    if (encodedEntry.length > maxEntryBytes) {
      refused.increment();
      return false;
    }
    ThreadScratch s = scratch();
    return store(keyHigh, keyLow, s, s.wrap(encodedEntry), 0, encodedEntry.length, true);
  }

  /** Stores {@code length} bytes of the buffer from {@code offset}; false if refused (too large). */
  public boolean put(long keyHigh, long keyLow, DirectBuffer encodedEntry, int offset, int length) {
    encodedEntry.boundsCheck(offset, length);
    if (length > maxEntryBytes) {
      refused.increment();
      return false;
    }
    ThreadScratch s = scratch();
    byte[] array = encodedEntry.byteArray();
    if (array != null) {
      return store(keyHigh, keyLow, s, s.wrap(array), encodedEntry.wrapAdjustment() + offset, length, false);
    }
    return store(keyHigh, keyLow, s, s.wrap(encodedEntry.addressOffset() + offset, length), 0, length, false);
  }

  private boolean store(long keyHigh, long keyLow, ThreadScratch s, BytesStore<?, ?> source, long at, int length,
      boolean onlyIfAbsent) {
    long expiresAt = EntryHeader.expiresAt(source, at, length);
    if (expiresAt != 0 && !expiring) {
      expiring = true;
    }
    int weight = sizing.weight(length);
    int chunks = weight / sizing.chunkSize;
    if (shared != null && !owner) {
      // Reads this instance made before the write reach the owner before it: forwarded only after
      // the write's event, the owner would replay them after it, and a write that evicts would not
      // see the accesses that came first (LRU would evict a key read just before).
      tryDrain();
    }
    boolean permitted = false;
    for (;;) {
      switch (tryStore(keyHigh, keyLow, s, source, at, length, expiresAt, weight, chunks, permitted, onlyIfAbsent)) {
        case PRESENT:
          return false;
        case STORED_IN_PLACE:
          puts.increment();
          if (readBuffer.offer(s.readStripe, keyHigh, keyLow)) {
            tryDrain();
          }
          return true;
        case STORED:
          puts.increment();
          if (shared != null && owner) {
            drainNow(); // the maintenance thread may hold the lock: wait, so the put's evictions are done on return
          } else {
            tryDrain();
          }
          return true;
        case RETRY:
          break;
        case NEEDS_PERMIT:
          if (!acquireWritePermit(chunks)) {
            refused.increment(); // a shared tier's owner returned no permit in time
            return false;
          }
          permitted = true;
          break;
        default:
          refused.increment();
          return false;
      }
    }
  }

  /**
   * One attempt at a write under the key's segment lock. A replacement of an entry of the same
   * weight and expiry changes neither the map's occupancy nor anything the policy holds but the
   * key's recency and frequency, so, as Caffeine treats such an update, it needs no permit and is
   * recorded as an access (lossy, like a read). Any other write needs a permit: taken here
   * without waiting if one is free, else the caller waits for one outside the lock (waiting may
   * drain, and draining evicts under segment locks) and tries again with it in hand.
   */
  private int tryStore(long keyHigh, long keyLow, ThreadScratch s, BytesStore<?, ?> source, long at, int length,
      long expiresAt, int weight, int chunks, boolean permitted, boolean onlyIfAbsent) {
    boolean holdsPermit = permitted;
    try (ExternalMapQueryContext<Key128, ValueSink, ?> c = map.queryContext(s.key(keyHigh, keyLow))) {
      SegmentLocks.write(c);
      MapEntry<Key128, ValueSink> existing = c.entry();
      if (existing != null && onlyIfAbsent) {
        return PRESENT;
      }
      Data<ValueSink> value = c.wrapValueBytesAsData(source, at, length);
      // The expiry index needs a new record only when the expiry changes: a live entry's
      // current expiry always has its record, in the index or in a pending write event.
      long newExpiryRecord = expiresAt;
      if (existing != null) {
        Data<ValueSink> previous = existing.value();
        int previousLength = (int) previous.size();
        if (EntryHeader.expiresAt(previous.bytes(), previous.offset(), previousLength) == expiresAt) {
          if (sizing.weight(previousLength) == weight) {
            // Same chunks: Chronicle rewrites the value in place, allocating nothing.
            c.replaceValue(existing, value);
            return STORED_IN_PLACE;
          }
          newExpiryRecord = 0;
        }
        if (!holdsPermit && !(holdsPermit = tryAcquireWritePermit(chunks))) {
          return NEEDS_PERMIT;
        }
        c.replaceValue(existing, value);
        storedBytesAdd(weight - sizing.weight(previousLength));
      } else {
        if (!holdsPermit && !(holdsPermit = tryAcquireWritePermit(chunks))) {
          return NEEDS_PERMIT;
        }
        c.insert(c.absentEntry(), value);
        storedBytesAdd(weight);
      }
      logEvent(existing == null ? WriteBuffer.WRITE | WriteBuffer.INSERT_FLAG : WriteBuffer.WRITE,
          keyHigh, keyLow, weight, newExpiryRecord);
      holdsPermit = false; // the drainer returns it once the event is replayed
      return STORED;
    } catch (InterProcessDeadLockException e) {
      return lockStuck(s, keyHigh, keyLow, e) ? RETRY : REFUSED;
    } catch (IllegalStateException | IllegalArgumentException e) {
      if (!isCapacityFailure(e)) {
        throw e;
      }
      // Unreachable by the sizing argument in ChronicleSizing; if it ever happens the caller gets
      // a refusal, not an exception, and the counter tells.
      capacityRefusals.increment();
      LOG.warn("memory tier refused an entry of {} bytes: {}", length, e.getMessage());
      return REFUSED;
    } finally {
      if (holdsPermit) {
        releaseWritePermit(chunks);
      }
    }
  }

  private boolean isCapacityFailure(RuntimeException e) {
    String message = e.getMessage();
    return !closed && message != null
        && (message.contains("extra segment tier") || message.contains("too large"));
  }

  /** Removes the entry for the key; returns whether one was held. */
  public boolean remove(long keyHigh, long keyLow) {
    boolean permitted = acquireWritePermit(0);
    if (!removeEntry(keyHigh, keyLow, permitted ? WriteBuffer.REMOVE : WriteBuffer.UNPERMITTED_REMOVE,
        UNCONDITIONAL)) {
      if (permitted) {
        releaseWritePermit(0);
      }
      return false;
    }
    removals.increment();
    tryDrain();
    return true;
  }

  /** Removes every entry (not counted as removals or evictions). */
  public void clear() {
    policyLock.lock();
    try {
      drainBuffers();
      LongArrayList keys = new LongArrayList();
      for (int i = 0; i < map.segments(); i++) {
        // the keys are read under the update lock, then removed one by one under the write lock,
        // each accounted as it is made (SegmentLocks: no lock is ever upgraded)
        keys.clear();
        walkSegment(i, keys::clear, c -> c.forEachSegmentEntry(entry -> {
          Data<Key128> key = entry.key();
          keys.addLong(key.bytes().readLong(key.offset()));
          keys.addLong(key.bytes().readLong(key.offset() + 8));
        }));
        for (int k = 0; k < keys.size(); k += 2) {
          removeEntry(keys.getLong(k), keys.getLong(k + 1), WriteBuffer.INTERNAL_REMOVE, UNCONDITIONAL);
        }
      }
      drainBuffers();
      expiryIndex.clear();
    } finally {
      policyLock.unlock();
    }
  }

  /**
   * Calls {@code visitor} with a copy of every entry held now, expired ones included (the caller
   * checks expiry from the header). Weakly consistent: entries put or removed during the walk may
   * or may not be seen. Holds one segment's lock at a time, so the visitor must be quick and must
   * not call back into this tier. Costs a pass over the whole map.
   */
  public void forEachEntry(EntryVisitor visitor) {
    Objects.requireNonNull(visitor, "visitor");
    for (int i = 0; i < map.segments(); i++) {
      // a read-only walk: its lock is taken before the first entry, so a retry visits none twice
      walkSegment(i, () -> { }, c -> c.forEachSegmentEntry(entry -> {
        Data<Key128> key = entry.key();
        long keyHigh = key.bytes().readLong(key.offset());
        long keyLow = key.bytes().readLong(key.offset() + 8);
        Data<ValueSink> value = entry.value();
        byte[] copy = new byte[(int) value.size()];
        value.bytes().read(value.offset(), copy, 0, copy.length);
        visitor.visit(keyHigh, keyLow, copy);
      }));
    }
  }

  private volatile boolean sizeDivergedLogged;

  /** One walk over a segment, under its lock. */
  private interface SegmentWalk {
    void walk(MapSegmentContext<Key128, ValueSink, ?> segment);
  }

  /**
   * Runs {@code walk}, which must only read, over segment {@code i} under its update lock, taken
   * before the first entry ({@link SegmentLocks}: a walk that removed entries would upgrade the
   * lock at each, waiting while it holds it). In a shared tier, a lock that a process left held
   * when it died is broken ({@link DeadLockBreaker}) and the walk run again, as single-key
   * operations do ({@link #lockStuck}), {@code restart} first undoing what the failed attempt
   * collected; a lock held by a live process past the timeout is an {@link IllegalStateException}.
   */
  private void walkSegment(int i, Runnable restart, SegmentWalk walk) {
    for (;;) {
      try (MapSegmentContext<Key128, ValueSink, ?> c = map.segmentContext(i)) {
        SegmentLocks.update(c);
        walk.walk(c);
        return;
      } catch (InterProcessDeadLockException e) {
        if (shared == null) {
          throw e;
        }
        if (!DeadLockBreaker.breakSegmentIfHolderDied(map, i, file, users, shared)) {
          throw new IllegalStateException("the memory tier's segment " + i + " is held by a live process that has"
              + " not released it for " + DeadLockBreaker.LOCK_TIMEOUT_SECONDS + " s", e);
        }
        restart.run();
      } catch (IllegalStateException e) {
        if (shared == null || e.getMessage() == null || !e.getMessage().contains("Size diverged")) {
          throw e;
        }
        // A process killed between a segment's entry counter and its hash lookup leaves the counter
        // above what the lookup holds. Chronicle finds it only after a whole pass over the segment's
        // tier, so every entry there was visited: the walk is complete but for the segment's extra
        // tiers, if it has any. The counter is repaired by the recovery of the next lone open.
        shared.markDirty();
        if (!sizeDivergedLogged) {
          sizeDivergedLogged = true;
          LOG.warn("shared memory tier {}: segment {} counts more entries than it holds (a process died in the"
              + " middle of a write); walks go on, and the next process to open the directory alone repairs it",
              file, i);
        }
        return;
      }
    }
  }

  /**
   * Removes the entry if present and, unless {@code expiredBy} is {@link #UNCONDITIONAL}, only if
   * its expires-at is set and not after {@code expiredBy}; logs the event under the segment lock.
   */
  private boolean removeEntry(long keyHigh, long keyLow, int eventType, long expiredBy) {
    return removeWeighed(keyHigh, keyLow, eventType, expiredBy) >= 0;
  }

  /**
   * {@link #removeEntry} returning the removed entry's weight, or -1 if none was removed; with
   * {@link #UNLOGGED} it records neither the bytes nor an event, and the caller accounts.
   */
  private int removeWeighed(long keyHigh, long keyLow, int eventType, long expiredBy) {
    ThreadScratch s = scratch();
    for (;;) {
      try {
        return removeEntry0(s, keyHigh, keyLow, eventType, expiredBy);
      } catch (InterProcessDeadLockException e) {
        if (!lockStuck(s, keyHigh, keyLow, e)) {
          throw new IllegalStateException("the memory tier's segment of this key is held by a live"
              + " process that has not released it for " + DeadLockBreaker.LOCK_TIMEOUT_SECONDS + " s", e);
        }
      }
    }
  }

  private int removeEntry0(ThreadScratch s, long keyHigh, long keyLow, int eventType, long expiredBy) {
    try (ExternalMapQueryContext<Key128, ValueSink, ?> c = map.queryContext(s.key(keyHigh, keyLow))) {
      SegmentLocks.write(c);
      MapEntry<Key128, ValueSink> entry = c.entry();
      if (entry == null) {
        return -1;
      }
      Data<ValueSink> value = entry.value();
      int size = (int) value.size();
      if (expiredBy != UNCONDITIONAL) {
        long expiresAt = EntryHeader.expiresAt(value.bytes(), value.offset(), size);
        if (expiresAt == 0 || expiresAt > expiredBy) {
          return -1;
        }
      }
      c.remove(entry);
      int weight = sizing.weight(size);
      if (eventType != UNLOGGED) {
        storedBytesAdd(-weight);
        logEvent(eventType, keyHigh, keyLow, 0, 0);
      }
      return weight;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance: permits, draining, eviction, expiry

  /**
   * Takes a write permit for a write adding {@code chunks} (0 for a removal). Always true but in a
   * shared tier whose owner is another process and returned none within {@link #SHARED_WAIT_NANOS}.
   */
  private boolean acquireWritePermit(int chunks) {
    if (shared != null && !owner) {
      return awaitSharedWritePermit(chunks);
    }
    while (!tryAcquireWritePermit(chunks)) {
      policyLock.lock();
      try {
        drainBuffers();
      } finally {
        policyLock.unlock();
      }
      if (!hasRoom(pendingWrites(), chunks, sizing.writePermits, sizing.permitChunks)) {
        Thread.yield(); // the permits belong to writers between their mutation and its event
      }
      if (shared != null && !owner) {
        return awaitSharedWritePermit(chunks); // ownership moved while we waited
      }
    }
    return true;
  }

  /**
   * A shared tier's non-owner waits for a permit that the owner (another process, or the
   * maintenance thread here once it takes over) returns as it applies events; it never waits
   * longer than {@link #SHARED_WAIT_NANOS}. False if none came in time.
   */
  private boolean awaitSharedWritePermit(int chunks) {
    long deadline = System.nanoTime() + SHARED_WAIT_NANOS;
    long parkNanos = 10_000;
    while (!tryAcquireWritePermit(chunks)) {
      if (owner) {
        policyLock.lock();
        try {
          drainBuffers();
        } finally {
          policyLock.unlock();
        }
        continue;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(parkNanos);
      parkNanos = Math.min(parkNanos * 2, 1_000_000);
    }
    return true;
  }

  private long pendingWrites() {
    return shared != null ? shared.pendingWrites() : pendingWrites.get();
  }

  /** Takes a write permit if one is free now; never waits, never drains. */
  private boolean tryAcquireWritePermit(int chunks) {
    int countLimit = sizing.writePermits;
    long chunkLimit = sizing.permitChunks;
    for (;;) {
      long pending = pendingWrites();
      if (!hasRoom(pending, chunks, countLimit, chunkLimit)) {
        return false;
      }
      if (shared != null ? shared.compareAndSetPendingWrites(pending, pending + permitUnits(chunks))
          : pendingWrites.compareAndSet(pending, pending + permitUnits(chunks))) {
        return true;
      }
    }
  }

  private static boolean hasRoom(long pending, int chunks, int countLimit, long chunkLimit) {
    return (pending >>> PERMIT_COUNT_SHIFT) < countLimit && (pending & PERMIT_CHUNK_MASK) + chunks <= chunkLimit;
  }

  private static long permitUnits(int chunks) {
    return (1L << PERMIT_COUNT_SHIFT) + chunks;
  }

  private void releaseWritePermit(int chunks) {
    releasePermitUnits(permitUnits(chunks));
  }

  /**
   * Returns permits. A shared tier's count never goes below zero: the owner may have reset permits
   * that a dead process took and never used, and a late release must not wrap the count.
   */
  private void releasePermitUnits(long units) {
    if (shared == null) {
      pendingWrites.addAndGet(-units);
      return;
    }
    for (;;) {
      long pending = shared.pendingWrites();
      long count = Math.max(0, (pending >>> PERMIT_COUNT_SHIFT) - (units >>> PERMIT_COUNT_SHIFT));
      long chunks = Math.max(0, (pending & PERMIT_CHUNK_MASK) - (units & PERMIT_CHUNK_MASK));
      if (shared.compareAndSetPendingWrites(pending, (count << PERMIT_COUNT_SHIFT) | chunks)) {
        return;
      }
    }
  }

  /**
   * Drains if the policy lock is free; never waits. A held lock is seen with a plain read first,
   * so writers racing a drainer do not bounce the lock's cache line with failing CASes; the
   * holder re-checks the log after unlocking, so an event appended meanwhile is not left behind.
   */
  private void tryDrain() {
    while (!policyLock.isLocked() && policyLock.tryLock()) {
      try {
        drainBuffers();
      } finally {
        policyLock.unlock();
      }
      if (writeLogEmpty()) {
        return; // else an event arrived while we finished; the next round takes it
      }
    }
  }

  private void storedBytesAdd(long delta) {
    if (shared != null) {
      shared.addStoredBytes(delta);
    } else {
      storedBytes.add(delta);
    }
  }

  private long storedBytesSum() {
    return shared != null ? shared.storedBytes() : storedBytes.sum();
  }

  /**
   * Logs a mutation's event while the key's segment lock is held, so one key's events are in the
   * order of its mutations: into the write log here, or for a shared tier into the ring every
   * process publishes to, in which the owner replays them. A full ring drops the event and asks
   * the owner to rebuild its policy from the map (the map, not the events, is the truth).
   */
  private void logEvent(int type, long keyHigh, long keyLow, int weight, long expiresAt) {
    if (shared == null) {
      log(keyHigh, keyLow).append(type, keyHigh, keyLow, weight, expiresAt);
    } else if (!shared.publishEvent(type, keyHigh, keyLow, weight, expiresAt)) {
      shared.requestReconcile();
      long permits = permitsHeldBy(((long) type << 32) | (weight & 0xFFFF_FFFFL));
      if (permits != 0) {
        releasePermitUnits(permits);
      }
    }
  }

  private void drainNow() {
    policyLock.lock();
    try {
      drainBuffers();
    } finally {
      policyLock.unlock();
    }
  }

  /** The write-log stripe of a key. */
  private WriteBuffer log(long keyHigh, long keyLow) {
    long h = (keyHigh ^ keyLow) * 0x9E3779B97F4A7C15L;
    return writeStripes[(int) (h >>> 40) & stripeMask];
  }

  /** Whether no stripe holds events; a racy hint, exact once writers are quiet. */
  private boolean writeLogEmpty() {
    if (shared != null) {
      return !owner || shared.ringEmpty();
    }
    for (WriteBuffer stripe : writeStripes) {
      if (!stripe.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Replays buffered reads, then writes, into the policy and expiry index, until every stripe is
   * empty (a replayed write may evict, which logs a removal). Under the lock. Events of one key
   * are replayed in order; events of different keys in different stripes in stripe order, which
   * single-threaded use never sees (every operation drains its own event at once).
   */
  private void drainBuffers() {
    if (shared != null) {
      drainShared();
      return;
    }
    readBuffer.drainTo(accessReplayer);
    replayAccesses();
    boolean replayed;
    do {
      replayed = false;
      for (WriteBuffer stripe : writeStripes) {
        replayed |= replay(stripe);
      }
    } while (replayed);
  }

  /** Collects a drained read event; the policy replays them a batch at a time. Under the lock. */
  private void batchAccess(long keyHigh, long keyLow) {
    shadow.request(keyHigh, keyLow);
    accessBatch[2 * accessCount] = keyHigh;
    accessBatch[2 * accessCount + 1] = keyLow;
    if (++accessCount == ACCESS_BATCH) {
      replayAccesses();
    }
  }

  private void replayAccesses() {
    if (accessCount != 0) {
      policy.recordAccesses(accessBatch, accessCount);
      accessCount = 0;
    }
  }

  /** Replays what one stripe holds now, and what evictions log into it meanwhile. */
  private boolean replay(WriteBuffer stripe) {
    boolean any = false;
    int count;
    while ((count = stripe.swap()) != 0) {
      any = true;
      long[] events = stripe.drained();
      long permits = 0;
      for (int i = 0, at = 0; i < count; i++, at += WriteBuffer.STRIDE) {
        permits += replayEvent(events[at], events[at + 1], events[at + 2], events[at + 3]);
      }
      if (permits != 0) {
        releasePermitUnits(permits);
      }
    }
    return any;
  }

  /** Replays one logged event into the policy; returns the permit units it held. */
  private long replayEvent(long keyHigh, long keyLow, long packed, long expiresAt) {
    if (WriteBuffer.type(packed) == WriteBuffer.WRITE) {
      applyWrite(keyHigh, keyLow, WriteBuffer.weight(packed), expiresAt, WriteBuffer.isInsert(packed));
    } else {
      policy.recordRemoval(keyHigh, keyLow);
      shadow.remove(keyHigh, keyLow);
    }
    return permitsHeldBy(packed);
  }

  /** The permit units an event of this type and weight holds until it is replayed. */
  private long permitsHeldBy(long packed) {
    switch (WriteBuffer.type(packed)) {
      case WriteBuffer.WRITE:
        return permitUnits(WriteBuffer.weight(packed) / sizing.chunkSize);
      case WriteBuffer.REMOVE:
        return permitUnits(0);
      default:
        return 0;
    }
  }

  /**
   * Replays a write. {@code insert} says the map did not hold the key, so neither does the policy
   * once the earlier events of that key are replayed (a race with an eviction can make it wrong,
   * which only shifts one eviction between the size and bytes causes).
   */
  private void applyWrite(long keyHigh, long keyLow, int weight, long expiresAt, boolean insert) {
    if (!rebuilding) {
      shadow.request(keyHigh, keyLow); // a rebuild replays what the map holds, not requests
    }
    entriesBeforeEviction = policy.size() + (insert ? 1 : 0);
    policy.recordWrite(keyHigh, keyLow, weight, evictionSink);
    if (expiresAt != 0) {
      expiryIndex.add(expiresAt, keyHigh, keyLow);
      if (expiryIndex.size() > 2L * policy.size() + 1024) {
        expiryIndex.compact(this::isCurrentExpiry);
      }
    }
  }

  /** The policy's victim leaves the map; the cause is the bound that was exceeded. */
  private void evicted(long keyHigh, long keyLow, int weight) {
    boolean bySize = entriesBeforeEviction > maxEntries;
    entriesBeforeEviction--;
    if (removeEntry(keyHigh, keyLow, WriteBuffer.INTERNAL_REMOVE, UNCONDITIONAL)) {
      (bySize ? evictedBySize : evictedByBytes).increment();
      if (evictionListener != null) {
        evictionListener.evicted(keyHigh, keyLow);
      }
    }
  }

  private boolean isCurrentExpiry(long expiresAt, long keyHigh, long keyLow) {
    ThreadScratch s = scratch();
    try (ExternalMapQueryContext<Key128, ValueSink, ?> c = map.queryContext(s.key(keyHigh, keyLow))) {
      MapEntry<Key128, ValueSink> entry = c.entry();
      if (entry == null) {
        return false;
      }
      Data<ValueSink> value = entry.value();
      return EntryHeader.expiresAt(value.bytes(), value.offset(), value.size()) == expiresAt;
    }
  }

  /**
   * Removes the entries whose expires-at is not after the clock's now, visiting only the expiry
   * records that are due; returns how many entries it removed. The sweeper calls this.
   */
  public int runExpiry() {
    policyLock.lock();
    try {
      drainBuffers();
      long now = clock.getAsLong();
      int removed = 0;
      while (!expiryIndex.isEmpty() && expiryIndex.peekTime() <= now) {
        long keyHigh = expiryIndex.peekHigh();
        long keyLow = expiryIndex.peekLow();
        expiryIndex.removeFirst();
        if (removeEntry(keyHigh, keyLow, WriteBuffer.INTERNAL_REMOVE, now)) {
          expirations.increment();
          removed++;
        }
      }
      drainBuffers();
      return removed;
    } finally {
      policyLock.unlock();
    }
  }

  /** Applies every buffered event to the policy and removes what has expired. */
  public void cleanUp() {
    runExpiry();
  }

  private void sweep() {
    try {
      if (!closed) {
        runExpiry();
      }
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("memory tier expiry sweep failed; the next sweep retries", e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shared tier: forwarding, the owner's ring, ownership

  /** Permit units held by the events consumed in the current pass; drainer state. */
  private long consumedPermits;
  /** Whether the owner is rebuilding its policy from the map; drainer state. */
  private boolean rebuilding;
  /** Maintenance ticks, to pace a non-owner's takeover attempts. */
  private long maintenanceTicks;
  /** When the permit count was last seen stuck with an empty ring (0 if not); maintenance state. */
  private long permitsStuckSince;
  private long permitsStuckAt;
  private final org.agrona.concurrent.MessageHandler ringDiscarder = this::onDiscardedEvent;

  /** Messages an owner consumes per drain, so one drain never runs long. */
  private static final int SHARED_DRAIN_LIMIT = 8192;
  private static final int SHARED_READ_CHUNK = 256;

  /**
   * A shared tier's drain. A non-owner forwards its buffered reads to the ring (its writes are
   * there already). The owner replays its own reads, then every process's events from the ring.
   * Under the lock.
   */
  private void drainShared() {
    if (!owner) {
      readBuffer.drainTo(readForwarder);
      flushForwards();
      return;
    }
    readBuffer.drainTo(accessReplayer);
    replayAccesses();
    if (!rebuilding && shared.reconcileRequests() != reconciledRequests) {
      rebuildPolicy(false);
      return;
    }
    int budget = SHARED_DRAIN_LIMIT;
    while (budget > 0) {
      consumedPermits = 0;
      int read = shared.consume(ringConsumer, SHARED_READ_CHUNK);
      replayAccesses();
      if (consumedPermits != 0) {
        releasePermitUnits(consumedPermits);
      }
      if (read == 0) {
        unblockIfStalled();
        return;
      }
      ringStalledSince = 0;
      budget -= read;
    }
  }

  /**
   * A record claimed but never committed blocks the ring: its producer died between the two (or
   * is descheduled). After {@link #SHARED_WAIT_NANOS} the owner skips it, as Aeron's driver does.
   */
  private void unblockIfStalled() {
    if (shared.ringEmpty()) {
      ringStalledSince = 0;
      return;
    }
    long now = System.nanoTime();
    if (ringStalledSince == 0) {
      ringStalledSince = now;
    } else if (now - ringStalledSince > SHARED_WAIT_NANOS) {
      if (shared.unblock()) {
        LOG.warn("shared memory tier: skipped a policy event that a process claimed and never"
            + " published (it died mid-write); the policy is rebuilt from the map");
        shared.requestReconcile();
      }
      ringStalledSince = 0;
    }
  }

  private void onSharedEvent(int msgTypeId, org.agrona.MutableDirectBuffer buffer, int index, int length) {
    if (msgTypeId == SharedControlLayout.MSG_READS) {
      for (int at = index, end = index + length; at + 16 <= end; at += 16) {
        batchAccess(buffer.getLong(at), buffer.getLong(at + 8));
      }
    } else if (msgTypeId == SharedControlLayout.MSG_EVENT) {
      replayAccesses(); // reads that came first apply first
      consumedPermits += replayEvent(
          buffer.getLong(index + SharedControlLayout.EVENT_KEY_HIGH_OFFSET),
          buffer.getLong(index + SharedControlLayout.EVENT_KEY_LOW_OFFSET),
          packedEvent(buffer, index),
          buffer.getLong(index + SharedControlLayout.EVENT_EXPIRES_AT_OFFSET));
    }
  }

  private void onDiscardedEvent(int msgTypeId, org.agrona.MutableDirectBuffer buffer, int index, int length) {
    if (msgTypeId == SharedControlLayout.MSG_EVENT) {
      consumedPermits += permitsHeldBy(packedEvent(buffer, index));
    }
  }

  private static long packedEvent(org.agrona.MutableDirectBuffer buffer, int index) {
    return ((long) buffer.getInt(index + SharedControlLayout.EVENT_TYPE_OFFSET) << 32)
        | (buffer.getInt(index + SharedControlLayout.EVENT_WEIGHT_OFFSET) & 0xFFFF_FFFFL);
  }

  /** Collects a read event for the owner; under the lock. */
  private void forwardAccess(long keyHigh, long keyLow) {
    forwardBatch[2 * forwardCount] = keyHigh;
    forwardBatch[2 * forwardCount + 1] = keyLow;
    if (++forwardCount == ACCESS_BATCH) {
      flushForwards();
    }
  }

  /** Publishes the collected reads as one record; dropped if the ring is over half full (reads are lossy). */
  private void flushForwards() {
    if (forwardCount != 0) {
      shared.publishReads(forwardBatch, forwardCount);
      forwardCount = 0;
    }
  }

  /**
   * Takes the eviction owner's lock if it is free and then rebuilds the policy from the map.
   * Under the lock.
   */
  private boolean tryBecomeOwner(boolean countBytes) throws IOException {
    if (owner) {
      return true;
    }
    if (!shared.tryTakeOwnership()) {
      return false;
    }
    owner = true;
    forwardCount = 0;
    rebuildPolicy(countBytes);
    return true;
  }

  /**
   * Rebuilds the owner's policy from the map: events already in the ring describe mutations the
   * scan will see, so they are discarded (their permits returned); events published after that
   * point are replayed after the scan, in order. Under the lock.
   */
  private void rebuildPolicy(boolean countBytes) {
    rebuilding = true;
    try {
      reconciledRequests = shared.reconcileRequests();
      policy = EvictionPolicies.create(policyKind, maxEntries, maxBytes);
      expiryIndex.clear();
      accessCount = 0;
      discardRingUpTo(shared.producerPosition());
      rebuildFromStoredEntries(countBytes);
    } finally {
      rebuilding = false;
    }
  }

  private void discardRingUpTo(long position) {
    long progressAt = System.nanoTime();
    while (shared.consumerPosition() < position) {
      consumedPermits = 0;
      int read = shared.consume(ringDiscarder, SHARED_READ_CHUNK);
      if (consumedPermits != 0) {
        releasePermitUnits(consumedPermits);
      }
      long now = System.nanoTime();
      if (read != 0) {
        progressAt = now;
      } else if (now - progressAt > SHARED_WAIT_NANOS) {
        shared.unblock(); // a dead producer's claimed record
        progressAt = now;
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
      }
    }
  }

  /**
   * The shared maintenance thread: the owner replays the other processes' events every
   * {@link #SHARED_MAINTENANCE_MILLIS}; a non-owner forwards its reads and, every 50 ticks, tries
   * to take over (the owner's lock is free once the owner closed or died).
   */
  private void maintainShared() {
    if (closed) {
      return;
    }
    try {
      if (!owner) {
        if (++maintenanceTicks % 50 == 0) {
          policyLock.lock();
          try {
            if (!closed && tryBecomeOwner(false)) {
              LOG.info("shared memory tier {}: this process is now the eviction owner", file);
            }
          } finally {
            policyLock.unlock();
          }
        }
        tryDrain();
        return;
      }
      policyLock.lock();
      try {
        if (!closed) {
          drainBuffers();
          resetLeakedPermits();
        }
      } finally {
        policyLock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.warn("shared memory tier maintenance failed; the next tick retries", e);
      }
    }
  }

  /**
   * Permits a process took and never published an event for (it died in between) would shrink
   * the budget for good: a count that stays the same, with the ring empty, for
   * {@link #SHARED_WAIT_NANOS} is reset. A live writer holds a permit for microseconds.
   */
  private void resetLeakedPermits() {
    long pending = shared.pendingWrites();
    if (pending == 0 || !shared.ringEmpty()) {
      permitsStuckSince = 0;
      return;
    }
    long now = System.nanoTime();
    if (permitsStuckSince == 0 || permitsStuckAt != pending) {
      permitsStuckSince = now;
      permitsStuckAt = pending;
    } else if (now - permitsStuckSince > SHARED_WAIT_NANOS
        && shared.compareAndSetPendingWrites(pending, 0)) {
      LOG.warn("shared memory tier: returned {} write permits that a dead process held",
          pending >>> PERMIT_COUNT_SHIFT);
      permitsStuckSince = 0;
    }
  }

  /** Whether this instance runs the eviction policy (always, for a private tier). */
  public boolean isEvictionOwner() {
    return owner;
  }

  /**
   * The stat-fast-path records shared by the processes of this tier's directory, opened and
   * recovered with the map; empty for a private tier.
   */
  public java.util.Optional<io.metacache.key.SharedStatRecords> sharedStatRecords() {
    return java.util.Optional.ofNullable(statRecords);
  }

  /**
   * Whether other tier instances (other processes, as a rule) have this shared tier's map open
   * now, as far as opens and closes tell: a user that died counts until an open or close finds it.
   * False for a private tier.
   */
  public boolean hasOtherUsers() {
    return shared != null && shared.users() > 1;
  }

  /** Whether the tier's map is shared with other processes through its file. */
  public boolean isShared() {
    return shared != null;
  }

  /** Stops sharing: gives up ownership, closes the map and, if this is the last user of an undamaged map, marks it clean. */
  private void closeShared() {
    try (ProcessFileLock openLock = ProcessFileLock.acquire(SharedTierOpener.openLockFileOf(file))) {
      shared.releaseOwnership();
      owner = false;
      SharedTierUsers.Scan scan = users.scan();
      boolean damaged = shared.dirty() || scan.deadFound() > 0;
      shared.addUsers(-1 - scan.deadFound());
      statRecords.close();
      map.close();
      if (scan.alone() && !damaged) {
        PrivateFiles.restrict(Files.createFile(cleanMarker(file)));
      }
    } catch (IOException e) {
      LOG.warn("cannot mark {} as cleanly closed; the next sole user will run recovery", file, e);
      if (map.isOpen()) {
        statRecords.close();
        map.close();
      }
    } finally {
      shared.close();
      users.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Size, stats, lifecycle

  /** Entries held now. */
  public long size() {
    return map.longSize();
  }

  /** Bytes the held entries occupy, the quantity {@code maxBytes} bounds. */
  public long offHeapBytesUsed() {
    return storedBytesSum();
  }

  /** {@code maxBytes} minus {@link #offHeapBytesUsed()}, never negative. */
  public long offHeapBytesFree() {
    return Math.max(0, maxBytes - storedBytesSum());
  }

  /** The eviction policy in use. */
  public PolicyKind policy() {
    return policyKind;
  }

  /**
   * What each policy would have hit on a sampled share of this tier's requests
   * ({@link ShadowPolicies}). Only the process that applies the policy feeds it: in shared mode,
   * the eviction owner.
   */
  public ShadowHitRates shadowHitRates() {
    return shadow.rates();
  }

  /** A snapshot of the counters. */
  public MemoryTierStats stats() {
    long used = storedBytesSum();
    return new MemoryTierStats(
        hits.sum() + readBuffer.ownedHits(), misses.sum(), puts.sum(), removals.sum(),
        evictedBySize.sum(), evictedByBytes.sum(), expirations.sum(), refused.sum(),
        map.longSize(), used, Math.max(0, maxBytes - used), map.offHeapMemoryUsed());
  }

  /** Stops the sweeper and closes the map (flushing nothing: a persisted map is the file). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (sweeper != null) {
      sweeper.shutdownNow();
      try {
        sweeper.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (sharedMaintenance != null) {
      sharedMaintenance.shutdownNow();
      try {
        sharedMaintenance.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (shared != null) {
      policyLock.lock();
      try {
        flushForwards();
        closeShared();
      } finally {
        policyLock.unlock();
      }
      return;
    }
    policyLock.lock();
    try {
      map.close();
    } finally {
      policyLock.unlock();
    }
    if (file != null) {
      try {
        PrivateFiles.restrict(Files.createFile(cleanMarker(file)));
      } catch (IOException e) {
        LOG.warn("cannot mark {} as cleanly closed; the next open will run recovery", file, e);
      }
    }
  }

  /** Exists only while the persisted map is closed after a clean {@link #close()}. */
  static Path cleanMarker(Path file) {
    return file.resolveSibling(file.getFileName() + ".clean");
  }

  @Override
  public String toString() {
    return "MemoryTier{policy=" + policyKind.configName() + ", maxEntries=" + maxEntries
        + ", maxBytes=" + maxBytes + ", maxEntryBytes=" + maxEntryBytes
        + ", file=" + file + ", " + sizing + '}';
  }

  // ---------------------------------------------------------------------------------------------
  // Test and diagnostics hooks (package-private)

  ChronicleSizing sizing() {
    return sizing;
  }

  /** Puts refused because Chronicle had no room; zero unless the sizing argument fails. */
  long capacityRefusals() {
    return capacityRefusals.sum();
  }

  /** Visits the keys the policy holds (after draining), under the policy lock. */
  void forEachPolicyKey(KeyVisitor visitor) {
    policyLock.lock();
    try {
      drainBuffers();
      policy.forEachKey(visitor);
    } finally {
      policyLock.unlock();
    }
  }

  long policyWeightedSize() {
    policyLock.lock();
    try {
      drainBuffers();
      return policy.weightedSize();
    } finally {
      policyLock.unlock();
    }
  }

  /** Visits the keys the map holds. */
  void forEachStoredKey(KeyVisitor visitor) {
    for (int i = 0; i < map.segments(); i++) {
      walkSegment(i, () -> { }, c -> c.forEachSegmentEntry(entry -> {
        Data<Key128> key = entry.key();
        visitor.visit(key.bytes().readLong(key.offset()), key.bytes().readLong(key.offset() + 8));
      }));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Opening and warm start

  private static ChronicleMap<Key128, ValueSink> openMap(ChronicleSizing sizing, Path file) {
    ChronicleMapBuilder<Key128, ValueSink> builder = sizing.builder().name("metacache-memory");
    if (file == null) {
      return builder.create();
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        PrivateFiles.directory(parent);
      }
      // The marker is taken away before any write, so it exists only after a clean close.
      return openPersisted(sizing, file, Files.deleteIfExists(cleanMarker(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot persist the memory tier to " + file, e);
    }
  }

  /**
   * Opens the map persisted in {@code file}: reopened as it is after a clean close, else recovered
   * (locks cleared, entries whose checksum fails dropped); a file that cannot be recovered or has
   * another geometry is moved aside and a fresh map created. The caller ensures no other process
   * has the file open when it is not {@code closedCleanly}.
   */
  static ChronicleMap<Key128, ValueSink> openPersisted(ChronicleSizing sizing, Path file, boolean closedCleanly) {
    ChronicleMapBuilder<Key128, ValueSink> builder = sizing.builder().name("metacache-memory");
    try {
      File f = file.toFile();
      if (f.exists() && f.length() > 0) {
        ChronicleMap<Key128, ValueSink> reopened = null;
        String reason;
        try {
          reopened = closedCleanly ? builder.createPersistedTo(f) : builder.recoverPersistedTo(f, false);
          if (sizing.matches(reopened)) {
            PrivateFiles.restrict(file); // a file of an older version may be 0644
            return reopened;
          }
          reason = "written with a different geometry";
        } catch (IOException | RuntimeException e) {
          reason = "cannot be " + (closedCleanly ? "reopened" : "recovered") + ": " + e;
          LOG.debug("cannot reopen {}", file, e);
        }
        if (reopened != null) {
          reopened.close();
        }
        StoreQuarantine.moveAside("memory", reason, StoreQuarantine.keepFromSystem(), file);
      }
      PrivateFiles.file(file); // created 0600 before Chronicle sizes and maps it
      return builder.createPersistedTo(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot persist the memory tier to " + file, e);
    }
  }

  /**
   * Replays stored entries (a recovered file) into the policy, least recently accessed first,
   * and into the expiry index; removes the ones already expired.
   */
  private void rebuildFromStoredEntries(boolean countBytes) {
    if (map.longSize() == 0) {
      return;
    }
    long now = clock.getAsLong();
    StoredEntries stored = new StoredEntries();
    LongArrayList expired = new LongArrayList();
    for (int i = 0; i < map.segments(); i++) {
      // Run again after a dead process's lock is broken (an owner taking over from one that died
      // inside a segment), the walk forgets what it collected of this segment.
      int collected = stored.size;
      expired.clear();
      walkSegment(i, () -> {
        stored.size = collected;
        expired.clear();
      }, c -> c.forEachSegmentEntry(entry -> {
        Data<Key128> key = entry.key();
        Data<ValueSink> value = entry.value();
        int size = (int) value.size();
        long expiresAt = EntryHeader.expiresAt(value.bytes(), value.offset(), size);
        if (expiresAt != 0 && expiresAt <= now) {
          expired.addLong(key.bytes().readLong(key.offset()));
          expired.addLong(key.bytes().readLong(key.offset() + 8));
          return;
        }
        if (expiresAt != 0) {
          expiring = true;
        }
        stored.add(key.bytes().readLong(key.offset()), key.bytes().readLong(key.offset() + 8),
            sizing.weight(size), expiresAt, EntryHeader.lastAccess(value.bytes(), value.offset(), size));
      }));
      // removed after the walk, each under its own write lock (SegmentLocks: no upgrade); one
      // written again meanwhile is no longer expired, stays, and its write's event reaches the owner
      for (int k = 0; k < expired.size(); k += 2) {
        int weight = removeWeighed(expired.getLong(k), expired.getLong(k + 1), UNLOGGED, now);
        if (weight >= 0) {
          expirations.increment();
          if (!countBytes) {
            storedBytesAdd(-weight); // the other users counted it in
          }
        }
      }
    }
    policyLock.lock();
    try {
      for (int i : stored.byLastAccess()) {
        if (countBytes) {
          storedBytesAdd(stored.weights[i]);
        }
        applyWrite(stored.highs[i], stored.lows[i], stored.weights[i], stored.expiries[i], true);
      }
      drainBuffers();
    } finally {
      policyLock.unlock();
    }
  }

  /** Columns of the entries found in a recovered file. */
  private static final class StoredEntries {
    long[] highs = new long[1024];
    long[] lows = new long[1024];
    int[] weights = new int[1024];
    long[] expiries = new long[1024];
    long[] accesses = new long[1024];
    int size;

    void add(long high, long low, int weight, long expiresAt, long lastAccess) {
      if (size == highs.length) {
        int capacity = size * 2;
        highs = Arrays.copyOf(highs, capacity);
        lows = Arrays.copyOf(lows, capacity);
        weights = Arrays.copyOf(weights, capacity);
        expiries = Arrays.copyOf(expiries, capacity);
        accesses = Arrays.copyOf(accesses, capacity);
      }
      highs[size] = high;
      lows[size] = low;
      weights[size] = weight;
      expiries[size] = expiresAt;
      accesses[size] = lastAccess;
      size++;
    }

    int[] byLastAccess() {
      return java.util.stream.IntStream.range(0, size).boxed()
          .sorted((a, b) -> Long.compare(accesses[a], accesses[b]))
          .mapToInt(Integer::intValue)
          .toArray();
    }
  }
}
