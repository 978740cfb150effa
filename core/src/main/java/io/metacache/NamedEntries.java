package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.key.CacheKey;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The key/value API's way into a cache ({@link KeyValueCache}): named entries are read, stored and
 * removed through the same lookup, store path and invalidation as file entries, under keys derived
 * from their names ({@link CacheKey#ofName}); each call fails once the cache is closed.
 */
final class NamedEntries {
  private final MetaCache cache;
  private final TieredLookup lookup;
  private final EntryStore store;
  private final Invalidation invalidation;
  private final OperationTtls operationTtls;
  private final LongSupplier clock;

  NamedEntries(MetaCache cache, TieredLookup lookup, EntryStore store, Invalidation invalidation,
      OperationTtls operationTtls, LongSupplier clock) {
    this.cache = cache;
    this.lookup = lookup;
    this.store = store;
    this.invalidation = invalidation;
    this.operationTtls = operationTtls;
    this.clock = clock;
  }

  /** The entry under a named key, or null; records a hit or a miss. */
  CacheEntry get(CacheKey key) {
    cache.checkOpen();
    return lookup.getNamed(key);
  }

  /** Stores a named entry in every tier, through the store path of file entries. */
  CacheEntry put(CacheKey key, String name, Map<String, Object> metadata, Duration ttl) {
    cache.checkOpen();
    return store.putNamed(key, name, metadata, ttl);
  }

  /** Removes one key from every tier, counted as an invalidation. */
  void remove(long hi, long lo) {
    cache.checkOpen();
    invalidation.key(hi, lo);
  }

  /** Removes every entry {@code predicate} picks from every tier; returns how many. */
  int removeWhere(Predicate<CacheEntry> predicate) {
    cache.checkOpen();
    return invalidation.where(predicate);
  }

  OperationTtls operationTtls() {
    return operationTtls;
  }

  long nowMillis() {
    return clock.getAsLong();
  }
}
