package io.metacache.spi;

/**
 * An optional capability of a {@link Tier}: walking every entry it stores. The cache uses it to
 * rebuild its secondary indexes at start and to find keys by pattern. A tier that cannot walk its
 * entries (Redis here: keys are hashes, values would need a SCAN and a GET each) simply does not
 * implement it; what it alone holds is then not seen by those features.
 *
 * <p>A walk costs a pass over the tier's storage and is weakly consistent: entries written or
 * removed during it may or may not be visited. Entries that have expired may be skipped.
 */
public interface EnumerableTier {

  /**
   * Calls {@code visitor} for every stored entry.
   *
   * @throws TierException if the tier cannot be read; entries visited before the failure stand
   */
  void forEachEntry(EntryVisitor visitor);
}
