package io.metacache.writebehind;

import java.util.List;

/**
 * What {@link WriteBehindPipeline#close()} achieved. For every tier, the writes that reached the
 * pipeline add up: {@code written + failed + dropped + notWritten + coalesced} (coalesced writes
 * are counted in {@link TierWriteStats}).
 *
 * @param ringDrops writes discarded at the ring under {@link RingFullPolicy#DROP}
 * @param unconsumed writes still in the ring when the close timeout ran out (counted as not
 *     written in every tier)
 * @param tiers per tier, in pipeline order
 * @param timedOut whether the close timeout ran out before everything was settled
 */
public record WriteBehindReport(long ringDrops, long unconsumed, List<TierReport> tiers, boolean timedOut) {

  /** Copies the list. */
  public WriteBehindReport {
    tiers = List.copyOf(tiers);
  }

  /** The named tier's report. */
  public TierReport tier(String name) {
    for (TierReport t : tiers) {
      if (t.tier().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no tier named " + name);
  }

  /** True when every write reached every tier. */
  public boolean complete() {
    if (ringDrops != 0 || unconsumed != 0) {
      return false;
    }
    for (TierReport t : tiers) {
      if (t.failed() != 0 || t.dropped() != 0 || t.notWritten() != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * One tier's outcome.
   *
   * @param tier the tier's name
   * @param written operations applied, over the pipeline's life
   * @param failed operations left over at close while the tier was failing
   * @param dropped operations discarded by the backlog bound, over the pipeline's life
   * @param notWritten operations left over at close that were never attempted or still in the ring
   */
  public record TierReport(String tier, long written, long failed, long dropped, long notWritten) {}
}
