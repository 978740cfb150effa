package io.metacache;

import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.codec.EntrySummary;
import io.metacache.memory.EvictionListener;
import io.metacache.memory.MemoryTier;
import io.metacache.spi.DescribedTier;
import io.metacache.spi.EntryDescription;
import io.metacache.spi.InvalidationBroadcaster;
import io.metacache.spi.Tier;
import io.metacache.writebehind.WriteBehindPipeline;
import io.metacache.writebehind.WriteBehindReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiers of one cache, opened together: the off-heap memory tier, the lower tiers in lookup
 * order with a read guard each, and the write-behind pipeline that writes the lower tiers through
 * the {@link PromotionFilter}'s views (no pipeline for a memory-only cache). The cache's machinery
 * copies the parts it uses into final fields of its own at construction.
 *
 * <p>The memory tier is shared (one map file in the cache directory, mapped by every process) when
 * {@code metacache.memory.mode} says so, and by default whenever there are lower tiers.
 */
final class CacheTiers {
  private static final Logger LOG = LoggerFactory.getLogger(CacheTiers.class);
  static final long READ_RETRY_AFTER_MILLIS = 1000;
  /** The write-behind settings read from the cache's properties and handed to the pipeline. */
  static final List<String> WRITE_BEHIND_PROPERTIES = List.of(
      WriteBehindPipeline.Builder.RING_SIZE, WriteBehindPipeline.Builder.BATCH_SIZE,
      WriteBehindPipeline.Builder.FULL_POLICY, WriteBehindPipeline.Builder.RETRY_ATTEMPTS,
      WriteBehindPipeline.Builder.BACKOFF_BASE, WriteBehindPipeline.Builder.BACKOFF_MAX,
      WriteBehindPipeline.Builder.BREAKER_FAILURE_RATE, WriteBehindPipeline.Builder.BREAKER_WAIT,
      WriteBehindPipeline.Builder.BREAKER_WINDOW, WriteBehindPipeline.Builder.BACKLOG_MAX,
      WriteBehindPipeline.Builder.CLOSE_TIMEOUT, WriteBehindPipeline.Builder.LINGER,
      WriteBehindPipeline.Builder.NICE);

  final MemoryTier memory;
  final List<Tier> lower;
  final TierReadGuard[] guards;
  /** Null for a cache with the memory tier alone. */
  final WriteBehindPipeline writeBehind;
  final PromotionFilter promotions;

  private CacheTiers(MemoryTier memory, List<Tier> lower, TierReadGuard[] guards, WriteBehindPipeline writeBehind,
      PromotionFilter promotions) {
    this.memory = memory;
    this.lower = lower;
    this.guards = guards;
    this.writeBehind = writeBehind;
    this.promotions = promotions;
  }

  /**
   * Opens the memory tier and, with lower tiers, the pipeline over them; on failure the memory
   * tier is closed again. {@code evicted} hears the memory tier's evictions of a memory-only cache.
   */
  static CacheTiers open(CacheConfig config, List<Tier> lowerTiers, LongSupplier clock,
      Function<String, String> properties, EvictionListener evicted) {
    List<Tier> lower = List.copyOf(lowerTiers);
    TierReadGuard[] guards = new TierReadGuard[lower.size()];
    for (int i = 0; i < lower.size(); i++) {
      guards[i] = new TierReadGuard(lower.get(i).name(), READ_RETRY_AFTER_MILLIS);
    }
    PromotionFilter promotions = new PromotionFilter();
    MemoryTier opened = null;
    WriteBehindPipeline pipeline = null;
    boolean sharedMemory = config.memoryMode()
        .map(mode -> mode == MemoryMode.SHARED)
        .orElse(!lower.isEmpty());
    try {
      opened = MemoryTier.builder()
          .maxEntries(config.memoryMaxEntries())
          .maxBytes(config.memoryMaxBytes())
          .maxEntryBytes(config.memoryMaxEntryBytes())
          .policy(config.memoryPolicy())
          .clock(clock)
          .persistTo(sharedMemory ? config.sharedMemoryFile() : config.memoryFile().orElse(null))
          .shared(sharedMemory)
          .sharedStatRecords(config.statIndexMaxEntries())
          .expirySweepInterval(config.expirySweepInterval())
          .evictionListener(lower.isEmpty() ? evicted : null)
          .build();
      if (!lower.isEmpty()) {
        List<Tier> views = new ArrayList<>(lower.size());
        for (int i = 0; i < lower.size(); i++) {
          views.add(promotions.view(lower.get(i), i));
        }
        WriteBehindPipeline.Builder wb = WriteBehindPipeline.builder().tiers(views);
        for (String property : WRITE_BEHIND_PROPERTIES) {
          String value = properties.apply(property);
          if (value != null) {
            wb.set(property, value);
          }
        }
        pipeline = wb.build();
      }
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      throw e;
    }
    return new CacheTiers(opened, lower, guards, pipeline, promotions);
  }

  /** Names of the tiers in lookup order, memory first. */
  List<String> names() {
    List<String> names = new ArrayList<>(lower.size() + 1);
    names.add(MetaCache.MEMORY);
    for (Tier tier : lower) {
      names.add(tier.name());
    }
    return names;
  }

  /** The first lower tier that tells of other hosts' invalidations, or null. */
  InvalidationBroadcaster broadcaster() {
    for (Tier tier : lower) {
      if (tier instanceof InvalidationBroadcaster) {
        return (InvalidationBroadcaster) tier;
      }
    }
    return null;
  }

  /** Gives each tier that stores queryable columns ({@link DescribedTier}, SQLite) its describer. */
  void describeEntriesWith(EntryCodec codec) {
    for (Tier tier : lower) {
      if (tier instanceof DescribedTier) {
        ((DescribedTier) tier).describeEntriesWith(encoded -> describe(codec, encoded));
      }
    }
  }

  /** The queryable description of an encoded entry: its metadata transcoded to JSON; null if corrupt. */
  private static EntryDescription describe(EntryCodec codec, byte[] encoded) {
    EntrySummary summary;
    try {
      summary = codec.summarize(encoded, 0, encoded.length);
    } catch (CorruptEntryException e) {
      return null;
    }
    return new EntryDescription(summary.path(), summary.profile(), summary.metadataJson());
  }

  /**
   * Drains the pipeline (up to its close timeout) and closes every lower tier; returns what the
   * drain achieved, or null for a memory-only cache. The memory tier stays open.
   */
  WriteBehindReport closeLowerTiers() {
    WriteBehindReport report = null;
    if (writeBehind != null) {
      report = writeBehind.close();
      if (!report.complete()) {
        LOG.warn("closed with writes not applied: {}", report);
      }
    }
    for (Tier tier : lower) {
      try {
        tier.close();
      } catch (RuntimeException e) {
        LOG.warn("tier {} failed to close: {}", tier.name(), e.toString());
      }
    }
    return report;
  }

  /** Returns when every write queued so far has been applied or has failed; at once without lower tiers. */
  void flushPending() {
    if (writeBehind != null) {
      writeBehind.flush();
    }
  }
}
