package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Seed properties 1, 8, 9 and 10, through the whole memory tier (Chronicle, buffers, policy);
 * property 8 for every eviction policy.
 */
class MemoryTierPropertiesTest {

  private static final long T0 = 1_700_000_000_000L;

  /** One operation: kind, key, entry size, time-to-live (0 = none), how the bytes travel. */
  record Op(int kind, int key, int size, int ttl, int via) {
    static final int GET = 0;
    static final int PUT = 1;
    static final int REMOVE = 2;
    static final int TICK = 3;
    static final int SWEEP = 4;

    @Override
    public String toString() {
      String[] names = {"get", "put", "remove", "tick", "sweep"};
      return names[kind] + "(" + key + ", size=" + size + ", ttl=" + ttl + ", via=" + via + ")";
    }
  }

  private static Arbitrary<List<Op>> operations(int keys, int maxSize, int... weights) {
    Arbitrary<Integer> kinds = Arbitraries.frequency(
        Tuple.of(weights[0], Op.GET), Tuple.of(weights[1], Op.PUT), Tuple.of(weights[2], Op.REMOVE),
        Tuple.of(weights[3], Op.TICK), Tuple.of(weights[4], Op.SWEEP));
    return Combinators.combine(
            kinds,
            Arbitraries.integers().between(0, keys - 1),
            Arbitraries.integers().between(104, maxSize),
            Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(2, 1)).flatMap(
                hasTtl -> hasTtl == 0 ? Arbitraries.just(0) : Arbitraries.integers().between(1, 100)),
            Arbitraries.integers().between(0, 2))
        .as(Op::new).list().ofMinSize(30).ofMaxSize(250);
  }

  @Provide
  Arbitrary<List<Op>> readWriteOps() {
    return operations(40, 3000, 5, 5, 1, 0, 0);
  }

  @Provide
  Arbitrary<List<Op>> lruOps() {
    return operations(24, 400, 4, 4, 1, 0, 0);
  }

  @Provide
  Arbitrary<List<Op>> mixedOps() {
    return operations(30, 2500, 4, 4, 1, 2, 1);
  }

  private static MemoryTier tier(long maxEntries, long maxBytes, int maxEntryBytes, FakeClock clock) {
    return tier(PolicyKind.LRU, maxEntries, maxBytes, maxEntryBytes, clock);
  }

  private static MemoryTier tier(PolicyKind policy, long maxEntries, long maxBytes, int maxEntryBytes,
      FakeClock clock) {
    return MemoryTier.builder().maxEntries(maxEntries).maxBytes(maxBytes).maxEntryBytes(maxEntryBytes)
        .averageEntryBytes(Math.min(512, maxEntryBytes)).policy(policy).clock(clock)
        .expirySweepInterval(Duration.ZERO).build();
  }

  private static byte[] entryFor(Op op, long now, long seed) {
    return TestEntries.entry(op.size(), op.ttl() == 0 ? 0 : now + op.ttl(), seed);
  }

  private static boolean put(MemoryTier tier, long key, byte[] bytes, int via) {
    switch (via) {
      case 0:
        return tier.put(key, -key, bytes);
      case 1:
        UnsafeBuffer heap = new UnsafeBuffer(new byte[bytes.length + 3]);
        heap.putBytes(3, bytes);
        return tier.put(key, -key, heap, 3, bytes.length);
      default:
        UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        direct.putBytes(0, bytes);
        return tier.put(key, -key, direct, 0, bytes.length);
    }
  }

  private static byte[] get(MemoryTier tier, long key, int via) {
    if (via == 0) {
      return tier.get(key, -key);
    }
    MutableDirectBuffer dst = via == 1 ? new ExpandableArrayBuffer(8) : new ExpandableDirectByteBuffer(8);
    int length = tier.get(key, -key, dst, 1);
    if (length < 0) {
      return null;
    }
    byte[] out = new byte[length];
    dst.getBytes(1, out);
    return out;
  }

  /** Property 1: what is put is read back byte-identical, through every buffer kind. */
  @Property(tries = 100)
  void property1_cacheConsistencyThroughTier(@ForAll("readWriteOps") List<Op> ops) {
    FakeClock clock = new FakeClock(T0);
    Map<Long, byte[]> model = new HashMap<>();
    try (MemoryTier tier = tier(1000, 64 << 20, 4096, clock)) {
      long seed = 0;
      for (Op op : ops) {
        long key = op.key();
        switch (op.kind()) {
          case Op.PUT -> {
            byte[] bytes = TestEntries.entry(op.size(), 0, seed++);
            assertThat(put(tier, key, bytes, op.via())).isTrue();
            model.put(key, bytes);
          }
          case Op.REMOVE -> assertThat(tier.remove(key, -key)).isEqualTo(model.remove(key) != null);
          default -> assertThat(get(tier, key, op.via())).as("after %s", op).isEqualTo(model.get(key));
        }
      }
      for (Map.Entry<Long, byte[]> e : model.entrySet()) {
        assertThat(tier.get(e.getKey(), -e.getKey())).isEqualTo(e.getValue());
      }
      assertThat(tier.size()).isEqualTo(model.size());
    }
  }

  /** Property 8: single-threaded, the tier evicts exactly as an access-ordered LinkedHashMap. */
  @Property(tries = 100)
  void property8_lruEvictionThroughTier(
      @ForAll("lruOps") List<Op> ops, @ForAll @IntRange(min = 1, max = 12) int capacity) {
    FakeClock clock = new FakeClock(T0);
    try (MemoryTier tier = tier(capacity, 64 << 20, 4096, clock)) {
      LruTierModel model = new LruTierModel(capacity, 64 << 20, 4096, tier.sizing());
      long seed = 0;
      for (Op op : ops) {
        long key = op.key();
        switch (op.kind()) {
          case Op.PUT -> {
            byte[] bytes = TestEntries.entry(op.size(), 0, seed++);
            assertThat(tier.put(key, -key, bytes)).isEqualTo(model.put(key, bytes));
          }
          case Op.REMOVE -> assertThat(tier.remove(key, -key)).isEqualTo(model.remove(key));
          default -> assertThat(tier.get(key, -key)).isEqualTo(model.get(key, clock.getAsLong()));
        }
        assertThat(TierInvariants.storedKeys(tier)).as("keys after %s", op)
            .isEqualTo(keysOf(model));
      }
      assertThat(tier.stats().evictionsBySize()).isEqualTo(model.evictedBySize);
      TierInvariants.assertConsistentAndBounded(tier, capacity, 64 << 20);
    }
  }

  /**
   * Property 8 for every policy, with the entry bound alone in play. What holds for all three: a
   * put at capacity evicts exactly as many entries as make room (one for a new key, none for a
   * rewrite), never the key being written (W-TinyLFU's window admits every new key), never a key
   * that was not held; reads and removals evict nothing; a read returns the last value put;
   * evictions are counted by cause. Which key leaves is each policy's own rule, checked exactly
   * where the policy is exact: LRU evicts the least recently used (an access-ordered
   * LinkedHashMap), LFU the least frequently used, least recent among equals (a naive scan).
   * W-TinyLFU's victim is chosen by its sketch, window and ghosts, which no simpler model
   * predicts; for it the rules above are the whole claim.
   */
  @Property(tries = 100)
  void property8_evictionCorrectnessThroughTier_everyPolicy(
      @ForAll PolicyKind policy,
      @ForAll("lruOps") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 12) int capacity) {
    FakeClock clock = new FakeClock(T0);
    try (MemoryTier tier = tier(policy, capacity, 64 << 20, 4096, clock)) {
      Map<Long, byte[]> held = new HashMap<>(); // put, and neither removed nor evicted since
      LruTierModel lru = policy == PolicyKind.LRU ? new LruTierModel(capacity, 64 << 20, 4096, tier.sizing()) : null;
      LfuTierModel lfu = policy == PolicyKind.LFU ? new LfuTierModel(capacity) : null;
      long seed = 0;
      long evictions = 0;
      for (Op op : ops) {
        long key = op.key();
        switch (op.kind()) {
          case Op.PUT -> {
            byte[] bytes = TestEntries.entry(op.size(), 0, seed++);
            assertThat(tier.put(key, -key, bytes)).isTrue();
            held.put(key, bytes);
            if (lru != null) {
              lru.put(key, bytes);
            }
            if (lfu != null) {
              lfu.put(key, bytes);
            }
          }
          case Op.REMOVE -> {
            assertThat(tier.remove(key, -key)).isEqualTo(held.remove(key) != null);
            if (lru != null) {
              lru.remove(key);
            }
            if (lfu != null) {
              lfu.remove(key);
            }
          }
          default -> {
            assertThat(tier.get(key, -key)).as("%s after %s", policy, op).isEqualTo(held.get(key));
            if (lru != null) {
              lru.get(key, clock.getAsLong());
            }
            if (lfu != null) {
              lfu.get(key);
            }
          }
        }
        java.util.Set<Long> stored = testKeys(TierInvariants.storedKeys(tier));
        assertThat(held.keySet()).as("%s: the tier holds only keys put and not removed or evicted", policy)
            .containsAll(stored);
        java.util.Set<Long> evicted = new java.util.HashSet<>(held.keySet());
        evicted.removeAll(stored);
        if (op.kind() == Op.PUT) {
          assertThat(evicted).as("%s: evicted by %s", policy, op)
              .hasSize(Math.max(0, held.size() - capacity))
              .doesNotContain(key);
        } else {
          assertThat(evicted).as("%s: evicted by %s", policy, op).isEmpty();
        }
        held.keySet().removeAll(evicted);
        evictions += evicted.size();
        assertThat(stored).hasSizeLessThanOrEqualTo(capacity);
        if (lru != null) {
          assertThat(stored).as("LRU keys after %s", op).isEqualTo(lru.entries.keySet());
        }
        if (lfu != null) {
          assertThat(stored).as("LFU keys after %s", op).isEqualTo(lfu.keys());
        }
      }
      net.jqwik.api.statistics.Statistics.label("evicted").collect(evictions > 0);
      assertThat(tier.stats().evictionsBySize()).isEqualTo(evictions);
      assertThat(tier.stats().evictionsByBytes()).isZero();
      TierInvariants.assertConsistentAndBounded(tier, capacity, 64 << 20);
    }
  }

  /**
   * Property 8's bounds, for every policy, with both bounds, expiry and refusals in play: after
   * every step the tier is within its entry and byte bounds, the policy holds exactly the stored
   * keys, the tier holds only keys put and not removed, a read returns the last value put or, if
   * the entry left (evicted or expired), nothing; every departure that was not a removal is counted
   * as an eviction or an expiration.
   */
  @Property(tries = 100)
  void property8_boundsHoldForEveryPolicy(
      @ForAll PolicyKind policy,
      @ForAll("mixedOps") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 10) int capacity,
      @ForAll @IntRange(min = 3, max = 8) int budgetKib) {
    FakeClock clock = new FakeClock(T0);
    long maxBytes = budgetKib * 1024L;
    int maxEntryBytes = 2048; // mixedOps sizes reach 2500: some puts are refused
    try (MemoryTier tier = tier(policy, capacity, maxBytes, maxEntryBytes, clock)) {
      Map<Long, byte[]> held = new HashMap<>();
      long seed = 0;
      long departures = 0;
      for (Op op : ops) {
        long key = op.key();
        long now = clock.getAsLong();
        java.util.Set<Long> storedBefore = testKeys(TierInvariants.storedKeys(tier));
        boolean removed = false;
        switch (op.kind()) {
          case Op.PUT -> {
            byte[] bytes = entryFor(op, now, seed++);
            boolean accepted = tier.put(key, -key, bytes);
            assertThat(accepted).isEqualTo(bytes.length <= maxEntryBytes);
            if (accepted) {
              held.put(key, bytes);
            }
          }
          case Op.REMOVE -> {
            removed = tier.remove(key, -key);
            assertThat(removed).isEqualTo(storedBefore.contains(key));
            held.remove(key);
          }
          case Op.TICK -> clock.advance(op.ttl() + 1);
          case Op.SWEEP -> tier.runExpiry();
          default -> {
            byte[] bytes = held.get(key);
            boolean live = storedBefore.contains(key)
                && (TestEntries.expiresAt(bytes) == 0 || TestEntries.expiresAt(bytes) > now);
            assertThat(tier.get(key, -key)).as("%s after %s", policy, op).isEqualTo(live ? bytes : null);
          }
        }
        TierInvariants.assertConsistentAndBounded(tier, capacity, maxBytes);
        java.util.Set<Long> stored = testKeys(TierInvariants.storedKeys(tier));
        assertThat(held.keySet()).as("%s: the tier holds only keys put and not removed", policy)
            .containsAll(stored);
        java.util.Set<Long> gone = new java.util.HashSet<>(held.keySet());
        gone.removeAll(stored);
        held.keySet().removeAll(gone);
        departures += gone.size();
      }
      MemoryTierStats stats = tier.stats();
      assertThat(stats.evictionsBySize() + stats.evictionsByBytes() + stats.expirations())
          .as("%s: departures other than removals", policy).isEqualTo(departures);
    }
  }

  /** The test's keys of stored keys: every key is stored as {@code (key, -key)}. */
  private static java.util.Set<Long> testKeys(java.util.Set<TierInvariants.Key> keys) {
    java.util.Set<Long> testKeys = new java.util.HashSet<>();
    for (TierInvariants.Key k : keys) {
      assertThat(k.low()).isEqualTo(-k.high());
      testKeys.add(k.high());
    }
    return testKeys;
  }

  /** Property 9: past its expires-at an entry is a miss on read and cleanup removes it. */
  @Property(tries = 100)
  void property9_ttlExpiration(
      @ForAll @IntRange(min = 1, max = 60) int count,
      @ForAll @IntRange(min = 0, max = 200) int advance,
      @ForAll boolean sweepFirst) {
    FakeClock clock = new FakeClock(T0);
    try (MemoryTier tier = tier(1000, 64 << 20, 4096, clock)) {
      Map<Long, Long> expiries = new HashMap<>();
      for (long key = 0; key < count; key++) {
        long expiresAt = key % 4 == 0 ? 0 : T0 + 1 + (key * 37) % 150;
        tier.put(key, -key, TestEntries.entry(200, expiresAt, key));
        expiries.put(key, expiresAt);
      }
      clock.advance(advance);
      long now = clock.getAsLong();
      long due = expiries.values().stream().filter(t -> t != 0 && t <= now).count();
      if (sweepFirst) {
        assertThat(tier.runExpiry()).isEqualTo(due);
        assertThat(tier.size()).isEqualTo(count - due);
      }
      for (Map.Entry<Long, Long> e : expiries.entrySet()) {
        long key = e.getKey();
        boolean expired = e.getValue() != 0 && e.getValue() <= now;
        assertThat(tier.contains(key, -key)).isEqualTo(!expired);
        assertThat(tier.get(key, -key) == null).as("key %s expiring at %s, now %s", key, e.getValue(), now)
            .isEqualTo(expired);
      }
      // reads removed what the sweep had not; a later sweep finds nothing more
      assertThat(tier.runExpiry()).isZero();
      assertThat(tier.size()).isEqualTo(count - due);
      MemoryTierStats stats = tier.stats();
      assertThat(stats.expirations()).isEqualTo(due);
      assertThat(stats.misses()).isEqualTo(due);
      assertThat(stats.hits()).isEqualTo(count - due);
      TierInvariants.assertConsistentAndBounded(tier, 1000, 64 << 20);
    }
  }

  /** Property 10: hits, misses, evictions by cause, expirations and refusals count exactly. */
  @Property(tries = 100)
  void property10_statisticsAccuracyForEvictionsAndExpiry(
      @ForAll("mixedOps") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 10) int capacity,
      @ForAll @IntRange(min = 3, max = 8) int budgetKib) {
    FakeClock clock = new FakeClock(T0);
    long maxBytes = budgetKib * 1024L;
    int maxEntryBytes = 2048; // mixedOps sizes reach 2500: some puts are refused
    try (MemoryTier tier = tier(capacity, maxBytes, maxEntryBytes, clock)) {
      LruTierModel model = new LruTierModel(capacity, maxBytes, maxEntryBytes, tier.sizing());
      long seed = 0;
      for (Op op : ops) {
        long key = op.key();
        long now = clock.getAsLong();
        switch (op.kind()) {
          case Op.PUT -> {
            byte[] bytes = entryFor(op, now, seed++);
            assertThat(tier.put(key, -key, bytes)).isEqualTo(model.put(key, bytes));
          }
          case Op.REMOVE -> assertThat(tier.remove(key, -key)).isEqualTo(model.remove(key));
          case Op.TICK -> clock.advance(op.ttl() + 1);
          case Op.SWEEP -> assertThat(tier.runExpiry()).isEqualTo(model.runExpiry(now));
          default -> assertThat(tier.get(key, -key)).as("after %s", op).isEqualTo(model.get(key, now));
        }
      }
      net.jqwik.api.statistics.Statistics.label("evicted by size").collect(model.evictedBySize > 0);
      net.jqwik.api.statistics.Statistics.label("evicted by bytes").collect(model.evictedByBytes > 0);
      net.jqwik.api.statistics.Statistics.label("expired").collect(model.expirations > 0);
      net.jqwik.api.statistics.Statistics.label("refused").collect(model.refused > 0);
      MemoryTierStats stats = tier.stats();
      assertThat(stats.hits()).isEqualTo(model.hits);
      assertThat(stats.misses()).isEqualTo(model.misses);
      assertThat(stats.puts()).isEqualTo(model.puts);
      assertThat(stats.removals()).isEqualTo(model.removals);
      assertThat(stats.refused()).isEqualTo(model.refused);
      assertThat(stats.expirations()).isEqualTo(model.expirations);
      assertThat(stats.evictionsBySize()).isEqualTo(model.evictedBySize);
      assertThat(stats.evictionsByBytes()).isEqualTo(model.evictedByBytes);
      assertThat(stats.entries()).isEqualTo(model.entries.size());
      assertThat(stats.offHeapBytesUsed()).isEqualTo(model.bytes);
      assertThat(stats.offHeapBytesFree()).isEqualTo(maxBytes - model.bytes);
      assertThat(TierInvariants.storedKeys(tier)).isEqualTo(keysOf(model));
      TierInvariants.assertConsistentAndBounded(tier, capacity, maxBytes);
    }
  }

  private static java.util.Set<TierInvariants.Key> keysOf(LruTierModel model) {
    java.util.Set<TierInvariants.Key> keys = new java.util.HashSet<>();
    model.entries.keySet().forEach(k -> keys.add(new TierInvariants.Key(k, -k)));
    return keys;
  }
}
