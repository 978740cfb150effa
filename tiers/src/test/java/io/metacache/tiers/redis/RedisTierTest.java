package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis tier against a private redis-server; each test works under its own key prefix. */
class RedisTierTest {
  private static RedisServerProcess server;
  private static RedisClient rawClient;
  private static StatefulRedisConnection<String, String> rawConnection;
  private static RedisCommands<String, String> raw;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.launch();
    rawClient = RedisClient.create(server.uri());
    rawConnection = rawClient.connect();
    raw = rawConnection.sync();
  }

  @AfterAll
  static void stopServer() {
    if (rawConnection != null) {
      rawConnection.close();
      rawClient.shutdown();
    }
    if (server != null) {
      server.close();
    }
  }

  private static RedisTier tier(String prefix) {
    // a generous timeout: these tests check behaviour, not latency, and CI machines are shared
    return RedisTiers.open("metacache.redis.uri", server.uri(), "metacache.redis.key-prefix", prefix,
        "metacache.redis.timeout", "3s");
  }

  @Test
  void roundTrip() {
    try (RedisTier tier = tier("rt:")) {
      byte[] value = RedisTiers.value(1, 300);
      assertThat(tier.get(1, 2)).isNull();
      tier.apply(List.of(TierOperation.put(1, 2, value, 0)));
      assertThat(tier.get(1, 2)).isEqualTo(value);
      assertThat(raw.pttl("rt:" + io.metacache.spi.Keys.hex(1, 2))).isEqualTo(-1L);
      tier.ping();
      assertThat(tier.size()).isEqualTo(-1);
      assertThat(tier.removeExpired(Long.MAX_VALUE)).isZero();
    }
  }

  /** Scheduling policy (5 = SCHED_IDLE) by thread id of this process's Lettuce threads. */
  private static Map<String, Integer> policyOfLettuceThreads() throws IOException {
    Map<String, Integer> policies = new HashMap<>();
    try (var tasks = Files.list(Paths.get("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          if (Files.readString(task.resolve("comm")).startsWith("lettuce-")) {
            // policy is field 41 of stat, the 39th after the parenthesised name
            policies.put(task.getFileName().toString(),
                Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[38]));
          }
        } catch (IOException gone) {
          // the thread ended while we looked
        }
      }
    }
    return policies;
  }

  @Test
  void batchConnectionThreadsRunAtTheWriteBehindPriorityAndReadThreadsDoNot() throws Exception {
    assumeTrue(Files.isDirectory(Paths.get("/proc/self/task")), "Linux only");
    Set<String> before = policyOfLettuceThreads().keySet();
    // Idle asked for explicitly: the test suite's JVM makes normal priority the default (surefire).
    try (RedisTier tier = RedisTiers.open("metacache.redis.uri", server.uri(), "metacache.redis.key-prefix", "prio:",
        "metacache.redis.timeout", "3s", "metacache.writebehind.nice", "idle")) {
      tier.apply(List.of(TierOperation.put(1, 2, RedisTiers.value(1, 100), 0)));
      assertThat(tier.get(1, 2)).isNotNull();
      Map<String, Integer> started = policyOfLettuceThreads();
      started.keySet().removeAll(before);
      assertThat(started.values()).as("the batch client's I/O thread, at the idle write-behind priority").contains(5);
      assertThat(started.values()).as("the read client's I/O threads keep the normal policy").contains(0);
    }
  }

  @Test
  void keysArePrefixAnd32LowercaseHexDigits() {
    try (RedisTier tier = tier("mc:v1:")) {
      tier.apply(List.of(TierOperation.put(0xABCDEF0123456789L, 0x42L, new byte[] {9}, 0)));
      assertThat(raw.exists("mc:v1:abcdef01234567890000000000000042")).isEqualTo(1L);
      tier.apply(List.of(TierOperation.delete(0xABCDEF0123456789L, 0x42L)));
    }
  }

  @Test
  void ttlIsSetNativelyAndTheEntryExpires() throws InterruptedException {
    try (RedisTier tier = tier("ttl:")) {
      long expiresAt = System.currentTimeMillis() + 3000;
      tier.apply(List.of(TierOperation.put(3, 4, new byte[] {1, 2, 3}, expiresAt)));
      long pttl = raw.pttl("ttl:" + io.metacache.spi.Keys.hex(3, 4));
      assertThat(pttl).isBetween(1L, 3000L);
      assertThat(tier.get(3, 4)).containsExactly(1, 2, 3);
      Await.until("the entry expires", () -> tier.get(3, 4) == null);
      assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAt);
    }
  }

  @Test
  void aPutWhoseExpiryHasPassedIsADelete() {
    try (RedisTier tier = tier("past:")) {
      tier.apply(List.of(TierOperation.put(5, 6, new byte[] {1}, 0)));
      tier.apply(List.of(TierOperation.put(5, 6, new byte[] {2}, System.currentTimeMillis() - 1)));
      assertThat(tier.get(5, 6)).isNull();
    }
  }

  @Test
  void delete() {
    try (RedisTier tier = tier("del:")) {
      tier.apply(List.of(TierOperation.put(7, 8, new byte[] {1}, 0), TierOperation.put(7, 9, new byte[] {2}, 0)));
      tier.apply(List.of(TierOperation.delete(7, 8), TierOperation.delete(70, 80)));
      assertThat(tier.get(7, 8)).isNull();
      assertThat(tier.get(7, 9)).containsExactly(2);
      // applying the same batch twice is harmless (the caller retries whole batches)
      tier.apply(List.of(TierOperation.delete(7, 8)));
      assertThat(tier.countKeys()).isEqualTo(1);
    }
  }

  @Test
  void pipelinedBatchOfTenThousandPuts() {
    try (RedisTier tier = tier("bulk:")) {
      int n = 10_000;
      List<TierOperation> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(TierOperation.put(i, ~i, RedisTiers.value(i, 1024), System.currentTimeMillis() + 60_000));
      }
      tier.apply(batch); // warm-up, and the idempotent retry case
      long best = Long.MAX_VALUE;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        tier.apply(batch);
        best = Math.min(best, System.nanoTime() - start);
      }
      System.out.printf("redis tier: pipelined batch of %d puts of 1 KiB: best of 3 %.1f ms = %,.0f puts/s%n",
          n, best / 1e6, n / (best / 1e9));
      assertThat(tier.countKeys()).isEqualTo(n);
      for (int i = 0; i < n; i += 997) {
        assertThat(tier.get(i, ~i)).isEqualTo(RedisTiers.value(i, 1024));
      }
      tier.clear();
    }
  }

  @Test
  void clearDeletesOnlyKeysUnderItsPrefix() {
    try (RedisTier a = tier("clear-a:"); RedisTier b = tier("clear-b:")) {
      List<TierOperation> batch = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        batch.add(TierOperation.put(i, i, new byte[] {(byte) i}, 0));
      }
      a.apply(batch);
      b.apply(batch.subList(0, 10));
      raw.set("unrelated", "x");
      assertThat(a.countKeys()).isEqualTo(2500);
      a.clear();
      assertThat(a.countKeys()).isZero();
      assertThat(b.countKeys()).isEqualTo(10);
      assertThat(raw.get("unrelated")).isEqualTo("x");
    }
  }

  @Test
  void invalidationsReachOtherTiersButNotTheirOwnPublisher() throws InterruptedException {
    try (RedisTier a = tier("inv:"); RedisTier b = tier("inv:")) {
      Set<Long> seenByB = ConcurrentHashMap.newKeySet();
      AtomicInteger seenByA = new AtomicInteger();
      a.onRemoteInvalidation((high, low) -> seenByA.incrementAndGet());
      b.onRemoteInvalidation((high, low) -> {
        assertThat(low).isEqualTo(~high);
        seenByB.add(high);
      });
      int n = 5000; // more than one message's worth
      long[] highs = new long[n + 7];
      long[] lows = new long[n + 7];
      for (int i = 0; i < n; i++) {
        highs[i] = i;
        lows[i] = ~i;
      }
      a.publishInvalidations(highs, lows, n);
      Await.until("b hears all " + n + " keys", () -> seenByB.size() >= n, () -> seenByB.size() + " heard");
      assertThat(seenByB).hasSize(n);
      b.publishInvalidations(new long[] {42}, new long[] {~42L}, 1);
      // Redis hands a subscriber messages in publish order: once a hears b's key, it has been
      // handed every message of its own, published before, that it could ever hear.
      Await.until("a hears b's key", () -> seenByA.get() >= 1);
      assertThat(seenByA.get()).as("a hears only b's one key, never its own").isEqualTo(1);
      assertThat(a.publishFailures()).isZero();
    }
  }

  @Test
  void malformedMessagesAreCountedAndIgnored() throws InterruptedException {
    try (RedisTier a = tier("bad:")) {
      AtomicInteger seen = new AtomicInteger();
      a.onRemoteInvalidation((high, low) -> seen.incrementAndGet());
      raw.publish("bad:invalidations", "not a message");
      Await.until("the malformed message is counted", () -> a.malformedMessages() >= 1);
      assertThat(a.malformedMessages()).isEqualTo(1);
      assertThat(seen.get()).isZero();
    }
  }
}
