/**
 * The off-heap memory tier: a bounded Chronicle Map of encoded entries keyed by 128-bit cache
 * keys, with pluggable eviction ({@link io.metacache.policy.PolicyKind}), per-entry expiry read
 * from the entry header, and optional persistence to a file. {@link io.metacache.memory.MemoryTier}
 * is the entry point; everything else here is package-private machinery.
 */
package io.metacache.memory;
