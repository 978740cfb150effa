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

/**
 * Seed property 8 (LRU eviction correctness) against a {@link LinkedHashMap} access-order model,
 * with the default generation geometry and with tiny ones (one-key generations, three at most),
 * under which nearly every operation opens, merges, sorts or drops a generation.
 */
class LruPolicyTest {

  /** Minimum generation size and maximum generation count of the policy under test. */
  record Geometry(int minGeneration, int maxGenerations) {
    EvictionPolicy create(long capacity, long maximumWeight) {
      return new LruPolicy(capacity, maximumWeight, minGeneration, maxGenerations);
    }
  }

  @Provide
  Arbitrary<Geometry> geometries() {
    return Arbitraries.of(
        new Geometry(LruPolicy.DEFAULT_MIN_GENERATION, LruPolicy.DEFAULT_MAX_GENERATIONS),
        new Geometry(1, 3), new Geometry(1, 4), new Geometry(2, 5), new Geometry(3, 16));
  }

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
    return operations(4, 24, 1, 300);
  }

  /** Gets, puts and removes weighted gets:4:1, over keys 0 to {@code maxKey}. */
  private static Arbitrary<List<Op>> operations(int getWeight, int maxKey, int minSize, int maxSize) {
    Arbitrary<Integer> kinds = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(getWeight, Op.GET), net.jqwik.api.Tuple.of(4, Op.PUT),
        net.jqwik.api.Tuple.of(1, Op.REMOVE));
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, maxKey);
    return Combinators.combine(kinds, keys).as(Op::new).list().ofMinSize(minSize).ofMaxSize(maxSize);
  }

  @Property(tries = 300)
  void property8_lruEvictionCorrectness(
      @ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 12) int capacity,
      @ForAll("geometries") Geometry geometry) {
    checkAgainstAccessOrderModel(ops, capacity, geometry, true);
  }

  /** Property 8 at a larger scale: hundreds of keys, thousands of operations, many generations. */
  @Property(tries = 60)
  void property8_lruEvictionCorrectnessAtScale(
      @ForAll("longOperations") List<Op> ops, @ForAll @IntRange(min = 20, max = 300) int capacity,
      @ForAll("geometries") Geometry geometry) {
    checkAgainstAccessOrderModel(ops, capacity, geometry, false);
  }

  @Provide
  Arbitrary<List<Op>> longOperations() {
    return operations(6, 500, 500, 4000);
  }

  /** Compares evictions and sizes after every operation, and the keys held after every one or the last. */
  private void checkAgainstAccessOrderModel(List<Op> ops, int capacity, Geometry geometry, boolean keysEveryStep) {
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
    EvictionPolicy policy = geometry.create(capacity, Long.MAX_VALUE);

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
      assertThat(evicted.size()).as("evictions after %s", op).isEqualTo(modelEvicted.size());
      if (!evicted.isEmpty()) {
        assertThat(evicted.get(evicted.size() - 1)).as("last eviction after %s", op)
            .isEqualTo(modelEvicted.get(modelEvicted.size() - 1));
      }
      if (keysEveryStep) {
        assertThat(PolicyTesting.keys(policy)).as("keys after %s", op)
            .containsExactlyInAnyOrderElementsOf(model.keySet());
      }
      assertThat(policy.size()).isEqualTo(model.size());
      assertThat(policy.weightedSize()).isEqualTo(model.size());
    }
    assertThat(evicted).isEqualTo(modelEvicted);
    assertThat(PolicyTesting.keys(policy)).containsExactlyInAnyOrderElementsOf(model.keySet());
  }

  @Property(tries = 200)
  void lruWeightBoundEvictsLeastRecentUntilBothBoundsHold(
      @ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 12) int capacity,
      @ForAll @IntRange(min = 1, max = 40) int maximumWeight, @ForAll("geometries") Geometry geometry) {
    EvictionPolicy policy = geometry.create(capacity, maximumWeight);
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
