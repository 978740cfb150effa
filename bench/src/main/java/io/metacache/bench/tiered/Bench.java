package io.metacache.bench.tiered;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/** Shared setup of the tiered benchmarks: files, configuration, caches and tiers on a temp directory. */
public final class Bench {
  /** {@code metacache.bench.smoke=true} shrinks every setup so a smoke run takes seconds. */
  public static final boolean SMOKE = Boolean.getBoolean("metacache.bench.smoke");

  private Bench() {}

  /** {@code n} small files with distinct contents in {@code dir}. */
  public static List<Path> files(Path dir, int n) {
    try {
      Files.createDirectories(dir);
      List<Path> files = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        files.add(Files.writeString(dir.resolve("f" + i + ".java"), "class F" + i + " { int x = " + i + "; }"));
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Metadata of about {@code bytes} bytes once encoded, shaped like a source file's. */
  public static Map<String, Object> metadata(int i, int bytes) {
    Map<String, Object> m = new HashMap<>();
    m.put("language", "java");
    m.put("lines", (long) i);
    m.put("functions", List.of("main", "run" + i));
    m.put("doc", "x".repeat(Math.max(0, bytes - 80)));
    return m;
  }

  /** A configuration for {@code memoryEntries} entries under {@code dir}; the stat fast path always applies. */
  public static CacheConfig config(Path dir, long memoryEntries) {
    return CacheConfig.builder()
        .cacheDirectory(dir)
        .memoryMaxEntries(memoryEntries)
        .memoryMaxBytes(Math.max(16L << 20, memoryEntries * 4096))
        .timestampGranularity(Duration.ZERO)
        .compressionEnabled(false)
        .ttl(Duration.ofHours(1))
        .build();
  }

  /**
   * Tier settings for benchmarks: no fsync on the disk tier (as for a cache), Redis at
   * {@code redisUri}; then any {@code metacache.*} system property of the fork overrides, for A/B
   * runs ({@code -jvmArgsAppend -Dmetacache.writebehind.linger=0}).
   */
  public static Map<String, String> properties(String redisUri) {
    Map<String, String> p = new HashMap<>();
    p.put("metacache.disk.fsync", "none");
    if (redisUri != null) {
      p.put("metacache.redis.uri", redisUri);
    }
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("metacache."))
        .forEach(name -> p.put(name, System.getProperty(name)));
    return p;
  }

  /** A cache over the named lower tiers (none: memory only). */
  public static MetaCache cache(CacheConfig config, List<String> tiers, Map<String, String> properties) {
    return MetaCache.builder().config(config).properties(properties::get).tiers(tiers).build();
  }

  /** Opens one tier by provider name in {@code dir}, as the cache would. */
  public static Tier tier(String name, CacheConfig config, Path dir, Map<String, String> properties) {
    for (TierProvider provider : ServiceLoader.load(TierProvider.class)) {
      if (provider.name().equals(name)) {
        try {
          Files.createDirectories(dir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return provider.open(new TierContext(config, dir, System::currentTimeMillis, properties::get));
      }
    }
    throw new IllegalArgumentException("no tier provider named " + name);
  }

  /** Deletes a directory tree, best effort. */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }
}
