package io.metacache.cli;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child process for {@link StatsAcrossProcessesTest}: a library user holding a memory-only cache
 * open on the given directory after {@code puts} puts, two gets of each and {@code misses} misses.
 * Prints {@code READY}, then holds the cache until its input closes or it is killed.
 *
 * <p>Arguments: cache directory, puts, misses.
 */
public final class CacheHolderMain {
  private CacheHolderMain() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int puts = Integer.parseInt(args[1]);
    int misses = Integer.parseInt(args[2]);
    Path files = Files.createDirectories(dir.getParent().resolve("holder-files-" + ProcessHandle.current().pid()));
    try (MetaCache cache = MetaCache.builder().config(CacheConfig.builder().cacheDirectory(dir).build()).memoryOnly()
        .properties(name -> name.equals(MetaCache.SHARED_STATS_LABEL_PROPERTY) ? "holder" : null).build()) {
      for (int i = 0; i < puts; i++) {
        cache.put(Files.writeString(files.resolve("put-" + i), "p" + i), "basic", Map.of("n", (long) i));
      }
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < puts; i++) {
          cache.get(files.resolve("put-" + i), "basic").orElseThrow();
        }
      }
      for (int i = 0; i < misses; i++) {
        if (cache.get(Files.writeString(files.resolve("miss-" + i), "m" + i), "basic").isPresent()) {
          throw new IllegalStateException("expected a miss");
        }
      }
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the cache open
      }
    }
  }
}
