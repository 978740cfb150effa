package io.metacache.bench.peers;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a peer is built for.
 *
 * @param maximumEntries the bound of the bounded peers (unbounded ones ignore it)
 * @param valueBytes the size of every value
 * @param keys the key space the benchmark draws from
 * @param workDir a private directory for the peers that keep files (lower tiers)
 */
public record CacheSpec(int maximumEntries, int valueBytes, KeySpace keys, Path workDir) {

  public CacheSpec {
    if (maximumEntries < 1 || valueBytes < 1) {
      throw new IllegalArgumentException("maximumEntries and valueBytes must be positive, were "
          + maximumEntries + " and " + valueBytes);
    }
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(workDir, "workDir");
  }

  /**
   * Off-heap bytes the entry-bounded peers of this project get: twice the bound's worth (at least
   * 16 MiB), so that the entry bound, the one every peer shares, is the one that evicts.
   */
  long offHeapBudget() {
    return Math.max(16L << 20, (long) maximumEntries * (valueBytes + 512L) * 2);
  }
}
