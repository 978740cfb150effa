package io.metacache.spi;

import java.util.List;

/**
 * Optional capability of a {@link Tier} that records each entry's file path (the SQLite tier's
 * {@code path} column). {@code MetaCache.invalidate(Path)} asks such tiers for every key stored
 * under the path, so that it also removes entries of profiles this process never saw (written by
 * another process, or before a restart).
 */
public interface PathIndexedTier {

  /**
   * Keys of the entries stored for {@code path} (as the cache recorded it), expired or not.
   *
   * @throws TierException if the tier cannot answer now
   */
  List<TierKey> keysForPath(String path);
}
