package io.metacache.policy;

/**
 * Decides which keys leave a bounded store. A policy tracks 128-bit keys (two longs) and their
 * weights in primitive structures, never one Java object per entry.
 *
 * <p>Not thread-safe: the owning store serializes calls (it replays buffered access and write
 * events under its policy lock). Bounds are a maximum entry count and a maximum total weight;
 * after each {@link #recordWrite} the policy evicts, through the sink, until both hold.
 */
public interface EvictionPolicy {

  /** Records a read hit on a key the policy holds; a key it does not hold is ignored. */
  void recordAccess(long keyHigh, long keyLow);

  /**
   * Records read hits on {@code count} keys, given as pairs {@code (keys[2i], keys[2i + 1])}, with
   * the same effect as {@link #recordAccess} on each in order. A policy finds the keys of a batch
   * before touching any of them, so that the cache misses of independent keys overlap instead of
   * queuing one behind another.
   */
  void recordAccesses(long[] keys, int count);

  /**
   * Records an insert or an update of a key with its weight (an update replaces the weight), then
   * evicts until the bounds hold, reporting every evicted key to {@code sink}. A policy with an
   * admission filter may reject the written key itself; it is then reported to the sink too.
   */
  void recordWrite(long keyHigh, long keyLow, int weight, EvictionSink sink);

  /** Forgets a key removed by the store; returns whether the policy held it. */
  boolean recordRemoval(long keyHigh, long keyLow);

  /** Whether the policy holds the key. */
  boolean contains(long keyHigh, long keyLow);

  /** Number of keys held. */
  int size();

  /** Sum of the weights of the keys held. */
  long weightedSize();

  /** Visits every key held, in no particular order. */
  void forEachKey(KeyVisitor visitor);

  /** Forgets every key. */
  void clear();

  /** Receives keys chosen for eviction. */
  @FunctionalInterface
  interface EvictionSink {
    void evicted(long keyHigh, long keyLow, int weight);
  }

  /** Receives keys during {@link #forEachKey}. */
  @FunctionalInterface
  interface KeyVisitor {
    void visit(long keyHigh, long keyLow);
  }
}
