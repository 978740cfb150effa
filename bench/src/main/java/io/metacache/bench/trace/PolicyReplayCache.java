package io.metacache.bench.trace;

import io.metacache.policy.EvictionPolicies;
import io.metacache.policy.EvictionPolicy;
import io.metacache.policy.PolicyKind;

/** One of our eviction policies driven as a memory tier drives it: hit, or write of weight 1. */
final class PolicyReplayCache implements ReplayCache {

  private static final EvictionPolicy.EvictionSink IGNORE = (high, low, weight) -> { };

  private final EvictionPolicy policy;

  PolicyReplayCache(PolicyKind kind, int size) {
    this.policy = EvictionPolicies.create(kind, size, Long.MAX_VALUE);
  }

  @Override
  public boolean access(long key) {
    if (policy.contains(0L, key)) {
      policy.recordAccess(0L, key);
      return true;
    }
    policy.recordWrite(0L, key, 1, IGNORE);
    return false;
  }
}
