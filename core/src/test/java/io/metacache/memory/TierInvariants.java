package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

/** Checks shared by the bounds, concurrency and property tests. */
final class TierInvariants {

  private TierInvariants() {}

  record Key(long high, long low) {}

  static Set<Key> policyKeys(MemoryTier tier) {
    Set<Key> keys = new HashSet<>();
    tier.forEachPolicyKey((h, l) -> keys.add(new Key(h, l)));
    return keys;
  }

  static Set<Key> storedKeys(MemoryTier tier) {
    Set<Key> keys = new HashSet<>();
    tier.forEachStoredKey((h, l) -> keys.add(new Key(h, l)));
    return keys;
  }

  /** After draining: the policy holds the map's keys, and the map is within its bounds. */
  static void assertConsistentAndBounded(MemoryTier tier, long maxEntries, long maxBytes) {
    tier.cleanUp();
    Set<Key> stored = storedKeys(tier);
    assertThat(policyKeys(tier)).as("policy key set equals map key set").isEqualTo(stored);
    assertThat(tier.size()).isEqualTo(stored.size()).isLessThanOrEqualTo(maxEntries);
    assertThat(tier.offHeapBytesUsed()).isLessThanOrEqualTo(maxBytes);
    assertThat(tier.policyWeightedSize()).isEqualTo(tier.offHeapBytesUsed());
    assertThat(tier.capacityRefusals()).as("puts Chronicle had no room for").isZero();
  }
}
