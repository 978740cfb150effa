package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.key.CacheKey;
import io.metacache.stats.CacheStats;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caches that share tiers: two caches over one Redis, a cache over a local three-master Redis
 * Cluster, a second process life over the same SQLite, and SQLite's JSON column.
 */
class MetaCacheSharedTiersTest {
  @TempDir Path dir;

  @Test
  void twoCachesSharingOneRedis_anInvalidationInOneIsSeenByTheOther() throws Exception {
    Path f = Files.writeString(dir.resolve("shared.txt"), "shared content");
    try (RedisServerProcess redis = RedisServerProcess.launch();
        TieredCacheFixture a = TieredCacheFixture.builder(dir.resolve("a")).redis(redis.uri()).open();
        TieredCacheFixture b = TieredCacheFixture.builder(dir.resolve("b")).redis(redis.uri()).open()) {
      a.cache.put(f, "basic", Map.of("v", 1L));
      a.cache.flush();
      CacheStats before = b.cache.stats();
      assertThat(b.cache.get(f, "basic")).contains(Map.of("v", 1L));
      assertThat(b.cache.stats().minus(before).hits("redis")).isEqualTo(1);
      assertThat(b.cache.get(f, "basic")).contains(Map.of("v", 1L));
      assertThat(b.cache.stats().minus(before).hits("memory")).as("b holds it in memory").isEqualTo(1);

      a.cache.invalidate(f, "basic");
      Await.until("b's memory tier drops the key", () -> b.cache.memoryStats().entries() == 0);
      // Once a's DEL is in Redis, b misses whenever the second announcement (sent after the DEL)
      // reaches it: its memory tier is empty and Redis holds nothing.
      a.cache.flush();
      assertThat(b.cache.get(f, "basic")).as("b does not return the stale entry").isEmpty();
      assertThat(b.cache.memoryStats().entries()).isZero();
    }
  }

  @Test
  void cacheOverALocalThreeMasterRedisCluster() throws Exception {
    List<RedisServerProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(RedisServerProcess.launchClusterNode());
      }
      formCluster(nodes);
      Path files = Files.createDirectories(dir.resolve("files"));
      try (TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).redis(nodes.get(0).uri())
          .property("metacache.redis.cluster", "true").property("metacache.redis.timeout", "3s").open()) {
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          Path f = Files.writeString(files.resolve("c" + i), "cluster " + i);
          fx.cache.put(f, "basic", Map.of("i", (long) i));
          written.add(f);
        }
        fx.cache.flush();
        for (int i = 0; i < written.size(); i++) {
          CacheKey k = fx.key(written.get(i), "basic");
          assertThat(fx.read("redis", k).metadata()).isEqualTo(Map.of("i", (long) i));
        }
        fx.cache.invalidate(written.get(7), "basic");
        fx.cache.flush();
        assertThat(fx.read("redis", fx.key(written.get(7), "basic"))).isNull();
        assertThat(fx.cache.health("redis").status()).isEqualTo(TierHealth.Status.UP);
        int onNode = 0;
        for (RedisServerProcess node : nodes) {
          RedisClient client = RedisClient.create(node.uri());
          try (StatefulRedisConnection<String, String> c = client.connect()) {
            long keys = c.sync().dbsize();
            assertThat(keys).as("keys on master %d", node.port()).isPositive();
            onNode += keys;
          } finally {
            client.shutdown();
          }
        }
        assertThat(onNode).isEqualTo(299);
      }
    } finally {
      nodes.forEach(RedisServerProcess::close);
    }
  }

  /** Assigns a third of the slots to each node, introduces them and waits for cluster_state:ok. */
  static void formCluster(List<RedisServerProcess> nodes) throws InterruptedException {
    int slots = 16384;
    List<RedisClient> clients = new ArrayList<>();
    List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
    try {
      for (RedisServerProcess node : nodes) {
        RedisClient client = RedisClient.create(node.uri());
        clients.add(client);
        connections.add(client.connect());
      }
      for (int i = 0; i < nodes.size(); i++) {
        connections.get(i).sync().clusterAddSlots(
            IntStream.range(i * slots / nodes.size(), (i + 1) * slots / nodes.size()).toArray());
      }
      for (int i = 1; i < nodes.size(); i++) {
        connections.get(0).sync().clusterMeet("127.0.0.1", nodes.get(i).port());
      }
      for (StatefulRedisConnection<String, String> c : connections) {
        RedisCommands<String, String> sync = c.sync();
        Await.until("cluster_state:ok with " + nodes.size() + " known nodes", () -> {
          String info = sync.clusterInfo();
          return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + nodes.size());
        }, sync::clusterInfo);
      }
    } finally {
      connections.forEach(StatefulRedisConnection::close);
      clients.forEach(RedisClient::shutdown);
    }
  }

  @Test
  void sqliteJsonColumn_jsonExtractFindsEntriesPutThroughTheCache() throws Exception {
    Path a = Files.writeString(dir.resolve("A.java"), "class A {}");
    Path b = Files.writeString(dir.resolve("b.py"), "def run(): pass");
    try (TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).open()) {
      fx.cache.put(a, "full", Map.of("language", "java", "functions", List.of("main", "helper"),
          "lines", 1L, "quote", "say \"hi\"\n", "thumb", new byte[] {1, 2, 3}, "ratio", 0.5));
      fx.cache.put(b, "full", Map.of("language", "python", "functions", List.of("run"), "lines", 1L));
      fx.cache.flush();
      io.metacache.tiers.sqlite.SqliteTier sqlite = (io.metacache.tiers.sqlite.SqliteTier) fx.tiers.get("sqlite");
      CacheKey ka = fx.key(a, "full");
      assertThat(sqlite.query("json_extract(metadata_json, '$.language') = ?", "java"))
          .containsExactly(new io.metacache.tiers.sqlite.StoredKey(ka.high(), ka.low()));
      assertThat(sqlite.query("EXISTS (SELECT 1 FROM json_each(metadata_json, '$.functions') WHERE value = ?)", "run"))
          .hasSize(1);
      assertThat(sqlite.query("json_extract(metadata_json, '$.quote') = ? AND json_extract(metadata_json, '$.thumb') = ?"
          + " AND json_extract(metadata_json, '$.ratio') = 0.5 AND profile = 'full' AND path = ?",
          "say \"hi\"\n", "AQID", a.toAbsolutePath().normalize().toString())).hasSize(1);
    }
  }

  @Test
  void invalidateFileRemovesProfilesAnEarlierProcessLifeStored() throws Exception {
    Path f = Files.writeString(dir.resolve("old.txt"), "written before a restart");
    try (TieredCacheFixture first = TieredCacheFixture.builder(dir.resolve("cache")).open()) {
      first.cache.put(f, "rare-profile", Map.of("x", 1L));
      first.cache.flush();
    }
    try (TieredCacheFixture second = TieredCacheFixture.builder(dir.resolve("cache")).open()) {
      CacheKey k = second.key(f, "rare-profile");
      assertThat(second.readEveryTier(k).values()).containsOnly(Map.of("x", 1L));
      second.cache.invalidate(f); // this life never used rare-profile: SQLite's path column finds it
      second.cache.flush();
      assertThat(second.readEveryTier(k).values()).containsOnlyNulls();
    }
  }

  @Test
  void healthOfAMemoryOnlyCache() {
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir.resolve("mem")).ttl(Duration.ofHours(1)).build();
    try (MetaCache cache = MetaCache.builder().config(config).properties(n -> null).memoryOnly().build()) {
      assertThat(cache.health()).extracting(TierHealth::tier).containsExactly("memory");
      assertThat(cache.health("memory").status()).isEqualTo(TierHealth.Status.UP);
      assertThat(cache.writeBehindStats()).isEmpty();
      cache.flush();
      cache.close();
      assertThat(cache.health("memory").status()).isEqualTo(TierHealth.Status.DOWN);
      assertThat(cache.closeReport()).isEmpty();
    }
  }
}
