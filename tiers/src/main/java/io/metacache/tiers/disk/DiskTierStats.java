package io.metacache.tiers.disk;

/**
 * A snapshot of a disk tier's state and counters since it was opened.
 *
 * @param entries entry files indexed
 * @param bytes total length of those files (headers included)
 * @param maxBytes the cap on {@code bytes}
 * @param evictions entries removed to stay under the cap
 * @param corruptions files found torn or corrupt, deleted and treated as misses
 * @param expirations expired entries removed, by reads, sweeps or the scan at open
 */
public record DiskTierStats(long entries, long bytes, long maxBytes, long evictions, long corruptions,
    long expirations) {}
