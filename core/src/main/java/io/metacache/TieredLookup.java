package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.FileIdentity;
import io.metacache.key.KeyScope;
import io.metacache.key.Profiles;
import io.metacache.memory.MemoryTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import io.metacache.stats.StatsCounter;
import io.metacache.writebehind.PendingWrite;
import io.metacache.writebehind.WriteBehindPipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path: the walk through the tiers, promotion of lower-tier hits, and the single flight
 * of an extraction on a miss.
 *
 * <h2>The walk</h2>
 * A lookup asks the write-behind pipeline's pending view (so a process always sees its own writes
 * and invalidations, even before lower tiers have them), the off-heap memory tier, then each lower
 * tier whose {@link TierReadGuard} lets it be read. A private memory tier never holds anything
 * newer than this process's pending writes, so they are asked first; a shared one may hold another
 * process's newer put (or a {@link Tombstone}), so it is asked first and the pending view only on
 * a miss. Every entry found passes the {@link EntryCheck}; corrupt bytes in a lower tier are
 * deleted from it.
 *
 * <h2>Promotion races</h2>
 * A hit in a lower tier is promoted to the memory tier and, through the pipeline, to the tiers
 * above it only ({@link PromotionFilter}). It must not overwrite a newer put or resurrect an
 * invalidation made while it was reading: the key's stripe generation ({@link KeyStripes}) is read
 * before the pending view and the memory tier are asked, and the promotion goes ahead, under the
 * stripe's monitor, only if it is unchanged; in a shared memory tier only if no process has
 * written the key since ({@code putIfAbsent}).
 *
 * <h2>Single flight</h2>
 * Concurrent misses on one key share a single extraction; an extractor's exception reaches every
 * waiter and nothing is cached. The extraction's store yields to a write of the key made since the
 * lookup ({@link EntryStore#store}).
 */
final class TieredLookup {
  private static final Logger LOG = LoggerFactory.getLogger(TieredLookup.class);

  private final MemoryTier memory;
  private final List<Tier> lowerTiers;
  private final TierReadGuard[] guards;
  private final WriteBehindPipeline writeBehind; // null without lower tiers
  private final PromotionFilter promotions;
  private final KeyStripes stripes;
  private final EntryCheck check;
  private final FileIdentities identities;
  private final EntryStore store;
  private final EntryCodec codec;
  private final StatsCounter stats;
  private final LongSupplier clock;
  private final Duration ttl;
  private final ConcurrentHashMap<CacheKey, CompletableFuture<CacheEntry>> inFlight = new ConcurrentHashMap<>();
  private final ThreadLocal<ExpandableDirectByteBuffer> readBuffers =
      ThreadLocal.withInitial(() -> new ExpandableDirectByteBuffer(4096));

  /** {@code ttl}: the time to live of an extraction's entry. */
  TieredLookup(CacheParts parts, EntryCheck check, FileIdentities identities, EntryStore store, Duration ttl) {
    CacheTiers tiers = parts.tiers();
    this.memory = tiers.memory;
    this.lowerTiers = tiers.lower;
    this.guards = tiers.guards;
    this.writeBehind = tiers.writeBehind;
    this.promotions = tiers.promotions;
    this.stripes = parts.stripes();
    this.check = check;
    this.identities = identities;
    this.store = store;
    this.codec = parts.codec();
    this.stats = parts.stats();
    this.clock = parts.clock();
    this.ttl = ttl;
  }

  /**
   * The current entry of {@code file} under {@code profile}, or null; records the request's
   * outcome. Without an extractor the key scope is unknown: each scope's key is asked in turn,
   * those this cache has stored under first, as one request. An entry shared by copies comes back
   * as this file's: its path, size and mtime, and its path fields in the metadata.
   */
  CacheEntry getEntry(Path file, String profile) throws IOException {
    long start = System.nanoTime();
    Profiles.validate(profile);
    FileIdentity identity = identities.identify(file);
    stats.recordRequest();
    CacheEntry entry = null;
    for (KeyScope scope : identities.lookupOrder(profile)) {
      entry = lookup(CacheKey.of(identity.fingerprint(), profile, scope, identity.path()), identity);
      if (entry != null) {
        break;
      }
    }
    if (entry == null) {
      stats.recordMiss();
    } else if (!entry.scope().perFile()) {
      entry = entry.toBuilder()
          .path(identity.path().toString())
          .size(identity.stat().size())
          .mtimeNanos(identity.stat().mtimeNanos())
          .metadata(withPathFields(entry, identity))
          .build();
    }
    stats.recordGetLatency(System.nanoTime() - start);
    return entry;
  }

  /** The entry under a named key, or null; records a hit or a miss. */
  CacheEntry getNamed(CacheKey key) {
    long start = System.nanoTime();
    stats.recordRequest();
    CacheEntry entry = lookup(key, null);
    if (entry == null) {
      stats.recordMiss();
    }
    stats.recordGetLatency(System.nanoTime() - start);
    return entry;
  }

  /**
   * {@link MetaCache#get(Path, String, Extractor)}: the cached metadata, else extracted once and
   * stored, under the key the extractor's {@link ExtractorInputs} call for. Its path fields are
   * taken out before the store and put back, this file's own, on every answer.
   */
  Map<String, Object> getOrExtract(Path file, String profile, Extractor extractor) throws IOException {
    Objects.requireNonNull(extractor, "extractor");
    ExtractorInputs inputs = Objects.requireNonNull(extractor.inputs(), "extractor.inputs() returned null");
    long start = System.nanoTime();
    Profiles.validate(profile);
    FileIdentity identity = identities.identify(file);
    CacheKey key = CacheKey.of(identity.fingerprint(), profile, inputs.scope(), identity.path());
    // Read before the lookup: a put or invalidation after it bumps the generation, and the
    // extraction's store then yields to a put made meanwhile instead of overwriting it.
    long generationSeen = stripes.generation(KeyStripes.stripe(key.high(), key.low()));
    stats.recordRequest();
    CacheEntry entry = lookup(key, identity);
    if (entry != null) {
      Map<String, Object> metadata = withPathFields(entry, identity);
      stats.recordGetLatency(System.nanoTime() - start);
      return metadata;
    }
    stats.recordMiss();
    CompletableFuture<CacheEntry> mine = new CompletableFuture<>();
    CompletableFuture<CacheEntry> shared = inFlight.putIfAbsent(key, mine);
    if (shared == null) {
      try {
        long extractStart = System.nanoTime();
        Map<String, Object> metadata = extractor.extract(identity.path());
        if (metadata == null) {
          throw new IllegalStateException("extractor returned null for " + identity.path());
        }
        CacheEntry stored = store.store(key, identity, profile, inputs, withoutPathFields(metadata, inputs),
            System.nanoTime() - extractStart, ttl, generationSeen);
        mine.complete(stored);
        return withPathFields(stored, identity);
      } catch (IOException | RuntimeException | Error e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        inFlight.remove(key, mine);
        stats.recordGetLatency(System.nanoTime() - start);
      }
    }
    try {
      return withPathFields(shared.get(), identity);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the extraction of " + identity.path(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    } finally {
      stats.recordGetLatency(System.nanoTime() - start);
    }
  }

  /**
   * The entry's metadata as {@code identity}'s file sees it: its path fields (from the lookup's
   * stat, and one attribute read for the others) ahead of the stored fields; the stored map itself
   * when the entry has none.
   */
  private static Map<String, Object> withPathFields(CacheEntry entry, FileIdentity identity) throws IOException {
    int bits = entry.pathFieldBits();
    if (bits == 0) {
      return entry.metadata();
    }
    Map<String, Object> content = entry.metadata();
    Map<String, Object> all = new LinkedHashMap<>(2 * (content.size() + Integer.bitCount(bits)));
    PathField.put(bits, identity.path(), identity.stat().size(), identity.stat().mtimeNanos(), all);
    all.putAll(content);
    return Collections.unmodifiableMap(all);
  }

  /** The extractor's result without the path fields it declared (they are never stored). */
  private static Map<String, Object> withoutPathFields(Map<String, Object> metadata, ExtractorInputs inputs) {
    if (inputs.pathFieldBits() == 0) {
      return metadata;
    }
    Map<String, Object> content = new LinkedHashMap<>(metadata);
    for (PathField f : inputs.pathFields()) {
      content.remove(f.key());
    }
    return content;
  }

  /** One key of a request: records a hit of the tier that answers; the caller records the request, and the miss on null. */
  private CacheEntry lookup(CacheKey key, FileIdentity identity) {
    long hi = key.high();
    long lo = key.low();
    // With lower tiers, a hit there is promoted. The generation must be read before the pending
    // view and the memory tier are asked: a put landing after that read bumps it and the
    // promotion of the older lower-tier entry is abandoned; read any later, a put landing between
    // the memory miss and the read would be overwritten by the promotion (a lost put).
    long generationSeen = writeBehind != null ? stripes.generation(KeyStripes.stripe(hi, lo)) : 0;
    // A private memory tier never holds anything newer than this process's pending writes, so they
    // are asked first. A shared one may hold another process's newer put: it is asked first, and
    // the pending view only on a miss (an entry too large for memory, or evicted while pending).
    boolean shared = memory.isShared();
    if (writeBehind != null && !shared) {
      PendingWrite pending = writeBehind.pending(hi, lo);
      if (pending != null) {
        return pendingEntry(pending, identity, key);
      }
    }
    ExpandableDirectByteBuffer buffer = readBuffers.get();
    int length = memory.get(hi, lo, buffer, 0);
    if (length >= 0) {
      if (Tombstone.is(buffer, 0, length)) {
        return null; // invalidated by some process; lower tiers may not have applied it yet
      }
      CacheEntry entry;
      try {
        entry = codec.decode(buffer, 0, length);
      } catch (CorruptEntryException e) {
        stats.recordCorruption();
        memory.remove(hi, lo);
        entry = null;
      }
      if (entry != null) {
        if (check.current(entry, identity, key)) {
          stats.recordHit(0);
          return entry;
        }
        return null;
      }
    }
    if (writeBehind != null && shared) {
      PendingWrite pending = writeBehind.pending(hi, lo);
      if (pending != null) {
        return pendingEntry(pending, identity, key);
      }
    }
    return lowerTiers.isEmpty() ? null : lookupLowerTiers(key, identity, generationSeen);
  }

  /** What this process's pending write of a key answers: its value if current, else a miss. */
  private CacheEntry pendingEntry(PendingWrite pending, FileIdentity identity, CacheKey key) {
    if (pending.isDelete()) {
      return null;
    }
    CacheEntry entry = check.decodeOrNull(pending.value(), 0, pending.value().length);
    if (entry != null && !entry.isExpired(clock.getAsLong()) && check.current(entry, identity, key)) {
      stats.recordHit(0);
      return entry;
    }
    return null;
  }

  private CacheEntry lookupLowerTiers(CacheKey key, FileIdentity identity, long generation) {
    long hi = key.high();
    long lo = key.low();
    int stripe = KeyStripes.stripe(hi, lo);
    for (int i = 0; i < lowerTiers.size(); i++) {
      TierReadGuard guard = guards[i];
      long now = clock.getAsLong();
      if (!guard.allowRead(now)) {
        continue;
      }
      byte[] bytes;
      long start = System.nanoTime();
      try {
        bytes = lowerTiers.get(i).get(hi, lo);
        guard.success(System.nanoTime() - start);
      } catch (RuntimeException e) {
        guard.failure(e, now);
        LOG.debug("tier {} read failed: {}", guard.name, e.toString());
        continue;
      }
      if (bytes == null) {
        continue;
      }
      CacheEntry entry = check.decodeOrNull(bytes, 0, bytes.length);
      if (entry == null) {
        deleteFromTier(i, hi, lo);
        continue;
      }
      if (entry.isExpired(now)) {
        continue;
      }
      if (!check.current(entry, identity, key)) {
        return null;
      }
      stats.recordHit(i + 1);
      promote(hi, lo, bytes, entry.expiresAtMillis(), stripe, generation, i);
      return entry;
    }
    return null;
  }

  private void promote(long hi, long lo, byte[] bytes, long expiresAt, int stripe, long generationSeen,
      int answeringTier) {
    synchronized (stripes.lock(stripe)) {
      if (stripes.current(stripe) != generationSeen) {
        return; // a put or invalidation happened meanwhile: it wins
      }
      if (memory.isShared()) {
        // another process may have put or invalidated (a tombstone) the key since we read it:
        // its write wins, as a put in this process does through the generation check above
        if (!memory.putIfAbsent(hi, lo, bytes)) {
          return;
        }
      } else {
        memory.put(hi, lo, bytes);
      }
      // Lower tiers above the one that answered get it through the pipeline; the filter keeps it
      // from the answering tier and those below. Published under the monitor: ring order = memory
      // order (see EntryStore).
      if (writeBehind != null && answeringTier > 0) {
        promotions.mark(bytes, answeringTier);
        writeBehind.put(hi, lo, bytes, expiresAt);
      }
    }
  }

  private void deleteFromTier(int tierIndex, long hi, long lo) {
    try {
      lowerTiers.get(tierIndex).apply(List.of(TierOperation.delete(hi, lo)));
    } catch (RuntimeException e) {
      guards[tierIndex].failure(e, clock.getAsLong());
    }
  }
}
