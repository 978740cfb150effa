package io.metacache.bench.peers;

/**
 * The caches compared, chosen by a benchmark's {@code @Param}. Bounded peers hold
 * {@link CacheSpec#maximumEntries()}; raw Chronicle Map and {@code ConcurrentHashMap} have no
 * eviction and are sized for the whole key space, so they are the ceilings: every read a hit, no
 * policy work.
 */
public enum CacheType {

  /** This project's off-heap memory tier over Chronicle Map, raw bytes, W-TinyLFU eviction. */
  MemoryTier {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new MemoryTierCache(spec);
    }
  },

  /**
   * The whole {@code MetaCache}, memory tier only: a stat of the key's file, the memory tier and
   * the entry codec on every read; encode and store on every write.
   */
  MetaCache {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new MetaCacheCache(spec, false);
    }
  },

  /** The whole {@code MetaCache} with every embedded tier: memory, then disk and SQLite behind write-behind. */
  MetaCacheTiered {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new MetaCacheCache(spec, true);
    }
  },

  /** A bare {@code ChronicleMap<byte[], byte[]>}, reused key and value arrays: the memory tier's floor. */
  ChronicleMap {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new ChronicleMapCache(spec);
    }
  },

  /** Caffeine 3 on the heap, W-TinyLFU, byte-array values. */
  Caffeine {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new CaffeineCache(spec);
    }
  },

  /** Ehcache 3 with a small heap tier over an off-heap tier holding the bound. */
  Ehcache3 {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new EhcacheCache(spec);
    }
  },

  /** {@code ConcurrentHashMap}: no bound, no policy, no copy; the ceiling. */
  ConcurrentHashMap {
    @Override
    public BasicCache create(CacheSpec spec) {
      return new ConcurrentMapCache(spec);
    }
  };

  /** Opens this peer for the given bound, value size and key space. */
  public abstract BasicCache create(CacheSpec spec);

  /** Whether each key stands for a file ({@link KeySpace#withFiles()} must be called first). */
  public boolean keyedByFile() {
    return this == MetaCache || this == MetaCacheTiered;
  }
}
