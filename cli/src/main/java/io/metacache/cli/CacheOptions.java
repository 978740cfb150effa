package io.metacache.cli;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares: where the cache lives and which lower tiers it uses. */
final class CacheOptions {
  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Cache directory (default: metacache.dir, else $XDG_CACHE_HOME/metacache or ~/.cache/metacache).")
  Path cacheDir;

  @Option(names = "--tiers", paramLabel = "LIST",
      description = "Lower tiers in order, e.g. redis,disk,sqlite, or none (default: disk,sqlite; redis first when --redis is given).")
  String tiers;

  @Option(names = "--redis", paramLabel = "URI", description = "Redis URI, e.g. redis://localhost:6379.")
  String redisUri;

  MetaCache open() {
    apply();
    return MetaCache.fromSystemProperties();
  }

  /** The cache directory {@link #open()} would use, without opening anything. */
  java.nio.file.Path cacheDirectory() {
    apply();
    return CacheConfig.fromSystemProperties().cacheDirectory();
  }

  private void apply() {
    if (cacheDir != null) {
      System.setProperty(CacheConfig.CACHE_DIR, cacheDir.toString());
    }
    if (tiers != null) {
      System.setProperty(MetaCache.TIERS_PROPERTY, tiers);
    }
    if (redisUri != null) {
      System.setProperty(MetaCache.REDIS_URI_PROPERTY, redisUri);
    }
  }
}
