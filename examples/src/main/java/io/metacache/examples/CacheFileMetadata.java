package io.metacache.examples;

import io.metacache.CacheConfig;
import io.metacache.Extractor;
import io.metacache.MetaCache;
import io.metacache.extract.Extractors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The README's minimal program: caches the metadata of one file, first with an extractor of its
 * own, then with the {@code basic} profile's. Run it twice: the second run extracts nothing.
 *
 * <p>Arguments: the file, and optionally the cache directory (default: a folder in the temporary
 * directory). Prints the metadata, then how many lookups hit.
 */
public final class CacheFileMetadata {
  private CacheFileMetadata() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    Path cacheDirectory = args.length > 1 ? Path.of(args[1])
        : Path.of(System.getProperty("java.io.tmpdir"), "metacache-example");
    // README:begin
    Extractor lineCount = f -> Map.of("lines", (long) Files.readAllLines(f).size());
    try (MetaCache cache = MetaCache.builder()
        .config(CacheConfig.builder().cacheDirectory(cacheDirectory).build())
        .tiers(List.of("disk", "sqlite"))
        .build()) {
      Map<String, Object> lines = cache.get(file, "lines", lineCount); // a miss extracts once and stores
      Map<String, Object> basic = cache.get(file, "basic", Extractors.forProfile("basic"));
      System.out.println(lines + " " + basic.get("mimeType"));
      System.out.println(cache.stats().hits() + " hit(s), " + cache.stats().misses() + " miss(es)");
    }
    // README:end
  }
}
