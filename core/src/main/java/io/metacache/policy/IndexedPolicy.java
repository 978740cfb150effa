package io.metacache.policy;

/**
 * What every policy shares: the primitive key index that maps a 128-bit key to its slot, the
 * weight total, and the operations that only consult them. Subclasses keep their per-slot state
 * in parallel arrays and say how a slot leaves their queues.
 */
abstract class IndexedPolicy implements EvictionPolicy {
  /** Key to slot; slots index the subclass's parallel arrays. */
  final KeyIndex index;
  /** Sum of the weights of the keys held. */
  long weightedSize;

  IndexedPolicy(long maximumEntries) {
    this.index = new KeyIndex((int) Math.min(maximumEntries + 1, 1 << 16));
  }

  /** Removes the slot from the subclass's structures, the index and the weight total. */
  abstract void unlink(int slot);

  /** Per-batch scratch of {@link #recordAccesses}: the keys' hashes and slots. */
  private long[] batchHashes = new long[0];
  private int[] batchSlots = new int[0];

  /**
   * Hashes every key of the batch, then finds every slot, then hands the slots to the subclass:
   * the index probes of different keys are independent loads, which the processor overlaps when
   * nothing between them depends on their results. Accesses never change the index, so finding
   * all first is the same as finding each before its access.
   */
  @Override
  public final void recordAccesses(long[] keys, int count) {
    if (batchSlots.length < count) {
      batchHashes = new long[count];
      batchSlots = new int[count];
    }
    long[] hashes = batchHashes;
    int[] slots = batchSlots;
    for (int i = 0; i < count; i++) {
      hashes[i] = KeyHash.hash(keys[2 * i], keys[2 * i + 1]);
    }
    for (int i = 0; i < count; i++) {
      slots[i] = index.findBucket(hashes[i], keys[2 * i], keys[2 * i + 1]);
    }
    accessedBuckets(slots, hashes, count);
  }

  /**
   * Records hits on the keys of a batch given by bucket ({@link KeyIndex#findBucket}, -1 for a
   * key not held): turns buckets into slots and calls {@link #accessed}. LRU overrides it to use
   * the buckets directly.
   */
  void accessedBuckets(int[] buckets, long[] hashes, int count) {
    for (int i = 0; i < count; i++) {
      buckets[i] = buckets[i] < 0 ? KeyIndex.NONE : index.slotAt(buckets[i]);
    }
    accessed(buckets, hashes, count);
  }

  /**
   * Records hits on the slots of a batch in order; a slot of {@link KeyIndex#NONE} is a key not
   * held, ignored. Policies whose hit touches more than one structure override it to do each
   * structure's part for the whole batch in turn.
   */
  void accessed(int[] slots, long[] hashes, int count) {
    for (int i = 0; i < count; i++) {
      if (slots[i] != KeyIndex.NONE) {
        hit(slots[i], hashes[i]);
      }
    }
  }

  /** Records a read hit on a held slot whose key has this hash. */
  abstract void hit(int slot, long hash);

  @Override
  public final void recordAccess(long keyHigh, long keyLow) {
    long hash = KeyHash.hash(keyHigh, keyLow);
    int slot = index.find(hash, keyHigh, keyLow);
    if (slot != KeyIndex.NONE) {
      hit(slot, hash);
    }
  }

  @Override
  public final boolean recordRemoval(long keyHigh, long keyLow) {
    int slot = index.find(KeyHash.hash(keyHigh, keyLow), keyHigh, keyLow);
    if (slot == KeyIndex.NONE) {
      return false;
    }
    unlink(slot);
    return true;
  }

  @Override
  public final boolean contains(long keyHigh, long keyLow) {
    return index.find(KeyHash.hash(keyHigh, keyLow), keyHigh, keyLow) != KeyIndex.NONE;
  }

  @Override
  public final int size() {
    return index.size();
  }

  @Override
  public final long weightedSize() {
    return weightedSize;
  }

  @Override
  public final void forEachKey(KeyVisitor visitor) {
    index.forEachKey(visitor);
  }
}
