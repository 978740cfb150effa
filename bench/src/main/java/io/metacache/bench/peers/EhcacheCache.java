package io.metacache.bench.peers;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.impl.serialization.ByteArraySerializer;

/**
 * {@link CacheType#Ehcache3}: a heap tier of one sixteenth of the bound over an off-heap tier
 * sized in megabytes for the bound (Ehcache bounds off-heap by bytes, not entries). Values go
 * through Ehcache's own byte-array serializer, keys through {@link Key128Serializer}.
 */
final class EhcacheCache implements BasicCache {

  private final CacheManager manager;
  private final Cache<Key128, byte[]> cache;

  EhcacheCache(CacheSpec spec) {
    long heapEntries = Math.max(16, spec.maximumEntries() / 16);
    long offHeapMiB = Math.max(2, ((long) spec.maximumEntries() * (spec.valueBytes() + 64) >> 20) + 1);
    manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);
    cache = manager.createCache("bench", CacheConfigurationBuilder
        .newCacheConfigurationBuilder(Key128.class, byte[].class, ResourcePoolsBuilder.newResourcePoolsBuilder()
            .heap(heapEntries, EntryUnit.ENTRIES)
            .offheap(offHeapMiB, MemoryUnit.MB))
        .withKeySerializer(new Key128Serializer())
        .withValueSerializer(new ByteArraySerializer())
        .build());
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return cache.get(new Key128(keyHigh, keyLow));
  }

  @Override
  public void put(long keyHigh, long keyLow, byte[] value) {
    cache.put(new Key128(keyHigh, keyLow), value);
  }

  @Override
  public void close() {
    manager.close();
  }
}
