package io.metacache.policy;

import java.util.Arrays;

/**
 * Exact least-frequently-used in O(1) per operation, after Shah, Mitra and Matani, "An O(1)
 * algorithm for implementing the LFU cache eviction scheme" (2010).
 *
 * <p>Keys sharing a frequency sit in one bucket; buckets form a list in increasing frequency and
 * every bucket keeps its keys in recency order (a {@link SlotLists} list whose id is the bucket
 * id). An access moves the key from its bucket to the tail of the bucket for the next frequency,
 * creating that bucket right after the current one when it is missing and dropping the old one
 * when it empties, so no operation ever searches or sorts. The victim is the head of the first
 * bucket: the least recently used among the least frequently used. A write of a present key counts
 * as an access; a new key starts at frequency 1. The key being written is never its own victim.
 */
final class LfuPolicy extends IndexedPolicy {

  private static final int NIL = SlotLists.NIL;

  private final long maximumEntries;
  private final long maximumWeight;
  private final SlotLists members;

  // Per slot.
  private int[] weights;
  private int[] bucketOf;

  // Per bucket: its frequency and its neighbours in increasing frequency; a free stack of ids.
  private long[] frequency;
  private int[] prevBucket;
  private int[] nextBucket;
  private int[] freeBuckets;
  private int freeBucketCount;
  private int unusedBucket;
  private int firstBucket = NIL;


  LfuPolicy(long maximumEntries, long maximumWeight) {
    super(maximumEntries);
    this.maximumEntries = maximumEntries;
    this.maximumWeight = maximumWeight;
    int slots = index.slotCapacity();
    this.members = new SlotLists(slots, 16);
    this.weights = new int[slots];
    this.bucketOf = new int[slots];
    this.frequency = new long[16];
    this.prevBucket = new int[16];
    this.nextBucket = new int[16];
    this.freeBuckets = new int[16];
  }

  @Override
  void hit(int slot, long hash) {
    promote(slot);
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
      ensureSlotCapacity();
      weights[slot] = weight;
      int first = firstBucket;
      int bucket = (first != NIL && frequency[first] == 1) ? first : newBucket(1, NIL, first);
      bucketOf[slot] = bucket;
      members.addLast(bucket, slot);
    } else {
      weightedSize -= weights[slot];
      weights[slot] = weight;
      promote(slot);
    }
    weightedSize += weight;
    evict(slot, sink);
  }

  private void promote(int slot) {
    int bucket = bucketOf[slot];
    long next = frequency[bucket] + 1;
    int target = nextBucket[bucket];
    if (target == NIL || frequency[target] != next) {
      target = newBucket(next, bucket, target);
    }
    members.remove(bucket, slot);
    members.addLast(target, slot);
    bucketOf[slot] = target;
    if (members.isEmpty(bucket)) {
      dropBucket(bucket);
    }
  }

  private void evict(int written, EvictionSink sink) {
    while (index.size() > maximumEntries || weightedSize > maximumWeight) {
      int bucket = firstBucket;
      int victim = members.head(bucket);
      if (victim == written) {
        victim = members.next(victim);
        if (victim == NIL) {
          bucket = nextBucket[bucket];
          victim = members.head(bucket);
        }
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
    int bucket = bucketOf[slot];
    members.remove(bucket, slot);
    if (members.isEmpty(bucket)) {
      dropBucket(bucket);
    }
    weightedSize -= weights[slot];
    index.remove(slot);
  }

  /** Opens a bucket for {@code freq} between {@code before} and {@code after} (either may be NIL). */
  private int newBucket(long freq, int before, int after) {
    int bucket;
    if (freeBucketCount > 0) {
      bucket = freeBuckets[--freeBucketCount];
    } else {
      if (unusedBucket == frequency.length) {
        int grown = frequency.length << 1;
        frequency = Arrays.copyOf(frequency, grown);
        prevBucket = Arrays.copyOf(prevBucket, grown);
        nextBucket = Arrays.copyOf(nextBucket, grown);
        freeBuckets = Arrays.copyOf(freeBuckets, grown);
        members.ensureListCapacity(grown);
      }
      bucket = unusedBucket++;
    }
    frequency[bucket] = freq;
    prevBucket[bucket] = before;
    nextBucket[bucket] = after;
    if (before == NIL) {
      firstBucket = bucket;
    } else {
      nextBucket[before] = bucket;
    }
    if (after != NIL) {
      prevBucket[after] = bucket;
    }
    return bucket;
  }

  private void dropBucket(int bucket) {
    int before = prevBucket[bucket];
    int after = nextBucket[bucket];
    if (before == NIL) {
      firstBucket = after;
    } else {
      nextBucket[before] = after;
    }
    if (after != NIL) {
      prevBucket[after] = before;
    }
    freeBuckets[freeBucketCount++] = bucket;
  }

  private void ensureSlotCapacity() {
    int capacity = index.slotCapacity();
    if (capacity > weights.length) {
      weights = Arrays.copyOf(weights, capacity);
      bucketOf = Arrays.copyOf(bucketOf, capacity);
      members.ensureSlotCapacity(capacity);
    }
  }

  @Override
  public void clear() {
    index.clear();
    members.clear();
    firstBucket = NIL;
    freeBucketCount = 0;
    unusedBucket = 0;
    weightedSize = 0;
  }

  @Override
  public String toString() {
    return "lfu[entries=" + index.size() + "/" + maximumEntries
        + ", weight=" + weightedSize + "/" + maximumWeight + "]";
  }
}
