package io.metacache.spi;

/**
 * Describes an encoded entry for a tier that stores queryable columns beside it. Supplied by the
 * cache, which alone can decode entries; tiers only see bytes.
 */
@FunctionalInterface
public interface EntryDescriber {

  /**
   * The description of {@code encodedEntry}, or {@code null} if it cannot be decoded. Never
   * throws for a corrupt value.
   */
  EntryDescription describe(byte[] encodedEntry);
}
