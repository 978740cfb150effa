package io.metacache.policy;

import java.util.HashSet;
import java.util.Set;

/** Helpers shared by the policy tests. */
final class PolicyTesting {

  private PolicyTesting() {}

  /** The low halves of every key the policy holds (tests keep the high half at zero). */
  static Set<Long> keys(EvictionPolicy policy) {
    Set<Long> keys = new HashSet<>();
    policy.forEachKey((high, low) -> keys.add(low));
    return keys;
  }
}
