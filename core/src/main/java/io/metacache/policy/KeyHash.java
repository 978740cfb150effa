package io.metacache.policy;

/**
 * Spreads a 128-bit key into a well-mixed 64-bit hash. Store keys are XXH3 fingerprints and
 * already random, but trace keys and test keys are small sequential integers, so every bit of the
 * result must depend on every bit of the key (a murmur3 finalizer over both halves).
 */
final class KeyHash {

  private KeyHash() {}

  /** A 64-bit hash of the key {@code (high, low)}. */
  static long hash(long high, long low) {
    long h = high * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(low * 0xC2B2AE3D27D4EB4FL, 31);
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }
}
