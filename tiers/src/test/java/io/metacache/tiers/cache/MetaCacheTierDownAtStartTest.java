package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.spi.TierException;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lower tier that is down when the cache opens does not stop it: the cache opens on the other
 * tiers, shows the tier DOWN, and joins it when it answers, with the writes made meanwhile. A real
 * redis-server that is started only after the cache opened; a real SQLite directory that cannot
 * be opened until it is fixed. {@code metacache.tiers.required} keeps the old fail-fast.
 */
class MetaCacheTierDownAtStartTest {
  @TempDir Path dir;
  RedisServerProcess redis;
  final Map<String, String> properties = new HashMap<>();

  @BeforeEach
  void stoppedRedis() {
    redis = RedisServerProcess.launch();
    redis.stop(); // its port, with nothing listening: Redis is down at start
    properties.put("metacache.redis.uri", redis.uri());
    properties.put("metacache.redis.timeout", "500ms");
    properties.put(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, "100ms");
    properties.put("metacache.writebehind.retry.backoff-base", "10ms");
    properties.put("metacache.writebehind.retry.backoff-max", "100ms");
    properties.put("metacache.writebehind.breaker.wait", "200ms");
    properties.put("metacache.stats.shared", "false");
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private MetaCache open(Path cacheDir, List<String> tiers) {
    CacheConfig config = CacheConfig.builder().cacheDirectory(cacheDir).timestampGranularity(Duration.ZERO).build();
    return MetaCache.builder().config(config).properties(properties::get).tiers(tiers).build();
  }

  @Test
  void redisDownAtStartIsJoinedWhenItAnswersWithTheWritesMadeMeanwhile() throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "alpha");
    try (MetaCache cache = open(dir.resolve("cache"), List.of("redis", "disk", "sqlite"))) {
      Await.until("redis DOWN in health", () -> cache.health("redis").status() == TierHealth.Status.DOWN);
      assertThat(cache.health("redis").lastError()).contains("cannot connect");
      assertThat(cache.health("disk").status()).isEqualTo(TierHealth.Status.UP);
      cache.put(file, "basic", Map.of("k", "v"));
      assertThat(cache.get(file, "basic")).contains(Map.of("k", "v"));

      redis.start();
      Await.until("redis UP once it answers", () -> cache.health("redis").status() == TierHealth.Status.UP,
          () -> cache.health("redis").toString());
      Await.until("the write made while Redis was down reaches it", () -> {
        cache.flush();
        return cache.writeBehindStats().orElseThrow().tier("redis").backlog() == 0;
      });
    }
    // A second cache on another directory, with Redis alone below memory, finds the entry there.
    try (MetaCache other = open(dir.resolve("other"), List.of("redis"))) {
      assertThat(other.get(file, "basic")).contains(Map.of("k", "v"));
      assertThat(other.stats().hits("redis")).isEqualTo(1);
    }
  }

  @Test
  void aRequiredTierThatIsDownStopsTheCacheFromOpening() {
    properties.put("metacache.tiers.required", "redis");
    assertThatThrownBy(() -> open(dir.resolve("cache"), List.of("redis", "disk", "sqlite")))
        .isInstanceOf(TierException.class)
        .hasMessageContaining("cannot connect");
    properties.put("metacache.tiers.required", "all");
    assertThatThrownBy(() -> open(dir.resolve("cache"), List.of("redis", "disk", "sqlite")))
        .isInstanceOf(TierException.class);
  }

  @Test
  void aBadRequiredListNamesThePropertyTheValueAndWhatIsAccepted() {
    properties.put("metacache.tiers.required", "redis,memcached");
    assertThatThrownBy(() -> open(dir.resolve("cache"), List.of("disk")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.tiers.required")
        .hasMessageContaining("'redis,memcached'")
        .hasMessageContaining("all, or none");
  }

  /**
   * The SQLite tier's directory cannot be opened (a regular file sits where it should be): the
   * cache opens on memory and disk, shows sqlite DOWN, and joins it once the path is fixed.
   */
  @Test
  void aSqliteDirectoryThatCannotBeOpenedIsJoinedOnceItCan() throws Exception {
    Path cacheDir = Files.createDirectories(dir.resolve("cache"));
    Path blocker = Files.writeString(cacheDir.resolve("sqlite"), "not a directory");
    Path file = Files.writeString(dir.resolve("b.txt"), "beta");
    try (MetaCache cache = open(cacheDir, List.of("disk", "sqlite"))) {
      Await.until("sqlite DOWN", () -> cache.health("sqlite").status() == TierHealth.Status.DOWN);
      cache.put(file, "basic", Map.of("k", "w"));
      assertThat(cache.get(file, "basic")).contains(Map.of("k", "w"));

      Files.delete(blocker);
      Await.until("sqlite UP once its directory can be made", () -> cache.health("sqlite").status()
          == TierHealth.Status.UP, () -> cache.health("sqlite").toString());
      Await.until("the write made meanwhile reaches SQLite", () -> {
        cache.flush();
        return cache.entriesByTier().get("sqlite") == 1L;
      });
    }
    assertThat(Files.isRegularFile(cacheDir.resolve("sqlite").resolve("metacache.db"))).isTrue();
  }
}
