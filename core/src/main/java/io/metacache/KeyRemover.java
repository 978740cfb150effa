package io.metacache;

import io.metacache.memory.MemoryTier;
import io.metacache.spi.InvalidationBroadcaster;
import io.metacache.writebehind.WriteBehindPipeline;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One key leaving the cache, by each of the ways it can: removed from every tier (an
 * invalidation, or an entry found stale), dropped from memory at another host's word, or evicted
 * from a memory-only cache. Each way also tells this process's query index and, through the
 * {@link ChangeFeedLink}, the other processes of the directory.
 */
final class KeyRemover {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRemover.class);

  private final MemoryTier memory;
  private final boolean hasLowerTiers;
  private final WriteBehindPipeline writeBehind; // null without lower tiers
  private final KeyStripes stripes;
  private final IndexKeeper indexKeeper;
  private final ChangeFeedLink changes;
  private final InvalidationBroadcaster broadcaster; // null when no lower tier broadcasts
  private final LongSupplier clock;

  KeyRemover(CacheParts parts) {
    this.memory = parts.tiers().memory;
    this.hasLowerTiers = !parts.tiers().lower.isEmpty();
    this.writeBehind = parts.tiers().writeBehind;
    this.stripes = parts.stripes();
    this.indexKeeper = parts.indexKeeper();
    this.changes = parts.changes();
    this.broadcaster = parts.tiers().broadcaster();
    this.clock = parts.clock();
  }

  /** Listens for other hosts' invalidations, if a lower tier broadcasts them. */
  void listenForRemoteInvalidations() {
    if (broadcaster != null) {
      broadcaster.onRemoteInvalidation(this::dropFromMemory);
    }
  }

  /**
   * Removes the key from every tier: memory at once (a tombstone where other processes share it),
   * the lower tiers through the pipeline, other hosts through the broadcaster.
   */
  void removeEverywhere(long hi, long lo) {
    int stripe = KeyStripes.stripe(hi, lo);
    synchronized (stripes.lock(stripe)) {
      stripes.bump(stripe);
      // Tombstones only matter to other processes (this one sees its pending deletes), so a
      // process alone in the directory removes the entry and its memory accounting stays exact.
      if (!memory.hasOtherUsers() || !hasLowerTiers || !memory.put(hi, lo, Tombstone.bytes(clock.getAsLong()))) {
        memory.remove(hi, lo);
      }
      indexKeeper.removed(hi, lo);
      changes.publish(ChangeFeed.REMOVED, hi, lo);
      if (writeBehind != null) {
        writeBehind.delete(hi, lo); // under the monitor: ring order = memory order
      }
    }
    if (broadcaster != null) {
      try {
        broadcaster.publishInvalidations(new long[] {hi}, new long[] {lo}, 1);
      } catch (RuntimeException e) {
        LOG.debug("invalidation broadcast failed: {}", e.toString());
      }
    }
  }

  /** Another host invalidated the key: it leaves this process's memory tier and query index. */
  private void dropFromMemory(long hi, long lo) {
    int stripe = KeyStripes.stripe(hi, lo);
    synchronized (stripes.lock(stripe)) {
      stripes.bump(stripe);
      memory.remove(hi, lo);
      indexKeeper.removed(hi, lo);
    }
  }

  /** Memory-only caches: an eviction is the entry leaving the cache. Runs under the memory tier's lock. */
  void evicted(long hi, long lo) {
    indexKeeper.evicted(hi, lo);
    changes.publish(ChangeFeed.EVICTED, hi, lo);
  }
}
