package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The factory validates its arguments and every kind starts empty. */
class EvictionPoliciesTest {

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> EvictionPolicies.create(null, 10, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    assertThatThrownBy(() -> EvictionPolicies.create(PolicyKind.LRU, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumEntries");
    assertThatThrownBy(() -> EvictionPolicies.create(PolicyKind.LFU, 10, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumWeight");
    EvictionPolicy policy = EvictionPolicies.create(PolicyKind.WTINYLFU, 10, 10);
    assertThatThrownBy(() -> policy.recordWrite(0, 1, -1, (h, l, w) -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight");
  }

  @Test
  void everyKindStartsEmpty() {
    for (PolicyKind kind : PolicyKind.values()) {
      EvictionPolicy policy = EvictionPolicies.create(kind, 1_000_000);
      assertThat(policy.size()).isZero();
      assertThat(policy.weightedSize()).isZero();
      assertThat(policy.contains(1, 2)).isFalse();
      assertThat(policy.recordRemoval(1, 2)).isFalse();
    }
  }
}
