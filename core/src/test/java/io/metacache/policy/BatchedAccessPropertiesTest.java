package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Batched read replay ({@link EvictionPolicy#recordAccesses}) is indistinguishable from replaying
 * the same reads one by one: two policies of each kind, fed the same writes and the same reads,
 * one batched and one not, evict the same keys in the same order and end holding the same keys.
 */
class BatchedAccessPropertiesTest {

  @Property(tries = 200)
  void batchedAccessesEqualAccessesOneByOne(
      @ForAll @Size(min = 20, max = 400) List<@IntRange(min = 0, max = 63) Integer> ops,
      @ForAll @IntRange(min = 1, max = 24) int capacity,
      @ForAll @IntRange(min = 1, max = 40) int batch) {
    for (PolicyKind kind : PolicyKind.values()) {
      EvictionPolicy batched = EvictionPolicies.create(kind, capacity, Long.MAX_VALUE);
      EvictionPolicy single = EvictionPolicies.create(kind, capacity, Long.MAX_VALUE);
      List<Long> batchedVictims = new ArrayList<>();
      List<Long> singleVictims = new ArrayList<>();
      long[] pending = new long[2 * batch];
      int count = 0;
      for (int op : ops) {
        int key = op % 32;
        if (op < 32) { // a read of a key that may or may not be held
          pending[2 * count] = 7;
          pending[2 * count + 1] = key;
          count++;
          single.recordAccess(7, key);
          if (count == batch) {
            batched.recordAccesses(pending, count);
            count = 0;
          }
        } else { // a write: the pending reads are replayed before it, as the memory tier does
          batched.recordAccesses(pending, count);
          count = 0;
          batched.recordWrite(7, key, 1, (high, low, weight) -> batchedVictims.add(low));
          single.recordWrite(7, key, 1, (high, low, weight) -> singleVictims.add(low));
        }
      }
      batched.recordAccesses(pending, count);
      assertThat(batchedVictims).as(kind.toString()).isEqualTo(singleVictims);
      assertThat(PolicyTesting.keys(batched)).as(kind.toString()).isEqualTo(PolicyTesting.keys(single));
      // and the recency and frequency state agrees: the next evictions agree too
      for (int key = 100; key < 100 + capacity + 2; key++) {
        batched.recordWrite(7, key, 1, (high, low, weight) -> batchedVictims.add(low));
        single.recordWrite(7, key, 1, (high, low, weight) -> singleVictims.add(low));
      }
      assertThat(batchedVictims).as(kind.toString()).isEqualTo(singleVictims);
    }
  }
}
