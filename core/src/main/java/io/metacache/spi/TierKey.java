package io.metacache.spi;

/**
 * A 128-bit key as a tier stores it.
 *
 * @param high high 64 bits
 * @param low low 64 bits
 */
public record TierKey(long high, long low) {}
