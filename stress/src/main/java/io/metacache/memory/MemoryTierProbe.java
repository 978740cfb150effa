package io.metacache.memory;

/**
 * Reads a memory tier's eviction policy for the stress tests, through the tier's package-private
 * diagnostics hooks (the stress module shares this package on the class path; core has no
 * module descriptor).
 */
public final class MemoryTierProbe {

  private MemoryTierProbe() {}

  /**
   * Whether the map and the policy agree on the key, judged atomically: under the policy lock,
   * after replaying every buffered event, while no eviction can run. Returns two bits: 2 if the
   * map holds the key, 1 if the policy does.
   */
  public static int membership(MemoryTier tier, long keyHigh, long keyLow) {
    int[] bits = {-1, 0};
    tier.forEachPolicyKey((high, low) -> {
      if (bits[0] < 0) {
        bits[0] = tier.contains(keyHigh, keyLow) ? 2 : 0; // still under the policy lock
      }
      if (high == keyHigh && low == keyLow) {
        bits[1] = 1;
      }
    });
    if (bits[0] < 0) {
      // The policy held no key at all. Only this test's actors add the key, and they are done, so
      // the map cannot gain it now: a later read is as good as one under the lock.
      bits[0] = tier.contains(keyHigh, keyLow) ? 2 : 0;
    }
    return bits[0] | bits[1];
  }
}
