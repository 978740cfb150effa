package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** Exact LFU against a naive O(n) reference: least frequent first, least recent among equals. */
class LfuPolicyTest {

  record Op(int kind, int key) {
    static final int GET = 0;
    static final int PUT = 1;
    static final int REMOVE = 2;
  }

  /** The reference: a scan over every entry on each eviction. */
  static final class NaiveLfu {
    final Map<Long, long[]> entries = new HashMap<>(); // key -> {frequency, lastTouch, weight}
    long tick;
    long weight;

    void touch(long key) {
      long[] e = entries.get(key);
      if (e != null) {
        e[0]++;
        e[1] = ++tick;
      }
    }

    List<Long> write(long key, int w, long maxEntries, long maxWeight) {
      List<Long> evicted = new ArrayList<>();
      long[] e = entries.get(key);
      if (w > maxWeight) {
        if (e != null) {
          weight -= e[2];
          entries.remove(key);
        }
        evicted.add(key);
        return evicted;
      }
      if (e == null) {
        entries.put(key, new long[] {1, ++tick, w});
      } else {
        touch(key);
        weight -= e[2];
        e[2] = w;
      }
      weight += w;
      while (entries.size() > maxEntries || weight > maxWeight) {
        Long victim = null;
        long[] best = null;
        for (Map.Entry<Long, long[]> c : entries.entrySet()) {
          long[] v = c.getValue();
          if (c.getKey() == key) {
            continue;
          }
          if (best == null || v[0] < best[0] || (v[0] == best[0] && v[1] < best[1])) {
            best = v;
            victim = c.getKey();
          }
        }
        entries.remove(victim);
        weight -= best[2];
        evicted.add(victim);
      }
      return evicted;
    }

    boolean remove(long key) {
      long[] e = entries.remove(key);
      if (e != null) {
        weight -= e[2];
      }
      return e != null;
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> kinds =
        Arbitraries.frequency(Tuple.of(5, Op.GET), Tuple.of(4, Op.PUT), Tuple.of(1, Op.REMOVE));
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, 20);
    return Combinators.combine(kinds, keys).as(Op::new).list().ofMinSize(1).ofMaxSize(400);
  }

  @Property(tries = 300)
  void lfuEvictionCorrectness(@ForAll("operations") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 10) int capacity,
      @ForAll @IntRange(min = 0, max = 1) int weighted) {
    long maxWeight = weighted == 1 ? 30 : Long.MAX_VALUE;
    EvictionPolicy policy = EvictionPolicies.create(PolicyKind.LFU, capacity, maxWeight);
    NaiveLfu model = new NaiveLfu();
    for (Op op : ops) {
      long key = op.key();
      switch (op.kind()) {
        case Op.GET:
          model.touch(key);
          policy.recordAccess(0, key);
          break;
        case Op.PUT:
          int w = weighted == 1 ? (int) (key % 9) * 4 : 1;
          List<Long> evicted = new ArrayList<>();
          policy.recordWrite(0, key, w, (h, l, x) -> evicted.add(l));
          assertThat(evicted).as("evictions on put(%s)", key)
              .isEqualTo(model.write(key, w, capacity, maxWeight));
          break;
        default:
          assertThat(policy.recordRemoval(0, key)).isEqualTo(model.remove(key));
          break;
      }
      assertThat(PolicyTesting.keys(policy)).containsExactlyInAnyOrderElementsOf(model.entries.keySet());
      assertThat(policy.size()).isEqualTo(model.entries.size());
      assertThat(policy.weightedSize()).isEqualTo(model.weight);
    }
  }
}
