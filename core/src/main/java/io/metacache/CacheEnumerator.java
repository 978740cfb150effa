package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.memory.MemoryTier;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.Tier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks every entry the cache holds: pending writes are flushed first so the lower tiers have
 * them, then the memory tier and each lower tier that is an {@link EnumerableTier} are visited in
 * lookup order, and each key's first unexpired, decodable copy is passed on once. A tier that
 * fails mid-walk is logged and skipped. Entries held only by tiers that cannot be walked (Redis)
 * are not seen.
 *
 * <p>Cost: a pass over every walked tier, one decode per stored copy, and a set of the keys seen.
 * Used for index rebuilds and pattern invalidation, never on the hot path.
 */
final class CacheEnumerator {
  private static final Logger LOG = LoggerFactory.getLogger(CacheEnumerator.class);

  /** Receives one decoded entry per key. */
  @FunctionalInterface
  interface Visitor {
    void visit(long keyHigh, long keyLow, CacheEntry entry);
  }

  private record Key(long high, long low) {}

  private final MemoryTier memory;
  private final List<Tier> lowerTiers;
  private final EntryCodec codec;
  private final Runnable flush;
  private final LongSupplier clock;

  CacheEnumerator(MemoryTier memory, List<Tier> lowerTiers, EntryCodec codec, Runnable flush, LongSupplier clock) {
    this.memory = memory;
    this.lowerTiers = lowerTiers;
    this.codec = codec;
    this.flush = flush;
    this.clock = clock;
  }

  /** Whether some lower tier can be walked (else only the memory tier is seen). */
  boolean walksLowerTiers() {
    return lowerTiers.stream().anyMatch(t -> t instanceof EnumerableTier);
  }

  void forEach(Visitor visitor) {
    flush.run();
    long now = clock.getAsLong();
    Set<Key> seen = new HashSet<>();
    memory.forEachEntry((hi, lo, bytes) -> offer(hi, lo, bytes, now, seen, visitor));
    for (Tier tier : lowerTiers) {
      if (tier instanceof EnumerableTier) {
        try {
          ((EnumerableTier) tier).forEachEntry((hi, lo, bytes) -> offer(hi, lo, bytes, now, seen, visitor));
        } catch (RuntimeException e) {
          LOG.warn("tier {} could not be walked; its entries are left out: {}", tier.name(), e.toString());
        }
      }
    }
  }

  private void offer(long hi, long lo, byte[] bytes, long now, Set<Key> seen, Visitor visitor) {
    if (Tombstone.is(bytes)) {
      seen.add(new Key(hi, lo)); // invalidated: the copies lower tiers may still hold are gone too
      return;
    }
    CacheEntry entry;
    try {
      entry = codec.decode(bytes);
    } catch (CorruptEntryException e) {
      return; // a read of that key will find and delete it
    }
    if (entry.isExpired(now) || !seen.add(new Key(hi, lo))) {
      return;
    }
    visitor.visit(hi, lo, entry);
  }
}
