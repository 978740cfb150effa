package io.metacache.bench.peers;

import java.util.concurrent.ConcurrentHashMap;

/** {@link CacheType#ConcurrentHashMap}: unbounded, sized for the whole key space. */
final class ConcurrentMapCache implements BasicCache {

  private final ConcurrentHashMap<Key128, byte[]> map;

  ConcurrentMapCache(CacheSpec spec) {
    map = new ConcurrentHashMap<>(spec.keys().size() * 2);
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return map.get(new Key128(keyHigh, keyLow));
  }

  @Override
  public void put(long keyHigh, long keyLow, byte[] value) {
    map.put(new Key128(keyHigh, keyLow), value);
  }

  @Override
  public void close() {
    map.clear();
  }
}
