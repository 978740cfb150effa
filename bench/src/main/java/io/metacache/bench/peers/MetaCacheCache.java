package io.metacache.bench.peers;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CacheType#MetaCache} and {@link CacheType#MetaCacheTiered}: key {@code i} is the file
 * {@link KeySpace#file(int) file(i)}, the value travels as the metadata {@code {"v": bytes}}.
 * The high word is not used: the cache derives the key from the file. Compression is off so that
 * every peer stores the same bytes (the values are random and would not compress anyway).
 */
final class MetaCacheCache implements BasicCache {

  private static final String PROFILE = "bench";
  private static final String VALUE = "v";

  private final MetaCache cache;
  private final KeySpace keys;

  MetaCacheCache(CacheSpec spec, boolean tiered) {
    keys = spec.keys();
    keys.file(0); // fails early if the key space has no files
    Path dir = spec.workDir().resolve(tiered ? "tiered" : "memory");
    CacheConfig config = CacheConfig.builder()
        .cacheDirectory(dir)
        .memoryMaxEntries(spec.maximumEntries())
        .memoryMaxBytes(spec.offHeapBudget())
        .statIndexMaxEntries(Math.max(1_000, keys.size() * 2L))
        .compressionEnabled(false)
        .build();
    MetaCache.Builder builder = MetaCache.builder().config(config);
    cache = (tiered ? builder.tiers(List.of("disk", "sqlite")) : builder.memoryOnly()).build();
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    try {
      Optional<Map<String, Object>> metadata = cache.get(keys.file((int) keyLow), PROFILE);
      return metadata.isPresent() ? (byte[]) metadata.get().get(VALUE) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void put(long keyHigh, long keyLow, byte[] value) {
    try {
      cache.put(keys.file((int) keyLow), PROFILE, Map.of(VALUE, value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
