package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import io.metacache.stats.CacheStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two caches on one cache directory, as two processes would open it (the shared memory tier, the
 * shared disk and SQLite tiers; the multi-process proofs run real JVMs, this class shows the
 * semantics): a put in one is the other's next get, from memory; an invalidation in one is never
 * undone by the other reading a lower tier that has not applied it yet; a query in one sees the
 * other's puts and invalidations through the directory's change feed.
 */
class MetaCacheSharedDirectoryTest {
  @TempDir Path dir;

  private MetaCache open(Path cacheDir) {
    CacheConfig config = CacheConfig.builder()
        .cacheDirectory(cacheDir)
        .memoryMaxEntries(10_000)
        .memoryMaxBytes(64L << 20)
        .timestampGranularity(Duration.ZERO)
        .build();
    return MetaCache.builder().config(config).properties(name -> null).build();
  }

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve("files").resolve(name);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, content);
  }

  @Test
  void aPutInOneCacheIsTheOthersNextGetFromMemory() throws IOException {
    Path f = file("a.txt", "shared");
    try (MetaCache a = open(dir.resolve("cache")); MetaCache b = open(dir.resolve("cache"))) {
      a.put(f, "basic", Map.of("v", 1L));
      CacheStats before = b.stats();
      assertThat(b.get(f, "basic")).contains(Map.of("v", 1L));
      assertThat(b.stats().minus(before).hits("memory")).isEqualTo(1);
      b.put(f, "basic", Map.of("v", 2L));
      assertThat(a.get(f, "basic")).contains(Map.of("v", 2L));
    }
  }

  @Test
  void anInvalidationInOneCacheIsNotUndoneByTheOtherReadingALowerTier() throws IOException {
    Path f = file("b.txt", "to be invalidated");
    try (MetaCache a = open(dir.resolve("cache")); MetaCache b = open(dir.resolve("cache"))) {
      a.put(f, "basic", Map.of("v", 1L));
      a.flush(); // disk and SQLite hold it
      assertThat(b.get(f, "basic")).contains(Map.of("v", 1L));
      a.invalidate(f, "basic");
      // a's deletes may still be queued for disk and SQLite: b must not read them from there
      assertThat(b.get(f, "basic")).as("b misses at once").isEmpty();
      assertThat(b.get(f, "basic")).as("and did not promote the lower tiers' copy").isEmpty();
      a.flush();
      assertThat(b.get(f, "basic")).isEmpty();
      assertThat(a.get(f, "basic")).isEmpty();
      // a new put after the invalidation is served as usual
      b.put(f, "basic", Map.of("v", 3L));
      assertThat(a.get(f, "basic")).contains(Map.of("v", 3L));
    }
  }

  @Test
  void aQueryInOneCacheSeesTheOthersPutsAndInvalidations() throws IOException {
    Path one = file("one.py", "def one(): pass\n");
    Path two = file("two.py", "def two(): pass\n");
    try (MetaCache a = open(dir.resolve("cache")); MetaCache b = open(dir.resolve("cache"))) {
      a.put(one, "full", Map.of("language", "python", "functions", List.of("one")));
      MetadataQuery python = MetadataQuery.builder().language("python").build();
      assertThat(paths(b.query(python))).containsExactly(one.toString());
      a.put(two, "full", Map.of("language", "python", "functions", List.of("two")));
      assertThat(paths(b.query(python))).as("b's index learned of a's put").containsExactlyInAnyOrder(
          one.toString(), two.toString());
      a.invalidate(one, "full");
      assertThat(paths(b.query(python))).as("b's index learned of a's invalidation").containsExactly(two.toString());
      a.invalidateAll();
      assertThat(b.query(python)).as("and of a's invalidate-all").isEmpty();
    }
  }

  private static List<String> paths(List<IndexedEntry> entries) {
    return entries.stream().map(e -> e.path()).collect(Collectors.toList());
  }
}
