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
 * sums are exact once the recorders are done, and a snapshot taken meanwhile never counts an
 * outcome whose request it missed. A lookup records its request, then its outcome, as the cache
 * does; requests are a counter of their own, not derived from hits and misses.
 */
public final class StatsCounterStress {

  private StatsCounterStress() {}

  static StatsCounter counter() {
    return new StatsCounter(List.of("memory", "disk"));
  }

  /**
   * Two threads make two lookups each (a hit, a miss) and a put; the final snapshot counts every
   * request and every outcome exactly.
   */
  @JCStressTest
  @State
  @Outcome(id = "4, 1, 1, 2", expect = ACCEPTABLE, desc = "every recorded event counted once")
  @Outcome(expect = FORBIDDEN, desc = "an event lost or counted twice")
  public static class ExactSums {
    final StatsCounter stats = counter();

    @Actor
    public void first() {
      stats.recordRequest();
      stats.recordHit(0);
      stats.recordRequest();
      stats.recordMiss();
      stats.recordPut();
    }

    @Actor
    public void second() {
      stats.recordRequest();
      stats.recordHit(1);
      stats.recordRequest();
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

  /**
   * A snapshot racing two lookups: it may see a request whose outcome is not recorded yet, never an
   * outcome without its request, and never more than was recorded.
   */
  @JCStressTest
  @State
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "snapshot before either lookup")
  @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the first lookup begun, its outcome not seen yet")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "snapshot between the two lookups")
  @Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "both requests seen, neither outcome")
  @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "the second lookup begun, its outcome not seen yet")
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "snapshot after both lookups")
  @Outcome(expect = FORBIDDEN,
      desc = "an outcome counted without its request (requests < hits + misses), or more than recorded")
  public static class SnapshotWhileRecording {
    final StatsCounter stats = counter();

    @Actor
    public void recorder() {
      stats.recordRequest();
      stats.recordHit(1);
      stats.recordRequest();
      stats.recordMiss();
    }

    @Actor
    public void snapshot(II_Result r) {
      CacheStats s = stats.snapshot();
      r.r1 = (int) s.requests();
      r.r2 = (int) (s.hits("memory") + s.hits("disk") + s.misses());
    }
  }
}
