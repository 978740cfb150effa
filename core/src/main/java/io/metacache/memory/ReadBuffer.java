package io.metacache.memory;

import io.metacache.policy.EvictionPolicy.KeyVisitor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lossy, striped, multi-producer single-consumer buffer of read events (128-bit keys), after
 * Caffeine's {@code StripedBuffer}/{@code BoundedBuffer}. A reader offers its key to the stripe
 * its thread hashes to; when the stripe is full, or another reader won the slot, the event is
 * dropped: recency and frequency are statistics, and losing a few samples under contention is
 * the price of never making a reader wait. The single consumer drains under the policy lock.
 *
 * <p>Each stripe is a ring of {@value #CAPACITY} slots. A producer claims a slot by CAS on
 * {@code tail}, writes the two longs, then publishes the slot by storing its sequence number with
 * release semantics; the consumer reads a slot only once its sequence is published, and frees it
 * by advancing {@code head} with release semantics. A producer claims slot {@code t} only after
 * seeing {@code head > t - CAPACITY}, so it never overwrites an unconsumed slot.
 */
final class ReadBuffer {

  /** Slots per stripe, a power of two. */
  static final int CAPACITY = 32;
  private static final int MASK = CAPACITY - 1;
  /** Fill level at which the reader asks for a drain. */
  static final int DRAIN_THRESHOLD = CAPACITY / 2;

  private final Stripe[] stripes;
  private final int stripeMask;

  ReadBuffer() {
    int cpus = Runtime.getRuntime().availableProcessors();
    int n = Math.min(64, Integer.highestOneBit(Math.max(1, cpus)) * 4);
    this.stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new Stripe();
    }
    this.stripeMask = n - 1;
  }

  /**
   * Offers a read event; returns whether the caller should try to drain (the stripe is at least
   * half full, or the event was dropped because it was full).
   */
  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+; we target 17
  boolean offer(long keyHigh, long keyLow) {
    long id = Thread.currentThread().getId();
    int index = (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & stripeMask;
    return stripes[index].offer(keyHigh, keyLow);
  }

  /** Hands every published event to the visitor; consumer side, single-threaded. */
  void drainTo(KeyVisitor visitor) {
    for (Stripe stripe : stripes) {
      stripe.drainTo(visitor);
    }
  }

  // Padding keeps the hot counters of neighbouring stripes off one cache line.
  @SuppressWarnings("unused")
  private static class PadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
  }

  private static class Counters extends PadBefore {
    volatile long tail;
    volatile long head;
  }

  @SuppressWarnings("unused")
  private static final class Stripe extends Counters {
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        TAIL = lookup.findVarHandle(Counters.class, "tail", long.class);
        HEAD = lookup.findVarHandle(Counters.class, "head", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    long p10, p11, p12, p13, p14, p15, p16, p17;
    private final long[] keys = new long[2 * CAPACITY];
    private final long[] sequences = new long[CAPACITY];

    boolean offer(long keyHigh, long keyLow) {
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

    void drainTo(KeyVisitor visitor) {
      long head = (long) HEAD.getOpaque(this);
      long tail = (long) TAIL.getAcquire(this);
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
