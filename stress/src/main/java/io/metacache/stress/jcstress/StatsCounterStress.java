package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.stats.CacheStats;
import io.metacache.stats.StatsCounter;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The cache's statistics counters under concurrent recording (property 10 under property 4):
 * sums are exact once the recorders are done, and a snapshot taken meanwhile is self-consistent.
 */
public final class StatsCounterStress {

  private StatsCounterStress() {}

  static StatsCounter counter() {
    return new StatsCounter(List.of("memory", "disk"));
  }

  /** Two threads record hits, misses and puts; the final snapshot counts every one exactly. */
  @JCStressTest
  @State
  @Outcome(id = "4, 1, 1, 2", expect = ACCEPTABLE, desc = "every recorded event counted once")
  @Outcome(expect = FORBIDDEN, desc = "an event lost or counted twice")
  public static class ExactSums {
    final StatsCounter stats = counter();

    @Actor
    public void first() {
      stats.recordHit(0);
      stats.recordMiss();
      stats.recordPut();
    }

    @Actor
    public void second() {
      stats.recordHit(1);
      stats.recordMiss();
      stats.recordPut();
    }

    @Arbiter
    public void sums(IIII_Result r) {
      CacheStats s = stats.snapshot();
      r.r1 = (int) s.requests();
      r.r2 = (int) s.hits("memory");
      r.r3 = (int) s.hits("disk");
      r.r4 = (int) s.misses() + (s.puts() == 2 ? 0 : 100);
    }
  }

  /** A snapshot racing the recorders: requests always equal hits plus misses, never more than done. */
  @JCStressTest
  @State
  @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "snapshot before any event")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "snapshot between the two events")
  @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "snapshot after both events")
  @Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "requests differ from hits plus misses")
  @Outcome(expect = FORBIDDEN, desc = "more requests than events recorded")
  public static class SnapshotWhileRecording {
    final StatsCounter stats = counter();

    @Actor
    public void recorder() {
      stats.recordHit(1);
      stats.recordMiss();
    }

    @Actor
    public void snapshot(II_Result r) {
      CacheStats s = stats.snapshot();
      r.r1 = (int) s.requests();
      r.r2 = s.requests() == s.hits("memory") + s.hits("disk") + s.misses() ? 1 : 0;
    }
  }
}
