package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Seed property 8 (LRU eviction correctness) against a {@link LinkedHashMap} access-order model. */
class LruPolicyTest {

  /** One store operation on a small key space. */
  record Op(int kind, int key) {
    static final int GET = 0;
    static final int PUT = 1;
    static final int REMOVE = 2;

    @Override
    public String toString() {
      return (kind == GET ? "get(" : kind == PUT ? "put(" : "remove(") + key + ")";
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> kinds = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(4, Op.GET), net.jqwik.api.Tuple.of(4, Op.PUT),
        net.jqwik.api.Tuple.of(1, Op.REMOVE));
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, 24);
    return Combinators.combine(kinds, keys).as(Op::new).list().ofMinSize(1).ofMaxSize(300);
  }

  @Property(tries = 300)
  void property8_lruEvictionCorrectness(
      @ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 12) int capacity) {
    List<Long> modelEvicted = new ArrayList<>();
    Map<Long, Boolean> model = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        if (size() > capacity) {
          modelEvicted.add(eldest.getKey());
          return true;
        }
        return false;
      }
    };
    List<Long> evicted = new ArrayList<>();
    EvictionPolicy policy = EvictionPolicies.create(PolicyKind.LRU, capacity, Long.MAX_VALUE);

    for (Op op : ops) {
      long key = op.key();
      switch (op.kind()) {
        case Op.GET:
          model.get(key);
          if (policy.contains(0, key)) {
            policy.recordAccess(0, key);
          }
          break;
        case Op.PUT:
          model.put(key, Boolean.TRUE);
          policy.recordWrite(0, key, 1, (h, l, w) -> evicted.add(l));
          break;
        default:
          assertThat(policy.recordRemoval(0, key)).isEqualTo(model.remove(key) != null);
          break;
      }
      assertThat(evicted).as("evictions after %s", op).isEqualTo(modelEvicted);
      assertThat(PolicyTesting.keys(policy)).as("keys after %s", op)
          .containsExactlyInAnyOrderElementsOf(model.keySet());
      assertThat(policy.size()).isEqualTo(model.size());
      assertThat(policy.weightedSize()).isEqualTo(model.size());
    }
  }

  @Property(tries = 200)
  void lruWeightBoundEvictsLeastRecentUntilBothBoundsHold(
      @ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 12) int capacity,
      @ForAll @IntRange(min = 1, max = 40) int maximumWeight) {
    EvictionPolicy policy = EvictionPolicies.create(PolicyKind.LRU, capacity, maximumWeight);
    LinkedHashMap<Long, Integer> model = new LinkedHashMap<>(16, 0.75f, true);
    for (Op op : ops) {
      long key = op.key();
      int weight = (int) (key % 7) * 2;
      List<Long> evicted = new ArrayList<>();
      switch (op.kind()) {
        case Op.GET:
          if (model.get(key) != null) {
            policy.recordAccess(0, key);
          }
          break;
        case Op.PUT:
          List<Long> expected = new ArrayList<>();
          model.put(key, weight);
          if (weight > maximumWeight) {
            model.remove(key);
            expected.add(key);
          }
          long total = model.values().stream().mapToLong(Integer::longValue).sum();
          var it = model.entrySet().iterator();
          while (model.size() > capacity || total > maximumWeight) {
            var e = it.next();
            expected.add(e.getKey());
            total -= e.getValue();
            it.remove();
          }
          policy.recordWrite(0, key, weight, (h, l, w) -> evicted.add(l));
          assertThat(evicted).isEqualTo(expected);
          break;
        default:
          assertThat(policy.recordRemoval(0, key)).isEqualTo(model.remove(key) != null);
          break;
      }
      assertThat(PolicyTesting.keys(policy)).containsExactlyInAnyOrderElementsOf(model.keySet());
      assertThat(policy.weightedSize())
          .isEqualTo(model.values().stream().mapToLong(Integer::longValue).sum());
    }
  }
}
