package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.TierHealth;
import io.metacache.key.CacheKey;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import io.metacache.stats.CacheStats;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties 2 to 5 of the design (seed 000) through the real tiers: a {@code redis-server} on a
 * free port, the disk tier and SQLite in a temporary directory, each read directly by key beside
 * the cache. One cache serves every try of a property; each try uses files of its own.
 */
class MetaCacheTierPropertiesTest {
  static final List<String> PROFILES = List.of("basic", "full", "ocr");
  static RedisServerProcess redis;
  static Path root;
  static final AtomicInteger FILES = new AtomicInteger();

  @BeforeContainer
  static void startRedis() throws IOException {
    redis = RedisServerProcess.launch();
    root = Files.createTempDirectory("metacache-properties");
  }

  @AfterContainer
  static void stopRedis() throws IOException {
    redis.close();
    try (var files = Files.walk(root)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }

  static TieredCacheFixture open(String name, int memoryEntries) {
    return TieredCacheFixture.builder(root.resolve(name)).redis(redis.uri()).memoryEntries(memoryEntries)
        .property("metacache.sqlite.busy-timeout", "100ms")
        .property("metacache.writebehind.breaker.wait", "100ms")
        .property("metacache.writebehind.retry.backoff-base", "5ms")
        .property("metacache.writebehind.retry.backoff-max", "20ms")
        .open();
  }

  static Path newFile(String content) {
    try {
      Path dir = root.resolve("files");
      Files.createDirectories(dir);
      Path f = dir.resolve("f" + FILES.incrementAndGet() + ".txt");
      Files.writeString(f, content);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<Map<String, Object>> metadata() {
    Arbitrary<Object> scalar = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.doubles().between(-1e9, 1e9).map(d -> (Object) d));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), scalar).ofMaxSize(6)
        .map(m -> (Map<String, Object>) new LinkedHashMap<>(m));
  }

  // ---------------------------------------------------------------- property 2

  static TieredCacheFixture promotion;

  /**
   * An entry held only by lower tier {@code origin} is returned, promoted to memory (the next
   * read is a memory hit) and to every lower tier above {@code origin}, and not rewritten into
   * the tiers below it.
   */
  @Property(tries = 100)
  void property2_tierPromotion(@ForAll("metadata") Map<String, Object> metadata,
      @ForAll @IntRange(min = 0, max = 2) int origin) throws IOException {
    if (promotion == null) {
      promotion = open("promotion", 10_000);
    }
    TieredCacheFixture fx = promotion;
    List<String> lower = new ArrayList<>(fx.tiers.keySet());
    Path f = newFile("promotion " + FILES.get());
    fx.cache.put(f, "basic", metadata);
    fx.cache.flush();
    CacheKey key = fx.key(f, "basic");
    byte[] encoded = fx.tiers.get(lower.get(origin)).get(key.high(), key.low());
    assertThat(encoded).isNotNull();
    // Leave the entry in the origin tier alone: out of memory and every other tier.
    fx.cache.invalidate(f, "basic");
    fx.cache.flush();
    fx.tiers.get(lower.get(origin)).apply(List.of(TierOperation.put(key.high(), key.low(), encoded, 0)));

    CacheStats before = fx.cache.stats();
    assertThat(fx.cache.get(f, "basic")).contains(metadata);
    assertThat(fx.cache.stats().minus(before).hits(lower.get(origin))).isEqualTo(1);
    assertThat(fx.cache.get(f, "basic")).contains(metadata);
    assertThat(fx.cache.stats().minus(before).hits("memory")).as("second read from memory").isEqualTo(1);
    fx.cache.flush();
    Map<String, Map<String, Object>> held = fx.readEveryTier(key);
    for (int i = 0; i < lower.size(); i++) {
      if (i <= origin) {
        assertThat(held.get(lower.get(i))).as("tier %s (origin %s)", lower.get(i), lower.get(origin)).isEqualTo(metadata);
      } else {
        assertThat(held.get(lower.get(i))).as("tier %s below the origin is not rewritten", lower.get(i)).isNull();
      }
    }
    fx.cache.invalidate(f);
  }

  // ---------------------------------------------------------------- property 3

  static TieredCacheFixture invalidation;

  enum Change { REWRITE_CONTENT, TOUCH_MTIME, DELETE_AND_INVALIDATE, INVALIDATE_FILE, INVALIDATE_PROFILE }

  /**
   * After the file changes (content or mtime) or is invalidated, no tier returns any entry of the
   * file: the cache misses and Redis, disk and SQLite, read directly, hold nothing under the old
   * keys.
   */
  @Property(tries = 100)
  void property3_invalidationCompleteness(@ForAll("metadata") Map<String, Object> metadata,
      @ForAll Change change, @ForAll @IntRange(min = 1, max = 3) int profiles) throws IOException {
    if (invalidation == null) {
      invalidation = open("invalidation", 10_000);
    }
    TieredCacheFixture fx = invalidation;
    Path f = newFile("invalidation " + FILES.get());
    List<String> used = PROFILES.subList(0, profiles);
    List<CacheKey> keys = new ArrayList<>();
    for (String p : used) {
      fx.cache.put(f, p, metadata);
      keys.add(fx.key(f, p));
    }
    fx.cache.flush();
    for (CacheKey k : keys) {
      assertThat(fx.readEveryTier(k).values()).as("written everywhere first").containsOnly(metadata);
    }
    List<String> gone = used;
    switch (change) {
      case REWRITE_CONTENT -> Files.writeString(f, "changed " + metadata.hashCode() + " " + FILES.get());
      case TOUCH_MTIME -> Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
      case DELETE_AND_INVALIDATE -> {
        Files.delete(f);
        fx.cache.invalidate(f);
        Files.writeString(f, "invalidation " + (FILES.get()));
      }
      case INVALIDATE_FILE -> fx.cache.invalidate(f);
      case INVALIDATE_PROFILE -> {
        fx.cache.invalidate(f, used.get(0));
        gone = used.subList(0, 1);
      }
    }
    for (String p : gone) {
      assertThat(fx.cache.get(f, p)).as("profile %s after %s", p, change).isEmpty();
    }
    fx.cache.flush();
    for (int i = 0; i < used.size(); i++) {
      Map<String, Map<String, Object>> held = fx.readEveryTier(keys.get(i));
      if (gone.contains(used.get(i))) {
        assertThat(held.values()).as("%s after %s: %s", used.get(i), change, held).containsOnlyNulls();
      } else {
        assertThat(held.values()).as("untouched profile %s", used.get(i)).containsOnly(metadata);
      }
    }
  }

  // ---------------------------------------------------------------- property 4

  static TieredCacheFixture concurrency;

  /**
   * Four threads run random puts, gets and invalidations over two files and two profiles at once;
   * after {@code flush()} every tier agrees with memory on every key (same metadata, or absent in
   * all), and every value read was one that some thread wrote.
   */
  @Property(tries = 100)
  void property4_threadSafety(@ForAll long seed) throws Exception {
    if (concurrency == null) {
      concurrency = open("concurrency", 10_000);
    }
    TieredCacheFixture fx = concurrency;
    List<Path> files = List.of(newFile("concurrent a " + FILES.get()), newFile("concurrent b " + FILES.get()));
    List<String> profiles = PROFILES.subList(0, 2);
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          Random random = new Random(seed + thread);
          start.await(60, TimeUnit.SECONDS);
          for (int op = 0; op < 40; op++) {
            Path f = files.get(random.nextInt(files.size()));
            String p = profiles.get(random.nextInt(profiles.size()));
            int kind = random.nextInt(10);
            if (kind < 5) {
              fx.cache.put(f, p, Map.of("thread", (long) thread, "op", (long) op));
            } else if (kind < 8) {
              Optional<Map<String, Object>> got = fx.cache.get(f, p);
              got.ifPresent(m -> assertThat(m.keySet()).containsExactlyInAnyOrder("thread", "op"));
            } else if (kind < 9) {
              fx.cache.invalidate(f, p);
            } else {
              fx.cache.invalidate(f);
            }
          }
          return null;
        }));
      }
      for (Future<Void> d : done) {
        d.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    fx.cache.flush();
    for (Path f : files) {
      for (String p : profiles) {
        CacheKey key = fx.key(f, p);
        Map<String, Map<String, Object>> held = fx.readEveryTier(key);
        CacheStats before = fx.cache.stats();
        Optional<Map<String, Object>> got = fx.cache.get(f, p);
        boolean inMemory = fx.cache.stats().minus(before).hits("memory") == 1;
        Map<String, Object> memory = inMemory ? got.orElseThrow() : null;
        for (Map.Entry<String, Map<String, Object>> e : held.entrySet()) {
          assertThat(e.getValue()).as("%s %s: tier %s vs memory; all tiers %s", f.getFileName(), p, e.getKey(), held)
              .isEqualTo(memory);
        }
      }
    }
  }

  // ---------------------------------------------------------------- property 5

  static TieredCacheFixture recovery;
  static final List<Path> RECOVERY_FILES = new ArrayList<>();
  static final int RECOVERY_ENTRIES = 200;

  enum Failure { REDIS_KILLED, DISK_DIRECTORY_REPLACED, SQLITE_LOCKED }

  /**
   * While one tier fails (Redis killed, the disk tier's directory replaced by a file, SQLite held
   * under another connection's exclusive lock) the cache answers every get from the other tiers
   * (the memory tier holds only 64 of the 200 entries, so most answers come from below) and
   * accepts puts without an exception; once the tier is back it is UP again without a restart and
   * the writes made meanwhile arrive in it.
   *
   * <p>40 tries, not 100: every Redis try kills and restarts a real server and every try waits for
   * a real tier's circuit to close again.
   */
  @Property(tries = 40)
  void property5_errorRecovery(@ForAll Failure failure, @ForAll @IntRange(min = 0, max = RECOVERY_ENTRIES - 1) int probe)
      throws Exception {
    if (recovery == null) {
      recovery = open("recovery", 64);
      for (int i = 0; i < RECOVERY_ENTRIES; i++) {
        Path f = newFile("recovery " + i);
        RECOVERY_FILES.add(f);
        recovery.cache.put(f, "basic", Map.of("i", (long) i));
      }
      recovery.cache.flush();
    }
    TieredCacheFixture fx = recovery;
    String tierName = switch (failure) {
      case REDIS_KILLED -> "redis";
      case DISK_DIRECTORY_REPLACED -> "disk";
      case SQLITE_LOCKED -> "sqlite";
    };
    List<Path> written = new ArrayList<>();
    try (AutoCloseable repair = breakTier(fx, failure)) {
      for (int i = 0; i < 20; i++) {
        int n = (probe + i * 7) % RECOVERY_ENTRIES;
        Path f = RECOVERY_FILES.get(n);
        // Whichever tier fails, the other two lower tiers hold every entry: each get is a hit.
        assertThat(fx.cache.get(f, "basic")).as("entry %d while %s", n, failure).contains(Map.of("i", (long) n));
      }
      for (int i = 0; i < 3; i++) {
        Path f = newFile("written while broken " + FILES.get());
        fx.cache.put(f, "basic", Map.of("w", (long) i));
        assertThat(fx.cache.get(f, "basic")).contains(Map.of("w", (long) i));
        written.add(f);
      }
    }
    Tier tier = fx.tiers.get(tierName);
    List<CacheKey> keys = new ArrayList<>();
    for (Path f : written) {
      keys.add(fx.key(f, "basic"));
    }
    Await.until(tierName + " back UP with the writes made meanwhile", () -> {
      boolean arrived = fx.cache.health(tierName).status() == TierHealth.Status.UP;
      for (CacheKey k : keys) {
        try {
          arrived &= tier.get(k.high(), k.low()) != null;
        } catch (RuntimeException e) {
          arrived = false;
        }
      }
      return arrived;
    }, () -> fx.cache.health(tierName).toString());
  }

  static AutoCloseable breakTier(TieredCacheFixture fx, Failure failure) throws Exception {
    switch (failure) {
      case REDIS_KILLED -> {
        redis.stop();
        return redis::start;
      }
      case DISK_DIRECTORY_REPLACED -> {
        Path dir = fx.config.cacheDirectory().resolve("disk");
        Path away = dir.resolveSibling("disk.away");
        Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dir, "not a directory"); // root-proof: chmod does not stop root
        return () -> restoreDirectory(dir, away);
      }
      case SQLITE_LOCKED -> {
        Connection c = exclusiveLock(fx.config.cacheDirectory().resolve("sqlite").resolve("metacache.db"));
        return () -> {
          try (c; Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
          }
        };
      }
      default -> throw new IllegalArgumentException(failure.name());
    }
  }

  /**
   * Puts the original disk directory back. The tier retries while it is broken, and once the
   * placeholder file is gone it may recreate the directory and write into it before the move:
   * what it wrote meanwhile is merged into the original, then the original moves back.
   */
  static void restoreDirectory(Path dir, Path away) throws IOException {
    Files.deleteIfExists(dir);
    for (int attempt = 0; ; attempt++) {
      try {
        Files.move(away, dir, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        if (attempt > 50) {
          throw e;
        }
        mergeInto(dir, away);
      } catch (java.nio.file.FileSystemException e) {
        if (attempt > 50 || !Files.isDirectory(dir)) {
          throw e;
        }
        mergeInto(dir, away);
      }
    }
  }

  private static void mergeInto(Path recreated, Path original) throws IOException {
    if (!Files.isDirectory(recreated)) {
      Files.deleteIfExists(recreated);
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(recreated)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Path target = original.resolve(recreated.relativize(p).toString());
        if (Files.isDirectory(p)) {
          if (!p.equals(recreated)) {
            Files.createDirectories(target);
            Files.deleteIfExists(p);
          }
        } else {
          Files.createDirectories(target.getParent());
          Files.move(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.deleteIfExists(recreated);
  }

  /** Another connection holding {@code BEGIN EXCLUSIVE} on the database; close it to release. */
  static Connection exclusiveLock(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
    }
    return c;
  }

  @AfterContainer
  static void closeCaches() {
    for (TieredCacheFixture fx : new TieredCacheFixture[] {promotion, invalidation, concurrency, recovery}) {
      if (fx != null) {
        fx.close();
      }
    }
  }
}
