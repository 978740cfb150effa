package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.writebehind.PendingWrite;
import io.metacache.writebehind.WriteBehindPipeline;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The write-behind pipeline's pending view, read the way the cache reads it: the pending write if
 * there is one, else the lower tier. The pipeline's own threads apply and settle writes while the
 * actors run, so a read races both the put and the hand-over from the view to the tier. A read
 * returns the version byte of the value, or 0 for a miss (or a pending delete).
 *
 * <p>Property: a get never returns an entry older than the last put completed before it started,
 * and never a miss when a put completed and nothing deleted the key.
 */
public final class PendingViewStress {

  private PendingViewStress() {}

  /** One pipeline per fork over a map tier that applies at once. */
  static final class Shared {
    static final InMemoryTier TIER = new InMemoryTier();
    static final WriteBehindPipeline PIPELINE = WriteBehindPipeline.builder()
        .tiers(List.of(TIER))
        .ringSize(1 << 14)
        .batchSize(64)
        .build();

    private Shared() {}
  }

  static byte[] version(int v) {
    return new byte[] {(byte) v};
  }

  /** What the cache's read path answers: pending view first, then the tier. */
  static int read(long high, long low) {
    PendingWrite pending = Shared.PIPELINE.pending(high, low);
    if (pending != null) {
      return pending.isDelete() ? 0 : pending.value()[0];
    }
    byte[] stored = Shared.TIER.get(high, low);
    return stored == null ? 0 : stored[0];
  }

  /** A key whose version 1 was put (and may or may not have reached the tier yet). */
  @State
  public static class Written {
    final long high = Keys.next();
    final long low = Keys.low(high);

    public Written() {
      Shared.PIPELINE.put(high, low, version(1), 0);
    }

    void cleanUp() {
      Shared.PIPELINE.delete(high, low);
    }
  }

  /** A writer reads its own put back, whatever another writer and the pipeline do meanwhile. */
  @JCStressTest
  @State
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "own write read back; it was also the last")
  @Outcome(id = "2, 3", expect = ACCEPTABLE, desc = "own write read back; the other writer was last")
  @Outcome(id = "3, 3", expect = ACCEPTABLE, desc = "the other writer's newer put was read; it was last")
  @Outcome(id = "3, 2", expect = ACCEPTABLE, desc = "the other writer's put was read; own put came after it")
  @Outcome(id = {"1, .*", "0, .*"}, expect = FORBIDDEN, desc = "read older than the put this thread completed")
  @Outcome(expect = FORBIDDEN, desc = "the last write is not the one the view or the tier ends with")
  public static class ReadYourWrite extends Written {
    @Actor
    public void writer(II_Result r) {
      Shared.PIPELINE.put(high, low, version(2), 0);
      r.r1 = read(high, low);
    }

    @Actor
    public void otherWriter() {
      Shared.PIPELINE.put(high, low, version(3), 0);
    }

    @Arbiter
    public void last(II_Result r) {
      r.r2 = read(high, low);
      cleanUp();
    }
  }

  /** Two reads racing a put never go back in time, and never miss. */
  @JCStressTest
  @State
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both reads before the put")
  @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the put landed between the reads")
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "both reads after the put")
  @Outcome(id = "2, 1", expect = FORBIDDEN, desc = "a later read returned the older entry")
  @Outcome(id = {"0, .*", ".*, 0"}, expect = FORBIDDEN, desc = "a miss: the entry fell between the view and the tier")
  @Outcome(expect = FORBIDDEN, desc = "unexpected read")
  public static class ReadsRacingPut extends Written {
    @Actor
    public void writer() {
      Shared.PIPELINE.put(high, low, version(2), 0);
    }

    @Actor
    public void reader(II_Result r) {
      r.r1 = read(high, low);
      r.r2 = read(high, low);
    }

    @Arbiter
    public void last() {
      cleanUp();
    }
  }

  /** Two reads racing a delete: once the delete is seen, the entry never comes back. */
  @JCStressTest
  @State
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both reads before the delete")
  @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the delete landed between the reads")
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "both reads after the delete")
  @Outcome(id = "0, 1", expect = FORBIDDEN, desc = "the deleted entry came back")
  @Outcome(expect = FORBIDDEN, desc = "unexpected read")
  public static class ReadsRacingDelete extends Written {
    @Actor
    public void deleter() {
      Shared.PIPELINE.delete(high, low);
    }

    @Actor
    public void reader(II_Result r) {
      r.r1 = read(high, low);
      r.r2 = read(high, low);
    }

    @Arbiter
    public void last() {
      cleanUp();
    }
  }
}
