package io.metacache.policy;

/** Creates eviction policies; the only way to obtain one. */
public final class EvictionPolicies {

  private EvictionPolicies() {}

  /**
   * A new, empty policy of the given kind bounded by both an entry count and a total weight.
   *
   * @param kind the policy
   * @param maximumEntries the most keys the policy holds, at least 1
   * @param maximumWeight the largest total weight the policy holds, at least 1; a single key
   *     heavier than this is rejected on write
   * @throws IllegalArgumentException if {@code kind} is null or a bound is not positive
   */
  public static EvictionPolicy create(PolicyKind kind, long maximumEntries, long maximumWeight) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null (one of lru, lfu, wtinylfu)");
    }
    if (maximumEntries < 1) {
      throw new IllegalArgumentException("maximumEntries must be >= 1, was " + maximumEntries);
    }
    if (maximumWeight < 1) {
      throw new IllegalArgumentException("maximumWeight must be >= 1, was " + maximumWeight);
    }
    switch (kind) {
      case LRU:
        return new LruPolicy(maximumEntries, maximumWeight);
      case LFU:
        return new LfuPolicy(maximumEntries, maximumWeight);
      case WTINYLFU:
        return new WindowTinyLfuPolicy(maximumEntries, maximumWeight);
      default:
        throw new IllegalArgumentException("Unknown policy kind: " + kind);
    }
  }

  /** A new policy bounded by entries only (every key weighs 1 or the weights are not bounded). */
  public static EvictionPolicy create(PolicyKind kind, long maximumEntries) {
    return create(kind, maximumEntries, Long.MAX_VALUE);
  }
}
