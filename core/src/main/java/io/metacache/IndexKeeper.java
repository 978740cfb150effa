package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.config.ConfigValues;
import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import io.metacache.query.QueryIndex;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link QueryIndex} in step with the cache.
 *
 * <h2>What "cached" means for a query</h2>
 * A query answers over every entry cached in any tier, not only the memory tier's hot set: index
 * membership follows the cache. A put adds a document; an invalidation, a changed file found on
 * read, a remote invalidation or {@code invalidateAll} removes it; an expired entry drops out by
 * its expires-at. An eviction from the memory tier removes the document only when the memory tier
 * is the only tier (otherwise the entry is still in a lower tier and can be read from there).
 * Capacity evictions inside a lower tier (the disk tier's byte cap) are not reported through the
 * SPI; an entry evicted from every tier that way stays listed until it expires or is invalidated.
 *
 * <h2>Rebuild</h2>
 * The index lives on the heap, so a new process rebuilds it from what the tiers hold (the seed's
 * "database sync"): the memory tier plus every lower tier that can be walked, SQLite first among
 * them by default ({@link CacheEnumerator}). The rebuild runs once, at start ({@code eager}) or
 * on the first query ({@code lazy}, the default, so processes that never query pay nothing).
 * Changes made while a rebuild runs win over what it reads: a key removed meanwhile is skipped and
 * a newer put of the same path replaces an older copy ({@link QueryIndex#stored}).
 *
 * <h2>Memory-only evictions</h2>
 * The memory tier reports evictions under its policy lock, where nothing else may be locked, so
 * keys are queued and applied later (on the next put or query) under the key's stripe lock, and
 * only if the key is still absent: a put that raced the eviction keeps its document.
 */
final class IndexKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(IndexKeeper.class);
  private final Object feedLock = new Object();
  private volatile ChangeFeed feed;
  private volatile StoredEntries feedEntries;

  /** When the query index is rebuilt from the tiers: {@code lazy}, {@code eager} or {@code off}. */
  static final String PROPERTY = "metacache.query.index";
  static final int EVICTION_DRAIN_THRESHOLD = 1024;

  enum Mode { LAZY, EAGER, OFF }

  /** Re-checks, under the key's stripe lock, that an evicted key is still absent, then drops it. */
  interface AbsentCheck {
    void dropIfAbsent(long keyHigh, long keyLow, Runnable drop);
  }

  private final QueryIndex index = new QueryIndex();
  private final Mode mode;
  private final CacheEnumerator enumerator;
  private final LongSupplier clock;
  private final AbsentCheck absentCheck;
  private final ConcurrentLinkedQueue<long[]> evicted = new ConcurrentLinkedQueue<>();
  private final AtomicInteger evictedCount = new AtomicInteger();
  private final Object loadLock = new Object();
  private final Set<List<Long>> removedWhileLoading = ConcurrentHashMap.newKeySet();
  private volatile boolean loading;
  private volatile boolean loaded;
  private volatile boolean clearedWhileLoading;

  IndexKeeper(Mode mode, CacheEnumerator enumerator, LongSupplier clock, AbsentCheck absentCheck) {
    this.mode = mode;
    this.enumerator = enumerator;
    this.clock = clock;
    this.absentCheck = absentCheck;
  }

  static Mode mode(String raw) {
    if (raw == null || raw.isBlank()) {
      return Mode.LAZY;
    }
    try {
      return Mode.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ConfigValues.invalid(PROPERTY, raw, "lazy, eager or off");
    }
  }

  boolean enabled() {
    return mode != Mode.OFF;
  }

  /** Rebuilds now if the mode is eager. */
  void start() {
    if (mode == Mode.EAGER) {
      ensureLoaded();
    }
  }

  void stored(long hi, long lo, CacheEntry entry) {
    if (mode == Mode.OFF || KeyValueCache.PROFILE.equals(entry.profile())) {
      return;
    }
    index.stored(hi, lo, IndexedEntry.of(entry.path(), entry.profile(), entry.metadata(),
        entry.cachedAtMillis(), entry.expiresAtMillis()));
  }

  /** Applies queued evictions once enough have gathered; never under a stripe lock. */
  void drainEvictionsIfMany() {
    if (evictedCount.get() >= EVICTION_DRAIN_THRESHOLD) {
      drainEvictions();
    }
  }

  void removed(long hi, long lo) {
    if (mode == Mode.OFF) {
      return;
    }
    if (loading) {
      removedWhileLoading.add(List.of(hi, lo));
    }
    index.removed(hi, lo);
  }

  void cleared() {
    if (loading) {
      clearedWhileLoading = true;
    }
    index.clear();
  }

  /** From the memory tier's drainer: queue only. */
  void evicted(long hi, long lo) {
    if (mode != Mode.OFF) {
      evicted.add(new long[] {hi, lo});
      evictedCount.incrementAndGet();
    }
  }

  /** Loads an entry another process stored, or null if it is gone. */
  interface StoredEntries {
    CacheEntry load(long hi, long lo);
  }

  /**
   * Follows the changes other processes of a shared cache directory make ({@link ChangeFeed}):
   * applied before each query, so a query sees every put and removal any process made before it.
   */
  void followChanges(ChangeFeed feed, StoredEntries stored) {
    this.feed = feed;
    this.feedEntries = stored;
  }

  /** Applies the other processes' changes; a gap in the feed (lapped, dead publisher) rebuilds the index. */
  private void catchUp() {
    ChangeFeed f = feed;
    if (f == null) {
      return;
    }
    synchronized (feedLock) {
      if (!loaded) {
        f.skipToTail(); // the rebuild about to run reads the tiers, which show those changes
        return;
      }
      if (!f.poll(this::applyChange)) {
        LOG.info("query index: changes of other processes were lost (the feed lapped this process);"
            + " rebuilding from the tiers");
        synchronized (loadLock) {
          index.clear();
          loaded = false;
        }
        f.skipToTail();
      }
    }
  }

  private void applyChange(int type, long hi, long lo) {
    switch (type) {
      case ChangeFeed.STORED -> {
        CacheEntry entry = feedEntries.load(hi, lo);
        if (entry != null) {
          stored(hi, lo, entry);
        }
      }
      case ChangeFeed.REMOVED -> removed(hi, lo);
      case ChangeFeed.CLEARED -> cleared();
      case ChangeFeed.EVICTED -> evicted(hi, lo);
      default -> { } // a type from a newer version: ignore it
    }
  }

  List<IndexedEntry> query(MetadataQuery query) {
    if (mode == Mode.OFF) {
      throw new IllegalStateException("the query index is off (" + PROPERTY + "=off)");
    }
    catchUp();
    ensureLoaded();
    drainEvictions();
    return index.query(query, clock.getAsLong());
  }

  int size() {
    return index.size();
  }

  private void drainEvictions() {
    long[] key;
    while ((key = evicted.poll()) != null) {
      evictedCount.decrementAndGet();
      long hi = key[0];
      long lo = key[1];
      absentCheck.dropIfAbsent(hi, lo, () -> index.removed(hi, lo));
    }
  }

  private void ensureLoaded() {
    if (loaded) {
      return;
    }
    synchronized (loadLock) {
      if (loaded) {
        return;
      }
      long start = System.nanoTime();
      loading = true;
      clearedWhileLoading = false;
      int[] count = {0};
      try {
        enumerator.forEach((hi, lo, entry) -> {
          if (clearedWhileLoading || removedWhileLoading.contains(List.of(hi, lo))
              || KeyValueCache.PROFILE.equals(entry.profile())) {
            return;
          }
          index.stored(hi, lo, IndexedEntry.of(entry.path(), entry.profile(), entry.metadata(),
              entry.cachedAtMillis(), entry.expiresAtMillis()));
          count[0]++;
        });
      } finally {
        loading = false;
        removedWhileLoading.clear();
      }
      loaded = true;
      LOG.debug("query index rebuilt from {} stored entries in {} ms", count[0], (System.nanoTime() - start) / 1_000_000);
    }
  }
}
