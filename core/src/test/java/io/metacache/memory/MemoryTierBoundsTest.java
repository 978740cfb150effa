package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chronicle's "extra segment tier" and "entry too large" failures must be unreachable: fill
 * tiers far past their bounds with sizes up to and including the per-entry limit, with sizing
 * hints that are right and that are wrong, and expect no exception, no refusal for lack of room,
 * and the bounds held.
 */
class MemoryTierBoundsTest {

  @ParameterizedTest(name = "{6}: entries={0} bytes={1} maxEntry={2} avg={3} sizes {4}..{5}")
  @CsvSource({
      // entries bound binds; sizes around the declared average
      "2000,   67108864, 65536, 1024,  104, 2048, LRU",
      // bytes bound binds; sizes from header-only to the limit
      "5000,    1048576, 65536, 1024,  104, 65536, WTINYLFU",
      // a tiny tier: one segment, a handful of entries, large entries
      "8,        262144, 32768, 1024,  104, 32768, LFU",
      // average declared far too small: every entry at the limit
      "3000,   33554432, 65536,  128, 65536, 65536, WTINYLFU",
      // average declared far too large: tiny entries
      "8000,   67108864, 65536, 65536, 104, 200, LFU",
      // many segments, mixed sizes, both bounds close
      "12000,  12582912, 16384, 1024,  104, 16384, WTINYLFU",
      // 64 segments of 1-2 thousand entries: entries bound binds
      "100000, 134217728, 65536, 1024,  104, 2048, LRU",
      // 64 segments, bytes bound binds, sizes up to the limit
      "70000,   33554432, 65536,  512,  104, 65536, WTINYLFU",
      // 32 segments holding a few hundred entries at the limit: large skew between segments
      "40000,   33554432, 65536,  128, 65536, 65536, LFU",
  })
  void fillingFarBeyondTheBoundsNeverHitsAChronicleLimit(
      long maxEntries, long maxBytes, int maxEntryBytes, int averageEntryBytes, int minSize, int maxSize,
      PolicyKind policy) {
    FakeClock clock = new FakeClock(1_000);
    try (MemoryTier tier = MemoryTier.builder()
        .maxEntries(maxEntries).maxBytes(maxBytes).maxEntryBytes(maxEntryBytes)
        .averageEntryBytes(averageEntryBytes).policy(policy).clock(clock)
        .expirySweepInterval(Duration.ZERO).build()) {
      SplittableRandom random = new SplittableRandom(maxEntries * 31 + maxBytes);
      int permits = tier.sizing().writePermits;
      long permitBytes = tier.sizing().permitChunks * tier.sizing().chunkSize;
      long operations = Math.max(8_000, 2 * maxEntries + maxEntries / 2);
      long keySpace = 2 * maxEntries + 100;
      java.util.Map<Integer, byte[]> entries = new java.util.HashMap<>();
      long removed = 0;
      for (long i = 0; i < operations; i++) {
        long key = random.nextLong(keySpace);
        int size = random.nextInt(10) == 0 ? maxSize : minSize + random.nextInt(maxSize - minSize + 1);
        byte[] entry = entries.computeIfAbsent(size, n -> TestEntries.entry(n, 0, n));
        assertThat(tier.put(key, ~key, entry)).isTrue();
        if (random.nextInt(8) == 0) {
          // keys are stored as (k, ~k): remove one that may be held, and it is gone
          long k = random.nextLong(keySpace);
          if (tier.remove(k, ~k)) {
            removed++;
          }
          assertThat(tier.contains(k, ~k)).as("key %d after its removal", k).isFalse();
        }
        if (i % 997 == 0) {
          // even before a drain the overshoot is bounded by the write permits
          assertThat(tier.size()).isLessThanOrEqualTo(maxEntries + permits);
          assertThat(tier.offHeapBytesUsed()).isLessThanOrEqualTo(maxBytes + permitBytes);
        }
      }
      // oversized entries are refused, not stored, not thrown
      assertThat(removed).as("removals that found a stored key").isPositive();
      assertThat(tier.put(1, 1, new byte[maxEntryBytes + 1])).isFalse();
      TierInvariants.assertConsistentAndBounded(tier, maxEntries, maxBytes);
      MemoryTierStats stats = tier.stats();
      assertThat(stats.refused()).isEqualTo(1);
      assertThat(stats.evictionsBySize() + stats.evictionsByBytes()).isPositive();
      // every key still held reads back whole
      tier.forEachStoredKey((h, l) -> assertThat(TestEntries.wellFormed(tier.get(h, l))).isTrue());
    }
  }
}
