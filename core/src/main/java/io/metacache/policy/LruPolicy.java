package io.metacache.policy;

import java.util.Arrays;

/**
 * Exact least-recently-used: one intrusive list over slots, least recent at the head. A read or a
 * write moves the key to the tail; eviction takes from the head until both bounds hold. Every
 * operation is O(1) and allocation-free once the arrays have grown to the working set.
 */
final class LruPolicy extends IndexedPolicy {

  private static final int QUEUE = 0;

  private final long maximumEntries;
  private final long maximumWeight;
  private final SlotLists order;
  private int[] weights;

  LruPolicy(long maximumEntries, long maximumWeight) {
    super(maximumEntries);
    this.maximumEntries = maximumEntries;
    this.maximumWeight = maximumWeight;
    this.order = new SlotLists(index.slotCapacity(), 1);
    this.weights = new int[index.slotCapacity()];
  }

  @Override
  void hit(int slot, long hash) {
    order.moveToLast(QUEUE, slot);
  }

  @Override
  public void recordWrite(long keyHigh, long keyLow, int weight, EvictionSink sink) {
    Policies.checkWeight(weight);
    long hash = KeyHash.hash(keyHigh, keyLow);
    int slot = index.find(hash, keyHigh, keyLow);
    if (weight > maximumWeight) {
      if (slot != KeyIndex.NONE) {
        unlink(slot);
      }
      sink.evicted(keyHigh, keyLow, weight);
      return;
    }
    if (slot == KeyIndex.NONE) {
      slot = index.insert(hash, keyHigh, keyLow);
      ensureCapacity();
      weights[slot] = weight;
      order.addLast(QUEUE, slot);
    } else {
      weightedSize -= weights[slot];
      weights[slot] = weight;
      order.moveToLast(QUEUE, slot);
    }
    weightedSize += weight;
    evict(slot, sink);
  }

  private void evict(int written, EvictionSink sink) {
    while (index.size() > maximumEntries || weightedSize > maximumWeight) {
      int victim = order.head(QUEUE);
      if (victim == written) {
        victim = order.next(victim);
      }
      long high = index.high(victim);
      long low = index.low(victim);
      int weight = weights[victim];
      unlink(victim);
      sink.evicted(high, low, weight);
    }
  }

  @Override
  void unlink(int slot) {
    order.remove(QUEUE, slot);
    weightedSize -= weights[slot];
    index.remove(slot);
  }

  private void ensureCapacity() {
    int capacity = index.slotCapacity();
    if (capacity > weights.length) {
      weights = Arrays.copyOf(weights, capacity);
      order.ensureSlotCapacity(capacity);
    }
  }

  @Override
  public void clear() {
    index.clear();
    order.clear();
    weightedSize = 0;
  }

  @Override
  public String toString() {
    return "lru[entries=" + index.size() + "/" + maximumEntries
        + ", weight=" + weightedSize + "/" + maximumWeight + "]";
  }
}
