package io.metacache.memory;

/**
 * A point-in-time snapshot of a {@link MemoryTier}'s counters. Counters are cumulative since the
 * tier was opened; the gauges ({@code entries}, the off-heap figures) are current values.
 *
 * @param hits reads that returned an entry
 * @param misses reads that found nothing, or found an expired entry (which they removed)
 * @param puts entries stored (inserts and updates)
 * @param removals entries removed by an explicit {@code remove}
 * @param evictionsBySize entries evicted because the entry bound was exceeded
 * @param evictionsByBytes entries evicted because the off-heap byte bound was exceeded
 * @param expirations entries removed because their expires-at passed (on read or by the sweeper)
 * @param refused puts refused by this tier: the entry was larger than the per-entry limit, or
 *     (never expected; see {@link MemoryTier}) the map had no room for it
 * @param entries entries held now
 * @param offHeapBytesUsed bytes the held entries occupy in the map (key, value, per-entry
 *     overhead, rounded up to the allocation chunk); the quantity the byte bound applies to
 * @param offHeapBytesFree the byte bound minus {@code offHeapBytesUsed}, never negative
 * @param offHeapBytesReserved off-heap memory (or file size) the map has reserved, including
 *     its hash lookups and unused space
 */
public record MemoryTierStats(
    long hits,
    long misses,
    long puts,
    long removals,
    long evictionsBySize,
    long evictionsByBytes,
    long expirations,
    long refused,
    long entries,
    long offHeapBytesUsed,
    long offHeapBytesFree,
    long offHeapBytesReserved) {

  /** Total evictions for any cause other than an explicit removal: size, bytes and expiry. */
  public long evictions() {
    return evictionsBySize + evictionsByBytes + expirations;
  }

  /** Hits over requests, or 1.0 when there were no requests. */
  public double hitRate() {
    long requests = hits + misses;
    return requests == 0 ? 1.0 : (double) hits / requests;
  }
}
