package io.metacache.writebehind;

import java.util.List;

/**
 * A snapshot of the write-behind pipeline.
 *
 * @param depth writes not yet settled: ring occupancy plus every tier's backlog
 * @param ringOccupancy claimed ring slots the batcher has not consumed yet
 * @param lagMillis age of the oldest pending write, 0 when none is pending
 * @param pendingKeys keys with a pending write (the read-your-writes view)
 * @param ringDrops writes discarded because the ring was full under {@link RingFullPolicy#DROP}
 * @param writeThroughs writes applied on the caller's thread under {@link RingFullPolicy#WRITE_THROUGH}
 * @param tiers per-tier counters, in pipeline order
 */
public record WriteBehindStats(
    long depth,
    long ringOccupancy,
    long lagMillis,
    long pendingKeys,
    long ringDrops,
    long writeThroughs,
    List<TierWriteStats> tiers) {

  /** Copies the list. */
  public WriteBehindStats {
    tiers = List.copyOf(tiers);
  }

  /** The named tier's counters. */
  public TierWriteStats tier(String name) {
    for (TierWriteStats t : tiers) {
      if (t.tier().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no tier named " + name);
  }
}
