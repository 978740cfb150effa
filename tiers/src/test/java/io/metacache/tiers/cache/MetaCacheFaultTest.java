package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.TierHealth;
import io.metacache.key.CacheKey;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real fault per test, against a real redis-server and real files: the cache keeps serving. */
class MetaCacheFaultTest {
  static RedisServerProcess redis;
  @TempDir Path dir;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private List<Path> files(int n, String prefix) throws IOException {
    Path d = Files.createDirectories(dir.resolve("files"));
    List<Path> files = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Path f = d.resolve(prefix + i);
      Files.writeString(f, prefix + " content " + i);
      files.add(f);
    }
    return files;
  }

  /** Waits for {@code condition} (a minute's hang guard); returns the milliseconds it took. */
  private static long waitFor(String what, BooleanSupplier condition) {
    long start = System.nanoTime();
    Await.until(what, condition);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static boolean present(Tier tier, CacheKey key) {
    try {
      return tier.get(key.high(), key.low()) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Redis is killed (no persistence) after 500 puts, while the pipeline may still be writing them,
   * and 1000 more puts follow while it is down. The cache keeps serving every entry from memory and
   * the other tiers. After the restart Redis holds every write except, exactly: the writes Redis had
   * acknowledged before it was killed (they were only in the killed process's memory; the lane's
   * applied count says how many, and only writes of the first 500 can be among them, since nothing
   * can be applied while the server is down), and the writes the bounded backlog dropped and counted.
   */
  @Test
  void redisKilledDuringAStreamOfPuts_cacheServesHealthShowsDownAndPendingWritesArriveAfterRestart() throws Exception {
    List<Path> files = files(1500, "stream");
    try (TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).redis(redis.uri()).open()) {
      for (int i = 0; i < 500; i++) {
        fx.cache.put(files.get(i), "basic", Map.of("i", (long) i));
      }
      redis.stop();
      long killedAt = System.nanoTime();
      for (int i = 500; i < files.size(); i++) {
        fx.cache.put(files.get(i), "basic", Map.of("i", (long) i));
        if (i % 100 == 0) {
          assertThat(fx.cache.get(files.get(i - 250), "basic")).contains(Map.of("i", (long) (i - 250)));
        }
      }
      waitFor("redis DOWN after the kill", () -> fx.cache.health("redis").status() == TierHealth.Status.DOWN);
      long downAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      TierHealth down = fx.cache.health("redis");
      assertThat(down.lastError()).isNotNull();
      assertThat(fx.cache.health("disk").status()).isEqualTo(TierHealth.Status.UP);
      System.out.printf("redis DOWN %d ms after SIGKILL: %s%n", downAfter, down);
      for (int i = 0; i < files.size(); i += 97) {
        assertThat(fx.cache.get(files.get(i), "basic")).contains(Map.of("i", (long) i));
      }

      // Nothing reaches Redis while it is down: what the lane applied so far went to the killed process.
      TierWriteStats atTheKill = fx.cache.writeBehindStats().orElseThrow().tier("redis");
      redis.start();
      Tier tier = fx.tiers.get("redis");
      List<CacheKey> keys = new ArrayList<>();
      for (Path f : files) {
        keys.add(fx.key(f, "basic"));
      }
      waitFor("redis UP with an empty backlog", () -> fx.cache.health("redis").status() == TierHealth.Status.UP
          && fx.cache.writeBehindStats().orElseThrow().tier("redis").backlog() == 0);
      fx.cache.flush();
      TierWriteStats stats = fx.cache.writeBehindStats().orElseThrow().tier("redis");
      long dropped = stats.drops() + fx.cache.writeBehindStats().orElseThrow().ringDrops();
      long lostWithTheProcess = keys.subList(0, 500).stream().filter(k -> !present(tier, k)).count();
      long missingLater = keys.subList(500, keys.size()).stream().filter(k -> !present(tier, k)).count();
      System.out.printf("after restart: %d of the first 500 lost with the process (%d applied before the kill),"
          + " %d of the later 1000 missing, %d dropped, stats %s%n",
          lostWithTheProcess, atTheKill.opsApplied(), missingLater, dropped, stats);
      assertThat(atTheKill.coalesced()).as("distinct keys: no write superseded").isZero();
      assertThat(lostWithTheProcess + missingLater).as("missing from Redis: applied before the kill + dropped")
          .isEqualTo(atTheKill.opsApplied() + dropped);
      assertThat(lostWithTheProcess).as("of the first 500, those Redis acknowledged before the kill")
          .isBetween(atTheKill.opsApplied(), atTheKill.opsApplied() + dropped);
    }
  }

  @Test
  void diskWritesFailing_diskDegradedOrDownOthersFine() throws Exception {
    List<Path> files = files(60, "disk");
    try (TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).redis(redis.uri()).open()) {
      for (int i = 0; i < 30; i++) {
        fx.cache.put(files.get(i), "basic", Map.of("i", (long) i));
      }
      fx.cache.flush();
      Path diskDir = fx.config.cacheDirectory().resolve("disk");
      Path away = diskDir.resolveSibling("disk.away");
      // Root-proof fault: permissions do not stop root, a regular file in the directory's place does.
      Files.move(diskDir, away, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(diskDir, "not a directory");
      for (int i = 30; i < 60; i++) {
        fx.cache.put(files.get(i), "basic", Map.of("i", (long) i));
      }
      fx.cache.flush();
      waitFor("disk not UP", () -> fx.cache.health("disk").status() != TierHealth.Status.UP);
      System.out.println("disk while its directory is a file: " + fx.cache.health("disk"));
      assertThat(fx.cache.health("disk").lastError()).isNotNull();
      assertThat(fx.cache.health("redis").status()).isEqualTo(TierHealth.Status.UP);
      assertThat(fx.cache.health("sqlite").status()).isEqualTo(TierHealth.Status.UP);
      for (int i = 30; i < 60; i++) {
        CacheKey k = fx.key(files.get(i), "basic");
        assertThat(fx.read("redis", k).metadata()).isEqualTo(Map.of("i", (long) i));
        assertThat(fx.read("sqlite", k).metadata()).isEqualTo(Map.of("i", (long) i));
        assertThat(fx.cache.get(files.get(i), "basic")).contains(Map.of("i", (long) i));
      }
      Files.delete(diskDir);
      Files.move(away, diskDir, StandardCopyOption.ATOMIC_MOVE);
      CacheKey last = fx.key(files.get(59), "basic");
      waitFor("disk UP again with the writes made meanwhile",
          () -> fx.cache.health("disk").status() == TierHealth.Status.UP && present(fx.tiers.get("disk"), last));
    }
  }

  @Test
  void sqliteLockedByAnotherConnection_noExceptionReachesTheCallerAndWritesLandAfterRelease() throws Exception {
    List<Path> files = files(100, "locked");
    try (TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).open()) {
      fx.cache.put(files.get(0), "basic", Map.of("i", 0L));
      fx.cache.flush();
      Path db = fx.config.cacheDirectory().resolve("sqlite").resolve("metacache.db");
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
          Statement s = other.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        for (int i = 1; i < files.size(); i++) {
          fx.cache.put(files.get(i), "basic", Map.of("i", (long) i));
          assertThat(fx.cache.get(files.get(i), "basic")).contains(Map.of("i", (long) i));
        }
        fx.cache.flush(); // attempts ran into the lock and were parked, not thrown
        assertThat(fx.cache.writeBehindStats().orElseThrow().tier("sqlite").failures()).isPositive();
        assertThat(fx.read("disk", fx.key(files.get(99), "basic"))).isNotNull();
        s.execute("ROLLBACK");
      }
      List<CacheKey> keys = new ArrayList<>();
      for (Path f : files) {
        keys.add(fx.key(f, "basic"));
      }
      Tier sqlite = fx.tiers.get("sqlite");
      waitFor("every write in SQLite after the lock is released", () -> keys.stream().allMatch(k -> present(sqlite, k)));
      assertThat(fx.cache.health("sqlite").status()).isEqualTo(TierHealth.Status.UP);
    }
  }

  @Test
  void corruptEntryInEachTier_isACountedMissDeletedAndNeverReturned() throws Exception {
    List<Path> files = files(3, "corrupt");
    try (TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).redis(redis.uri()).open()) {
      int i = 0;
      for (String name : List.of("redis", "disk", "sqlite")) {
        Path f = files.get(i++);
        CacheKey key = fx.key(f, "basic");
        fx.cache.put(f, "basic", Map.of("ok", true));
        fx.cache.flush();
        byte[] good = fx.tiers.get(name).get(key.high(), key.low());
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 0x5A; // the entry's own checksum no longer matches its body
        fx.cache.invalidate(f, "basic");
        fx.cache.flush();
        fx.tiers.get(name).apply(List.of(TierOperation.put(key.high(), key.low(), bad, 0)));
        long before = fx.cache.stats().corruptions();
        assertThat(fx.cache.get(f, "basic")).as("corrupt entry in %s", name).isEmpty();
        assertThat(fx.cache.stats().corruptions()).as("counted, %s", name).isEqualTo(before + 1);
        assertThat(fx.tiers.get(name).get(key.high(), key.low())).as("deleted from %s", name).isNull();
        assertThat(fx.cache.get(f, "basic", p -> Map.of("re", "extracted"))).isEqualTo(Map.of("re", "extracted"));
      }
    }
  }

  @Test
  void closeWith50000QueuedWrites_everyWriteIsWrittenOrReported() throws Exception {
    List<Path> files = files(100, "close");
    int total = 50_000;
    // Redis and SQLite: the disk tier's file per entry would make this test about the file system.
    TieredCacheFixture fx = TieredCacheFixture.builder(dir.resolve("cache")).redis(redis.uri()).withoutDisk()
        .memoryEntries(60_000)
        .property("metacache.writebehind.ring-size", "65536").open();
    for (int i = 0; i < total; i++) {
      fx.cache.put(files.get(i % 100), "p" + (i / 100), Map.of("i", (long) i));
    }
    fx.close();
    WriteBehindReport report = fx.cache.closeReport().orElseThrow();
    System.out.println("close report: " + report);
    for (WriteBehindReport.TierReport t : report.tiers()) {
      assertThat(t.written() + t.failed() + t.dropped() + t.notWritten()).as("tier %s accounts for every write", t.tier())
          .isEqualTo(total);
    }
    assertThat(report.complete()).as("%s", report).isTrue();
    Path db = dir.resolve("cache").resolve("sqlite").resolve("metacache.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM entries")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(report.tier("sqlite").written());
    }
  }
}
