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
