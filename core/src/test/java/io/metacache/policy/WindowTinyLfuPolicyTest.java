package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** W-TinyLFU: bounds and bookkeeping invariants, and hit rate on scan and recency workloads. */
class WindowTinyLfuPolicyTest {

  record Op(int kind, int key, int weight) {
    static final int GET = 0;
    static final int PUT = 1;
    static final int REMOVE = 2;
    static final int CLEAR = 3;
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> kinds = Arbitraries.frequency(Tuple.of(50, Op.GET), Tuple.of(45, Op.PUT),
        Tuple.of(8, Op.REMOVE), Tuple.of(1, Op.CLEAR));
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, 120);
    Arbitrary<Integer> weights = Arbitraries.integers().between(0, 12);
    return Combinators.combine(kinds, keys, weights).as(Op::new).list().ofMinSize(1)
        .ofMaxSize(600);
  }

  @Property(tries = 300)
  void boundsAndKeySetInvariantsHold(@ForAll("operations") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 40) int maximumEntries,
      @ForAll @IntRange(min = 1, max = 120) int maximumWeight,
      @ForAll boolean weighted) {
    long maxWeight = weighted ? maximumWeight : Long.MAX_VALUE;
    EvictionPolicy policy = EvictionPolicies.create(PolicyKind.WTINYLFU, maximumEntries, maxWeight);
    Map<Long, Integer> model = new HashMap<>(); // inserted - evicted - removed, with weights
    for (Op op : ops) {
      long key = op.key();
      switch (op.kind()) {
        case Op.GET:
          if (policy.contains(0, key)) {
            policy.recordAccess(0, key);
          } else {
            policy.recordAccess(0, key); // ignored: the policy does not hold it
          }
          break;
        case Op.PUT:
          int weight = weighted ? op.weight() : 1;
          model.put(key, weight);
          policy.recordWrite(0, key, weight, (h, l, w) -> {
            assertThat(model).containsKey(l);
            assertThat(model.get(l)).isEqualTo(w);
            model.remove(l);
          });
          break;
        case Op.REMOVE:
          assertThat(policy.recordRemoval(0, key)).isEqualTo(model.remove(key) != null);
          break;
        default:
          policy.clear();
          model.clear();
          break;
      }
      assertThat(policy.size()).isLessThanOrEqualTo(maximumEntries).isEqualTo(model.size());
      long total = model.values().stream().mapToLong(Integer::longValue).sum();
      assertThat(policy.weightedSize()).isLessThanOrEqualTo(maxWeight).isEqualTo(total);
      Set<Long> visited = new HashSet<>();
      int[] visits = {0};
      policy.forEachKey((h, l) -> {
        visits[0]++;
        visited.add(l);
        assertThat(policy.contains(h, l)).isTrue();
      });
      assertThat(visits[0]).isEqualTo(policy.size());
      assertThat(visited).isEqualTo(model.keySet());
      assertThat(policy.contains(0, key)).isEqualTo(model.containsKey(key));
    }
  }

  @Test
  void aKeyHeavierThanTheWeightBoundIsRejected() {
    EvictionPolicy policy = EvictionPolicies.create(PolicyKind.WTINYLFU, 10, 100);
    Set<Long> evicted = new HashSet<>();
    policy.recordWrite(0, 1, 50, (h, l, w) -> evicted.add(l));
    policy.recordWrite(0, 2, 101, (h, l, w) -> evicted.add(l));
    assertThat(evicted).containsExactly(2L);
    assertThat(policy.contains(0, 2)).isFalse();
    assertThat(policy.weightedSize()).isEqualTo(50);
    policy.recordWrite(0, 1, 150, (h, l, w) -> evicted.add(l));
    assertThat(policy.size()).isZero();
    assertThat(policy.weightedSize()).isZero();
  }

  @Test
  void scanResistant_beatsLru() {
    // A hot set of 400 keys under a stream of one-time keys: half the requests each.
    SplittableRandom random = new SplittableRandom(42);
    long[] trace = new long[400_000];
    long next = 1_000_000;
    for (int i = 0; i < trace.length; i++) {
      trace[i] = random.nextBoolean() ? random.nextInt(400) : next++;
    }
    double lru = hitRate(PolicyKind.LRU, 500, trace);
    double tinyLfu = hitRate(PolicyKind.WTINYLFU, 500, trace);
    assertThat(tinyLfu).isGreaterThan(lru + 10);
  }

  @Test
  void scanResistanceReturnsAfterTheWindowGrewToNearlyTheWholeCache() {
    // A recency phase drives the window to nearly the whole cache (an LRU); a scan phase follows,
    // whose hot set only a frequency filter keeps: the window must come back down.
    long[] recency = recencyTrace();
    SplittableRandom random = new SplittableRandom(42);
    long[] scan = new long[400_000];
    long next = 1_000_000_000;
    for (int i = 0; i < scan.length; i++) {
      scan[i] = random.nextBoolean() ? 500_000_000 + random.nextInt(400) : next++;
    }
    double lru = secondPhaseHitRate(PolicyKind.LRU, 500, recency, scan);
    double tinyLfu = secondPhaseHitRate(PolicyKind.WTINYLFU, 500, recency, scan);
    assertThat(tinyLfu).isGreaterThan(lru + 10);
  }

  @Test
  void recencyWorkload_staysWithinHalfAPointOfLru() {
    long[] trace = recencyTrace();
    double lru = hitRate(PolicyKind.LRU, 500, trace);
    double tinyLfu = hitRate(PolicyKind.WTINYLFU, 500, trace);
    assertThat(tinyLfu).isGreaterThan(lru - 0.5);
  }

  /**
   * Each request re-reads one of the last few hundred distinct keys or opens a new one: the
   * working set drifts and only recency predicts reuse.
   */
  static long[] recencyTrace() {
    SplittableRandom random = new SplittableRandom(7);
    long[] trace = new long[400_000];
    long newest = 0;
    for (int i = 0; i < trace.length; i++) {
      if (random.nextInt(100) < 20) {
        trace[i] = ++newest;
      } else {
        trace[i] = Math.max(0, newest - (long) (-200 * Math.log(1 - random.nextDouble())));
      }
    }
    return trace;
  }

  static double secondPhaseHitRate(PolicyKind kind, int size, long[] first, long[] second) {
    EvictionPolicy policy = EvictionPolicies.create(kind, size, Long.MAX_VALUE);
    replay(policy, first);
    double rate = 100.0 * replay(policy, second) / second.length;
    System.out.printf("%s at %d, second phase: %.2f%%%n", kind.configName(), size, rate);
    return rate;
  }

  static long replay(EvictionPolicy policy, long[] trace) {
    long hits = 0;
    for (long key : trace) {
      if (policy.contains(0, key)) {
        hits++;
        policy.recordAccess(0, key);
      } else {
        policy.recordWrite(0, key, 1, (h, l, w) -> { });
      }
    }
    return hits;
  }

  static double hitRate(PolicyKind kind, int size, long[] trace) {
    EvictionPolicy policy = EvictionPolicies.create(kind, size, Long.MAX_VALUE);
    long hits = 0;
    for (long key : trace) {
      if (policy.contains(0, key)) {
        hits++;
        policy.recordAccess(0, key);
      } else {
        policy.recordWrite(0, key, 1, (h, l, w) -> { });
      }
    }
    double rate = 100.0 * hits / trace.length;
    System.out.printf("%s at %d: %.2f%%%n", kind.configName(), size, rate);
    return rate;
  }
}
