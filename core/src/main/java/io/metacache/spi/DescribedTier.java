package io.metacache.spi;

/**
 * Optional capability of a {@link Tier} that keeps queryable columns beside each entry (the
 * SQLite tier's {@code path}, {@code profile} and {@code metadata_json}). The cache hands such a
 * tier a describer when it opens; the tier calls it for every put it stores from then on, on the
 * write-behind thread, before it takes any lock of its own.
 */
public interface DescribedTier {

  /** Describe entries written from now on with {@code describer}; {@code null} stops describing. */
  void describeEntriesWith(EntryDescriber describer);
}
