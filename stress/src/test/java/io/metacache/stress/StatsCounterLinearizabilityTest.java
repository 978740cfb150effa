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
 * linearizable against plain counters, in both Lincheck modes. A snapshot's request count is
 * always the sum of the hits and misses it reports, so a snapshot is linearizable as one read.
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
      stats.recordHit(tier);
    }

    @Operation
    public void miss() {
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
    public boolean requestsAreHitsPlusMisses() {
      CacheStats s = stats.snapshot();
      return s.requests() == s.hits() + s.misses();
    }

    @Operation
    public long puts() {
      return stats.snapshot().puts();
    }
  }

  /** The sequential specification: plain counters. */
  public static class Model {
    private final long[] hits = new long[2];
    private long puts;

    public void hit(int tier) {
      hits[tier]++;
    }

    public void miss() {}

    public void put() {
      puts++;
    }

    public long hits(int tier) {
      return hits[tier];
    }

    public boolean requestsAreHitsPlusMisses() {
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
