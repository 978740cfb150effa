package io.metacache.tiers.cache;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.codec.CacheEntry;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.Fingerprinter;
import io.metacache.key.KeyScope;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierProvider;
import io.metacache.tiers.disk.DiskTierProvider;
import io.metacache.tiers.redis.RedisTierProvider;
import io.metacache.tiers.sqlite.SqliteTierProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MetaCache} over real lower tiers (Redis when a URI is given, disk, SQLite) that the
 * test opened itself, so that it can read every tier directly, beside the cache, by key.
 */
final class TieredCacheFixture implements AutoCloseable {
  final CacheConfig config;
  final MetaCache cache;
  /** The lower tiers by name, in lookup order; the cache owns and closes them. */
  final Map<String, Tier> tiers = new LinkedHashMap<>();
  private final Fingerprinter fingerprinter;
  private final EntryCodec codec = new EntryCodec();

  private TieredCacheFixture(Builder b) {
    this.config = CacheConfig.builder()
        .cacheDirectory(b.directory)
        .memoryMaxEntries(b.memoryEntries)
        .memoryMaxBytes(64L << 20)
        .timestampGranularity(Duration.ZERO)
        .ttl(Duration.ofHours(1))
        .build();
    this.fingerprinter = new Fingerprinter(config.fullHashThreshold(), config.sampleChunkSize());
    Map<String, String> properties = new HashMap<>();
    properties.put("metacache.disk.fsync", "none");
    properties.put("metacache.redis.timeout", "1s");
    properties.put(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, "200ms");
    properties.put("metacache.writebehind.retry.backoff-base", "10ms");
    properties.put("metacache.writebehind.retry.backoff-max", "100ms");
    properties.put("metacache.writebehind.breaker.wait", "300ms");
    properties.putAll(b.properties);
    List<TierProvider> providers = new ArrayList<>();
    if (b.redisUri != null) {
      properties.put("metacache.redis.uri", b.redisUri);
      providers.add(new RedisTierProvider());
    }
    if (b.disk) {
      providers.add(new DiskTierProvider());
    }
    providers.add(new SqliteTierProvider());
    MetaCache.Builder builder = MetaCache.builder().config(config).properties(properties::get).memoryOnly();
    try {
      for (TierProvider provider : providers) {
        Path dir = b.directory.resolve(provider.name());
        Files.createDirectories(dir);
        Tier tier = provider.open(new TierContext(config, dir, System::currentTimeMillis, properties::get));
        tiers.put(tier.name(), tier);
        builder.tier(tier);
      }
    } catch (IOException e) {
      tiers.values().forEach(Tier::close);
      throw new UncheckedIOException(e);
    }
    this.cache = builder.build();
  }

  static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** The key of {@code file} under {@code profile} as the file is now. */
  CacheKey key(Path file, String profile) throws IOException {
    // the key of a put or of an extractor that declares nothing: per file, path in the key
    return CacheKey.of(fingerprinter.fingerprint(file), profile, KeyScope.FILE, file.toAbsolutePath().normalize());
  }

  /**
   * The entry the named tier holds under {@code key}, read directly; null if none.
   *
   * @throws AssertionError if the tier holds a corrupt entry there: a torn or damaged leftover is
   *     not an absent entry, and no check made through this fixture may count it as one
   */
  CacheEntry read(String tier, CacheKey key) {
    byte[] bytes = tiers.get(tier).get(key.high(), key.low());
    if (bytes == null) {
      return null;
    }
    try {
      return codec.decode(bytes);
    } catch (CorruptEntryException e) {
      throw new AssertionError("tier " + tier + " holds a corrupt entry under " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * The metadata each lower tier holds under {@code key}, by tier name (null where absent).
   *
   * @throws AssertionError if any tier holds a corrupt entry there (see {@link #read})
   */
  Map<String, Map<String, Object>> readEveryTier(CacheKey key) {
    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
    for (String name : tiers.keySet()) {
      CacheEntry e = read(name, key);
      found.put(name, e == null ? null : e.metadata());
    }
    return found;
  }

  @Override
  public void close() {
    cache.close();
  }

  static final class Builder {
    private final Path directory;
    private String redisUri;
    private int memoryEntries = 10_000;
    private boolean disk = true;
    private final Map<String, String> properties = new HashMap<>();

    private Builder(Path directory) {
      this.directory = directory;
    }

    Builder redis(String uri) {
      this.redisUri = uri;
      return this;
    }

    /** Leaves the disk tier out (one file per entry is the slowest tier to fill). */
    Builder withoutDisk() {
      this.disk = false;
      return this;
    }

    Builder memoryEntries(int entries) {
      this.memoryEntries = entries;
      return this;
    }

    Builder property(String name, String value) {
      properties.put(name, value);
      return this;
    }

    TieredCacheFixture open() {
      return new TieredCacheFixture(this);
    }
  }
}
