package io.metacache.bench.peers;

import com.github.benmanes.caffeine.cache.Cache;

/** {@link CacheType#Caffeine}: bounded by entries, values held by reference. */
final class CaffeineCache implements BasicCache {

  private final Cache<Key128, byte[]> cache;

  CaffeineCache(CacheSpec spec) {
    cache = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
        .maximumSize(spec.maximumEntries())
        .executor(Runnable::run) // maintenance on the caller, as the memory tier drains its buffers
        .build();
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return cache.getIfPresent(new Key128(keyHigh, keyLow));
  }

  @Override
  public void put(long keyHigh, long keyLow, byte[] value) {
    cache.put(new Key128(keyHigh, keyLow), value);
  }

  @Override
  public void close() {
    cache.invalidateAll();
    cache.cleanUp();
  }
}
