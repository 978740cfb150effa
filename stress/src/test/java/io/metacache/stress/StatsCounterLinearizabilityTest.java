package io.metacache.stress;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import io.metacache.stats.CacheStats;
import io.metacache.stats.StatsCounter;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Property 10 under property 4: the statistics counters the cache records on every operation are
 * linearizable against plain counters, in both Lincheck modes. A lookup, as the cache makes one,
 * records its request and then its outcome (a hit in one tier or a miss); requests are counted on
 * their own, so a snapshot's {@code requests >= hits + misses} is a real check: a snapshot that read
 * the request counter before the outcome counters could count an outcome whose request it missed.
 * A lookup is linearized at its outcome; the request count of a snapshot is therefore not one of
 * the model's values (it includes lookups still running) and is checked through that inequality,
 * and exactly, once the recorders are done, by jcstress {@code StatsCounterStress.ExactSums}.
 *
 * <p>The model checker treats {@code LatencyRecorder} (HdrHistogram's recorder, whose
 * writer-reader phaser waits in a yield loop the checker takes for a livelock) as atomic; the
 * counters themselves are explored access by access.
 */
class StatsCounterLinearizabilityTest {

  @Param(name = "tier", gen = IntGen.class, conf = "0:1")
  public static class Operations {
    private final StatsCounter stats = new StatsCounter(List.of("memory", "disk"));

    @Operation
    public void hit(@Param(name = "tier") int tier) {
      stats.recordRequest();
      stats.recordHit(tier);
    }

    @Operation
    public void miss() {
      stats.recordRequest();
      stats.recordMiss();
    }

    @Operation
    public void put() {
      stats.recordPut();
    }

    @Operation
    public long hits(@Param(name = "tier") int tier) {
      return stats.snapshot().hits(tier == 0 ? "memory" : "disk");
    }

    @Operation
    public long misses() {
      return stats.snapshot().misses();
    }

    @Operation
    public boolean requestsCoverHitsAndMisses() {
      CacheStats s = stats.snapshot();
      return s.requests() >= s.hits() + s.misses();
    }

    @Operation
    public long puts() {
      return stats.snapshot().puts();
    }
  }

  /** The sequential specification: plain counters; every lookup has its request. */
  public static class Model {
    private final long[] hits = new long[2];
    private long misses;
    private long puts;

    public void hit(int tier) {
      hits[tier]++;
    }

    public void miss() {
      misses++;
    }

    public void put() {
      puts++;
    }

    public long hits(int tier) {
      return hits[tier];
    }

    public long misses() {
      return misses;
    }

    public boolean requestsCoverHitsAndMisses() {
      return true;
    }

    public long puts() {
      return puts;
    }
  }

  @Test
  void property10_statisticsAccuracy_countersAreLinearizable_modelChecking() {
    LincheckRuns.modelChecking()
        .addGuarantee(forClasses("io.metacache.stats.LatencyRecorder").allMethods().treatAsAtomic())
        .sequentialSpecification(Model.class)
        .check(Operations.class);
  }

  @Test
  void property10_statisticsAccuracy_countersAreLinearizable_stress() {
    LincheckRuns.stress().sequentialSpecification(Model.class).check(Operations.class);
  }
}
