package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.CacheConfig;
import io.metacache.MemoryMode;
import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.key.CacheKey;
import io.metacache.spi.Tier;
import io.metacache.stats.CacheStats;
import io.metacache.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache end to end over the embedded default tiers: memory, disk and SQLite on real files. */
class MetaCacheTieredTest {
  @TempDir Path dir;

  private MetaCache open(Path cacheDir, AtomicLong clock) {
    return open(cacheDir, clock, MemoryMode.SHARED);
  }

  private MetaCache open(Path cacheDir, AtomicLong clock, MemoryMode mode) {
    CacheConfig config = CacheConfig.builder()
        .cacheDirectory(cacheDir)
        .memoryMode(mode)
        .memoryMaxEntries(1000)
        .memoryMaxBytes(16L << 20)
        .timestampGranularity(Duration.ZERO)
        .ttl(Duration.ofHours(1))
        .build();
    return MetaCache.builder().config(config).properties(name -> null).clock(clock::get).build();
  }

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve("files").resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  @Test
  void defaultTiersAreMemoryDiskAndSqlite() {
    try (MetaCache cache = open(dir.resolve("cache"), new AtomicLong(1_000_000))) {
      assertThat(cache.tierNames()).containsExactly("memory", "disk", "sqlite");
      assertThat(cache.health()).extracting(TierHealth::status).containsOnly(TierHealth.Status.UP);
    }
  }

  @Test
  void property1_cacheConsistency_putThenGetReturnsTheSameMetadata() throws IOException {
    Path f = file("a.txt", "hello");
    Map<String, Object> metadata = Map.of("language", "text", "lines", 1L, "bytes", new byte[] {1, 2});
    try (MetaCache cache = open(dir.resolve("cache"), new AtomicLong(1_000_000))) {
      cache.put(f, "basic", metadata);
      Map<String, Object> back = cache.get(f, "basic").orElseThrow();
      assertThat(back.get("language")).isEqualTo("text");
      assertThat(back.get("lines")).isEqualTo(1L);
      assertThat((byte[]) back.get("bytes")).containsExactly(1, 2);
      assertThat(cache.get(f, "full")).isEmpty();
    }
  }

  @Test
  void aNewCacheOnTheDirectoryStartsWarmFromTheSharedMemoryTier() throws IOException {
    Path f = file("warm.txt", "warm start");
    Path cacheDir = dir.resolve("cache");
    AtomicLong clock = new AtomicLong(1_000_000);
    try (MetaCache cache = open(cacheDir, clock)) {
      cache.put(f, "basic", Map.of("k", "warm"));
    }
    try (MetaCache cache = open(cacheDir, clock)) {
      CacheStats before = cache.stats();
      assertThat(cache.get(f, "basic")).contains(Map.of("k", "warm"));
      CacheStats after = cache.stats().minus(before);
      assertThat(after.hits("memory")).as("served by the shared memory tier the first cache filled").isEqualTo(1);
      assertThat(after.hits("disk")).isZero();
    }
  }

  @Test
  void property2_tierPromotion_lowerTierHitIsPromotedToMemory() throws IOException {
    Path f = file("b.txt", "promote me");
    Path cacheDir = dir.resolve("cache");
    AtomicLong clock = new AtomicLong(1_000_000);
    try (MetaCache cache = open(cacheDir, clock, MemoryMode.PRIVATE)) {
      cache.put(f, "basic", Map.of("k", "v"));
      cache.flush();
    }
    // A new cache on the same directory: its private memory tier is empty, disk has it.
    try (MetaCache cache = open(cacheDir, clock, MemoryMode.PRIVATE)) {
      CacheStats before = cache.stats();
      assertThat(cache.get(f, "basic")).contains(Map.of("k", "v"));
      CacheStats first = cache.stats().minus(before);
      assertThat(first.hits("disk")).isEqualTo(1);
      assertThat(first.hits("memory")).isZero();
      assertThat(cache.get(f, "basic")).contains(Map.of("k", "v"));
      CacheStats second = cache.stats().minus(before);
      assertThat(second.hits("memory")).as("second read served by memory after promotion").isEqualTo(1);
    }
  }

  @Test
  void property3_invalidationCompleteness_changedFileLeavesNoOldEntryInAnyTier() throws IOException {
    Path f = file("c.txt", "version one");
    FileTime oldMtime = Files.getLastModifiedTime(f);
    try (TieredCacheFixture fixture = TieredCacheFixture.builder(dir.resolve("cache")).open()) {
      MetaCache cache = fixture.cache;
      CacheKey old = fixture.key(f, "basic");
      cache.put(f, "basic", Map.of("v", 1L));
      cache.flush();
      for (Map.Entry<String, Tier> tier : fixture.tiers.entrySet()) {
        assertThat(tier.getValue().get(old.high(), old.low())).as("old entry stored in %s", tier.getKey())
            .isNotNull();
      }

      Files.writeString(f, "version two!");
      Files.setLastModifiedTime(f, FileTime.fromMillis(oldMtime.toMillis() + 5000));
      assertThat(cache.get(f, "basic")).as("the changed file misses").isEmpty();
      cache.flush();
      for (Map.Entry<String, Tier> tier : fixture.tiers.entrySet()) {
        assertThat(tier.getValue().get(old.high(), old.low())).as("old entry left in %s", tier.getKey())
            .isNull();
      }

      // The memory tier, through the cache: the old bytes and mtime back make the old entry current
      // again, so one left in memory would be served.
      Files.writeString(f, "version one");
      Files.setLastModifiedTime(f, oldMtime);
      assertThat(fixture.key(f, "basic")).isEqualTo(old);
      assertThat(cache.get(f, "basic")).as("old entry left in memory").isEmpty();
    }
  }

  @Test
  void touchedFileWithSameContentIsNotServedStale() throws IOException {
    Path f = file("t.txt", "same bytes");
    try (MetaCache cache = open(dir.resolve("cache"), new AtomicLong(1_000_000))) {
      cache.put(f, "basic", Map.of("mtime", "old"));
      Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
      assertThat(cache.get(f, "basic")).as("mtime changed, metadata may depend on it").isEmpty();
      assertThat(cache.stats().invalidations()).isEqualTo(1);
    }
  }

  @Test
  void invalidateRemovesEveryProfileFromEveryTierEvenForADeletedFile() throws IOException {
    Path f = file("d.txt", "to be deleted");
    Path cacheDir = dir.resolve("cache");
    AtomicLong clock = new AtomicLong(1_000_000);
    try (MetaCache cache = open(cacheDir, clock)) {
      cache.put(f, "basic", Map.of("p", "basic"));
      cache.put(f, "full", Map.of("p", "full"));
      cache.flush();
      cache.invalidate(f);
      assertThat(cache.get(f, "basic")).isEmpty();
      assertThat(cache.get(f, "full")).isEmpty();
      cache.put(f, "basic", Map.of("p", "again"));
      Files.delete(f);
      cache.invalidate(f);
      cache.flush();
      Files.writeString(f, "to be deleted");
      assertThat(cache.get(f, "basic")).as("invalidated while the file was gone").isEmpty();
    }
    try (MetaCache cache = open(cacheDir, clock)) {
      assertThat(cache.get(f, "basic")).isEmpty();
      assertThat(cache.get(f, "full")).isEmpty();
    }
  }

  @Test
  void concurrentMissesShareOneExtractionAndExceptionsAreNotCached() throws Exception {
    Path f = file("e.txt", "extract once");
    AtomicInteger extractions = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (MetaCache cache = open(dir.resolve("cache"), new AtomicLong(1_000_000))) {
      List<Thread> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "extraction-caller");
        callers.add(t);
        return t;
      });
      try {
        List<Future<Map<String, Object>>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          results.add(pool.submit(() -> cache.get(f, "basic", p -> {
            extractions.incrementAndGet();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return Map.of("n", 1L);
          })));
        }
        // Rendezvous: three callers parked on the shared extraction while the first is blocked in it.
        Await.parkedOnAFuture(callers, 3);
        release.countDown();
        for (Future<Map<String, Object>> r : results) {
          assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(Map.of("n", 1L));
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(extractions.get()).isEqualTo(1);

      Path g = file("g.txt", "fails first");
      assertThatThrownBy(() -> cache.get(g, "basic", p -> {
        throw new IOException("extractor broke");
      })).hasMessageContaining("extractor broke");
      assertThat(cache.get(g, "basic", p -> Map.of("ok", true))).isEqualTo(Map.of("ok", true));
    }
  }

  @Test
  void entriesExpireAfterTheirTimeToLive() throws IOException {
    Path f = file("ttl.txt", "short lived");
    AtomicLong clock = new AtomicLong(1_000_000);
    try (MetaCache cache = open(dir.resolve("cache"), clock)) {
      cache.put(f, "basic", Map.of("x", 1L), Duration.ofSeconds(10));
      cache.flush();
      assertThat(cache.get(f, "basic")).isPresent();
      clock.addAndGet(10_001);
      assertThat(cache.get(f, "basic")).as("expired in every tier").isEmpty();
    }
  }

  @Test
  void badInputGetsClearErrors() throws IOException {
    try (MetaCache cache = open(dir.resolve("cache"), new AtomicLong(1_000_000))) {
      Path f = file("ok.txt", "x");
      assertThatThrownBy(() -> cache.get(f, "bad profile!")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bad profile!");
      assertThatThrownBy(() -> cache.get(dir.resolve("missing"), "basic")).isInstanceOf(IOException.class)
          .hasMessageContaining("missing");
      assertThatThrownBy(() -> cache.put(f, "basic", Map.of("when", new java.util.Date())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("when");
    }
    assertThatThrownBy(() -> MetaCache.builder().properties(Map.of("metacache.tiers", "disk,s3")::get)
        .config(CacheConfig.builder().cacheDirectory(dir.resolve("c2")).build()).build())
        .hasMessageContaining("metacache.tiers").hasMessageContaining("s3");
  }

  @Test
  void readYourWritesBeforeLowerTiersApply() throws IOException {
    Path f = file("ryw.txt", "fresh");
    try (MetaCache cache = open(dir.resolve("cache"), new AtomicLong(1_000_000))) {
      for (int i = 0; i < 50; i++) {
        cache.put(f, "basic", Map.of("i", (long) i));
        assertThat(cache.get(f, "basic")).contains(Map.of("i", (long) i));
        cache.invalidate(f, "basic");
        assertThat(cache.get(f, "basic")).isEmpty();
      }
    }
  }
}
