package io.metacache.counters;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child process for the cross-process counters test: opens a memory-only cache on the given
 * directory, puts {@code puts} files, gets each of them twice plus {@code misses} files never put,
 * prints its own {@code stats()} as {@code STATS <CacheStats>}, then {@code READY}, and holds the
 * cache open until its standard input closes or it is killed.
 *
 * <p>Arguments: cache directory, puts, misses.
 */
public final class CacheHolderMain {
  private CacheHolderMain() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int puts = Integer.parseInt(args[1]);
    int misses = Integer.parseInt(args[2]);
    Path files = Files.createDirectories(dir.resolve("files-" + ProcessHandle.current().pid()));
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir).build();
    try (MetaCache cache = MetaCache.builder().config(config).memoryOnly()
        .properties(name -> name.equals(MetaCache.SHARED_STATS_LABEL_PROPERTY) ? "cache-holder " + puts : null)
        .build()) {
      for (int i = 0; i < puts; i++) {
        Path f = Files.writeString(files.resolve("put-" + i + ".txt"), "content " + i);
        cache.put(f, "basic", Map.of("n", (long) i));
      }
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < puts; i++) {
          if (cache.get(files.resolve("put-" + i + ".txt"), "basic").isEmpty()) {
            throw new IllegalStateException("expected a hit on put-" + i);
          }
        }
      }
      for (int i = 0; i < misses; i++) {
        Path f = Files.writeString(files.resolve("miss-" + i + ".txt"), "never cached " + i);
        if (cache.get(f, "basic").isPresent()) {
          throw new IllegalStateException("expected a miss on miss-" + i);
        }
      }
      System.out.println("STATS " + cache.stats());
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the cache open until the parent closes our input or kills us
      }
    }
  }
}
