/**
 * File fingerprints, the stat fast path and cache keys.
 *
 * <p>{@link io.metacache.key.Fingerprinter} turns a file into a 128-bit
 * {@link io.metacache.key.Fingerprint} (XXH3-128 of the whole content for small files, of size,
 * mtime and three sampled chunks for large ones). {@link io.metacache.key.PathIndex} remembers
 * fingerprints by path so that an unchanged file costs one {@code stat}, with git's racy-clean
 * rule so a write in the same timestamp tick is never missed. {@link io.metacache.key.CacheKey}
 * combines a fingerprint with an extraction profile (validated by
 * {@link io.metacache.key.Profiles}) into the 128-bit key every tier stores entries under.
 */
package io.metacache.key;
