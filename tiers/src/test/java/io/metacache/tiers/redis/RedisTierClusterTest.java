package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A local three-master Redis Cluster, assembled by the test with ADDSLOTS and MEET. */
class RedisTierClusterTest {
  private static final int SLOTS = 16384;
  private static final List<RedisServerProcess> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      nodes.add(RedisServerProcess.launchClusterNode());
    }
    List<RedisClient> clients = new ArrayList<>();
    List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
    try {
      for (RedisServerProcess node : nodes) {
        RedisClient client = RedisClient.create(node.uri());
        clients.add(client);
        connections.add(client.connect());
      }
      for (int i = 0; i < 3; i++) {
        int from = i * SLOTS / 3;
        int to = (i + 1) * SLOTS / 3;
        // ADDSLOTSRANGE needs Redis 7; ADDSLOTS works from 3.0 on
        connections.get(i).sync().clusterAddSlots(IntStream.range(from, to).toArray());
      }
      for (int i = 1; i < 3; i++) {
        connections.get(0).sync().clusterMeet("127.0.0.1", nodes.get(i).port());
      }
      for (StatefulRedisConnection<String, String> c : connections) {
        RedisCommands<String, String> sync = c.sync();
        Await.until("cluster_state:ok with 3 known nodes", () -> {
          String info = sync.clusterInfo();
          return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
        }, sync::clusterInfo);
      }
    } finally {
      connections.forEach(StatefulRedisConnection::close);
      clients.forEach(RedisClient::shutdown);
    }
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(RedisServerProcess::close);
  }

  static String nodesUri() {
    return nodes.get(0).uri();
  }

  private static String seeds() {
    return nodes.get(0).uri() + "," + nodes.get(1).uri();
  }

  @Test
  void batchAcrossAllSlotsReadsBack() {
    try (RedisTier tier = RedisTiers.open("metacache.redis.uri", seeds(), "metacache.redis.timeout", "3s")) {
      tier.ping();
      int n = 5000;
      List<TierOperation> batch = new ArrayList<>(n);
      Set<Integer> masters = new HashSet<>();
      for (int i = 0; i < n; i++) {
        batch.add(TierOperation.put(i, i * 7L, RedisTiers.value(i, 128), i % 2 == 0 ? 0 : System.currentTimeMillis() + 60_000));
        masters.add(SlotHash.getSlot(tier.key(i, i * 7L)) * 3 / SLOTS);
      }
      assertThat(masters).as("the batch spans all three masters").hasSize(3);
      long start = System.nanoTime();
      tier.apply(batch);
      long nanos = System.nanoTime() - start;
      System.out.printf("redis tier (cluster of 3): pipelined batch of %d puts of 128 B in %.1f ms = %,.0f puts/s%n",
          n, nanos / 1e6, n / (nanos / 1e9));
      for (int i = 0; i < n; i++) {
        assertThat(tier.get(i, i * 7L)).isEqualTo(RedisTiers.value(i, 128));
      }
      assertThat(tier.countKeys()).isEqualTo(n);

      List<TierOperation> deletes = new ArrayList<>();
      for (int i = 0; i < n; i += 2) {
        deletes.add(TierOperation.delete(i, i * 7L));
      }
      tier.apply(deletes);
      assertThat(tier.get(0, 0)).isNull();
      assertThat(tier.get(1, 7)).isEqualTo(RedisTiers.value(1, 128));
      tier.clear();
      assertThat(tier.countKeys()).isZero();
    }
  }

  @Test
  void singleSeedWithTheClusterFlag() {
    try (RedisTier tier = RedisTiers.open("metacache.redis.uri", nodes.get(2).uri(),
        "metacache.redis.cluster", "true", "metacache.redis.timeout", "3s", "metacache.redis.key-prefix", "one:")) {
      List<TierOperation> batch = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        batch.add(TierOperation.put(i, -i, new byte[] {(byte) i}, 0));
      }
      tier.apply(batch);
      for (int i = 0; i < 300; i++) {
        assertThat(tier.get(i, -i)).containsExactly((byte) i);
      }
    }
  }

  @Test
  void invalidationsCrossTheCluster() throws InterruptedException {
    try (RedisTier a = RedisTiers.open("metacache.redis.uri", nodes.get(0).uri(), "metacache.redis.cluster", "true",
            "metacache.redis.timeout", "3s");
        RedisTier b = RedisTiers.open("metacache.redis.uri", nodes.get(2).uri(), "metacache.redis.cluster", "true",
            "metacache.redis.timeout", "3s")) {
      Set<Long> heard = ConcurrentHashMap.newKeySet();
      b.onRemoteInvalidation((high, low) -> heard.add(high));
      a.publishInvalidations(new long[] {1, 2, 3}, new long[] {0, 0, 0}, 3);
      Await.until("b hears the three keys", () -> heard.size() >= 3, heard::toString);
      assertThat(heard).containsExactlyInAnyOrder(1L, 2L, 3L);
    }
  }
}
