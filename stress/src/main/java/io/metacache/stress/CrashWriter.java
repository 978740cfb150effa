package io.metacache.stress;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child process of the crash test: puts entries for ever into a cache with a persisted memory
 * tier and the disk and SQLite tiers, and after every {@value #FLUSH_EVERY} puts flushes and
 * prints {@code FLUSHED <n>}: entries 0..n-1 are then in every tier. It expects to be killed.
 *
 * <p>Usage: {@code CrashWriter <cache-dir> <files-dir>}.
 */
public final class CrashWriter {
  static final int FLUSH_EVERY = 50;
  static final String PROFILE = "crash";

  private CrashWriter() {}

  /** The cache configuration the writer and the test's reader share. */
  static CacheConfig config(Path cacheDir) {
    return CacheConfig.builder()
        .cacheDirectory(cacheDir)
        .memoryFile(cacheDir.resolve("memory.map"))
        .memoryMaxEntries(100_000)
        .memoryMaxBytes(64L << 20)
        .timestampGranularity(Duration.ZERO) // files are never rewritten
        .ttl(Duration.ZERO)
        .build();
  }

  static Path file(Path filesDir, int i) {
    return filesDir.resolve("f-" + i + ".txt");
  }

  static Map<String, Object> metadata(int i) {
    return Map.of("i", (long) i, "name", "entry " + i);
  }

  public static void main(String[] args) throws Exception {
    Path cacheDir = Path.of(args[0]);
    Path filesDir = Files.createDirectories(Path.of(args[1]));
    try (MetaCache cache = MetaCache.builder().config(config(cacheDir)).properties(name -> null).build()) {
      for (int i = 0; ; i++) {
        Path file = Files.writeString(file(filesDir, i), "crash test file " + i + "\n");
        cache.put(file, PROFILE, metadata(i));
        if ((i + 1) % FLUSH_EVERY == 0) {
          cache.flush();
          System.out.println("FLUSHED " + (i + 1));
          System.out.flush();
        }
      }
    }
  }
}
