package io.metacache.memory;

import io.metacache.policy.EvictionPolicy.KeyVisitor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lossy buffer of read events (128-bit keys) with a single consumer, after Caffeine's
 * {@code StripedBuffer}/{@code BoundedBuffer}, and the tier's hit count. A full stripe drops the
 * event: recency and frequency are statistics, and losing a few samples under contention is the
 * price of never making a reader wait. The single consumer drains under the policy lock.
 *
 * <p>Two kinds of stripe, each a ring of {@value #CAPACITY} slots:
 * <ul>
 *   <li><b>Owned</b>: a reader thread claims one for itself ({@link #claim}) and is its only
 *       producer, so an offer is plain stores and one release store of {@code tail}, and the hit
 *       count is a counter only that thread writes. No atomic read-modify-write on the hit path:
 *       a locked instruction there is a full fence, and in a hit that waits on main memory (1 KiB
 *       copied out of a map of a gigabyte) a fence stops the processor from overlapping one
 *       hit's misses with the next one's. The stripe is taken over once its owner has died
 *       ({@link Thread#isAlive()} false, which makes the dead owner's writes visible).
 *   <li><b>Shared</b>, for readers that found no stripe to own (more reader threads than owned
 *       stripes): a producer claims a slot by CAS on {@code tail}, writes the two longs, then
 *       publishes the slot by storing its sequence number with release semantics; the consumer
 *       reads a slot only once its sequence is published. Their hits go to a {@code LongAdder}
 *       kept by the tier.
 * </ul>
 * In both, the consumer frees slots by advancing {@code head} with release semantics, and a
 * producer writes slot {@code t} only after seeing {@code head > t - CAPACITY}, so it never
 * overwrites an unconsumed slot.
 */
final class ReadBuffer {

  /** Slots per stripe, a power of two. */
  static final int CAPACITY = 32;
  private static final int MASK = CAPACITY - 1;
  /** Fill level at which the reader asks for a drain. */
  static final int DRAIN_THRESHOLD = CAPACITY / 2;

  private final Stripe[] shared;
  private final int sharedMask;
  /** Stripes readers may own; their owners are guarded by {@code this}. */
  private final Stripe[] owned;
  /**
   * Owned stripes ever claimed (they are claimed in index order), and whether any thread has
   * offered to a shared stripe: a drain reads only stripes that can hold events, so with a few
   * reader threads it touches a few cache lines rather than every stripe's.
   */
  private volatile int ownedInUse;
  private volatile boolean sharedInUse;

  ReadBuffer() {
    int cpus = Runtime.getRuntime().availableProcessors();
    int n = Math.min(64, Integer.highestOneBit(Math.max(1, cpus)) * 4);
    this.shared = new Stripe[n];
    this.owned = new Stripe[n];
    for (int i = 0; i < n; i++) {
      shared[i] = new Stripe();
      owned[i] = new Stripe();
    }
    this.sharedMask = n - 1;
  }

  /**
   * A stripe for the calling thread to own and offer to with {@link #offer(Stripe, long, long)},
   * or null when every owned stripe belongs to a live thread (the thread then offers to the
   * shared stripes).
   */
  synchronized Stripe claim() {
    Thread me = Thread.currentThread();
    for (int i = 0; i < owned.length; i++) {
      Stripe stripe = owned[i];
      Thread owner = stripe.owner;
      if (owner == null || !owner.isAlive()) {
        stripe.owner = me;
        if (i >= ownedInUse) {
          ownedInUse = i + 1;
        }
        return stripe;
      }
    }
    return null;
  }

  /**
   * Offers a read event to the caller's own stripe, or to a shared one if {@code own} is null;
   * returns whether the caller should try to drain (the stripe is at least half full, or the
   * event was dropped because it was full).
   */
  boolean offer(Stripe own, long keyHigh, long keyLow) {
    return own != null ? own.offerOwned(keyHigh, keyLow) : offerShared(keyHigh, keyLow);
  }

  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+; we target 17
  private boolean offerShared(long keyHigh, long keyLow) {
    long id = Thread.currentThread().getId();
    int index = (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & sharedMask;
    if (!sharedInUse) {
      sharedInUse = true;
    }
    return shared[index].offerShared(keyHigh, keyLow);
  }

  /** Hands every published event to the visitor; consumer side, single-threaded. */
  void drainTo(KeyVisitor visitor) {
    for (int i = 0, n = ownedInUse; i < n; i++) {
      owned[i].drainOwned(visitor);
    }
    if (sharedInUse) {
      for (Stripe stripe : shared) {
        stripe.drainShared(visitor);
      }
    }
  }

  /** Hits counted in owned stripes, by every thread that ever owned one. */
  long ownedHits() {
    long sum = 0;
    for (Stripe stripe : owned) {
      sum += (long) Stripe.HITS.getOpaque(stripe);
    }
    return sum;
  }

  // Padding keeps the hot counters of neighbouring stripes off one cache line.
  @SuppressWarnings("unused")
  private static class PadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
  }

  private static class Counters extends PadBefore {
    volatile long tail;
    volatile long head;
    /** Hits of an owned stripe's owners; written by the owner only. */
    long hits;
  }

  /** One ring; see the class comment for the two ways of producing into it. */
  @SuppressWarnings("unused")
  static final class Stripe extends Counters {
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    static final VarHandle HITS;
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        TAIL = lookup.findVarHandle(Counters.class, "tail", long.class);
        HEAD = lookup.findVarHandle(Counters.class, "head", long.class);
        HITS = lookup.findVarHandle(Counters.class, "hits", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    long p10, p11, p12, p13, p14, p15, p16, p17;
    private final long[] keys = new long[2 * CAPACITY];
    private final long[] sequences = new long[CAPACITY];
    /** The thread producing into an owned stripe; guarded by the buffer. */
    Thread owner;

    private Stripe() {}

    /** Counts a hit; by the owner only. */
    void hit() {
      HITS.setOpaque(this, (long) HITS.getOpaque(this) + 1);
    }

    boolean offerOwned(long keyHigh, long keyLow) {
      long tail = (long) TAIL.getOpaque(this); // only this thread writes it
      long size = tail - (long) HEAD.getAcquire(this);
      if (size >= CAPACITY) {
        return true;
      }
      int slot = (int) (tail & MASK);
      keys[2 * slot] = keyHigh;
      keys[2 * slot + 1] = keyLow;
      TAIL.setRelease(this, tail + 1);
      return size + 1 >= DRAIN_THRESHOLD;
    }

    void drainOwned(KeyVisitor visitor) {
      long head = (long) HEAD.getOpaque(this);
      long tail = (long) TAIL.getAcquire(this);
      if (head == tail) {
        return;
      }
      for (; head < tail; head++) {
        int slot = (int) (head & MASK);
        visitor.visit(keys[2 * slot], keys[2 * slot + 1]);
      }
      HEAD.setRelease(this, head);
    }

    boolean offerShared(long keyHigh, long keyLow) {
      long head = (long) HEAD.getAcquire(this);
      long tail = (long) TAIL.getOpaque(this);
      long size = tail - head;
      if (size >= CAPACITY) {
        return true;
      }
      if (!TAIL.compareAndSet(this, tail, tail + 1)) {
        return false;
      }
      int slot = (int) (tail & MASK);
      keys[2 * slot] = keyHigh;
      keys[2 * slot + 1] = keyLow;
      SEQUENCES.setRelease(sequences, slot, tail + 1);
      return size + 1 >= DRAIN_THRESHOLD;
    }

    void drainShared(KeyVisitor visitor) {
      long head = (long) HEAD.getOpaque(this);
      long tail = (long) TAIL.getAcquire(this);
      if (head == tail) {
        return;
      }
      while (head < tail) {
        int slot = (int) (head & MASK);
        if ((long) SEQUENCES.getAcquire(sequences, slot) != head + 1) {
          break; // claimed but not yet published; picked up by the next drain
        }
        visitor.visit(keys[2 * slot], keys[2 * slot + 1]);
        head++;
      }
      HEAD.setRelease(this, head);
    }
  }
}
