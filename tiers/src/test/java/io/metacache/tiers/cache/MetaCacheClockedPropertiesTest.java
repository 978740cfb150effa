package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.key.CacheKey;
import io.metacache.key.Fingerprinter;
import io.metacache.key.KeyScope;
import io.metacache.policy.PolicyKind;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierProvider;
import io.metacache.stats.CacheStats;
import io.metacache.tiers.disk.DiskTierProvider;
import io.metacache.tiers.sqlite.SqliteTierProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties 9 and 10 of the design (seed 000) through a real {@link MetaCache} over the disk and
 * SQLite tiers (real files in a temporary directory), on a clock the test controls: the cache,
 * its memory tier and both lower tiers read time from it.
 */
class MetaCacheClockedPropertiesTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String PROFILE = "basic";
  /** A hang guard for waits on the background sweeper, not a deadline on its speed. */
  private static final long HANG_GUARD_NANOS = TimeUnit.MINUTES.toNanos(2);

  static Path root;
  static final AtomicInteger NAMES = new AtomicInteger();

  @BeforeContainer
  static void createRoot() throws IOException {
    root = Files.createTempDirectory("metacache-clocked");
  }

  @AfterContainer
  static void deleteRoot() throws IOException {
    try (var files = Files.walk(root)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }

  /** A cache over disk and SQLite opened by the test, so that it can read both tiers directly. */
  static final class Clocked implements AutoCloseable {
    final AtomicLong clock = new AtomicLong(T0);
    final Map<String, Tier> tiers = new LinkedHashMap<>();
    final MetaCache cache;
    final Fingerprinter fingerprinter;
    final Path files;

    Clocked(long memoryEntries, Duration sweepInterval) throws IOException {
      Path dir = root.resolve("cache-" + NAMES.incrementAndGet());
      files = Files.createDirectories(dir.resolve("files"));
      CacheConfig config = CacheConfig.builder()
          .cacheDirectory(dir)
          .memoryMaxEntries(memoryEntries)
          .memoryMaxBytes(16L << 20)
          .memoryPolicy(PolicyKind.LRU)
          .timestampGranularity(Duration.ZERO) // the test's files never change
          .ttl(Duration.ZERO)
          .expirySweepInterval(sweepInterval)
          .build();
      fingerprinter = new Fingerprinter(config.fullHashThreshold(), config.sampleChunkSize());
      Map<String, String> properties = new HashMap<>();
      properties.put("metacache.disk.fsync", "none");
      properties.put(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, "0s");
      MetaCache.Builder builder = MetaCache.builder().config(config).properties(properties::get)
          .clock(clock::get).memoryOnly();
      for (TierProvider provider : List.of(new DiskTierProvider(), new SqliteTierProvider())) {
        Path tierDir = Files.createDirectories(dir.resolve(provider.name()));
        Tier tier = provider.open(new TierContext(config, tierDir, clock::get, properties::get));
        tiers.put(tier.name(), tier);
        builder.tier(tier);
      }
      cache = builder.build();
    }

    Path newFile() throws IOException {
      int n = NAMES.incrementAndGet();
      return Files.writeString(files.resolve("f" + n + ".txt"), "file " + n);
    }

    CacheKey key(Path file, String profile) throws IOException {
      // the key of a put or of an extractor that declares nothing: per file, path in the key
    return CacheKey.of(fingerprinter.fingerprint(file), profile, KeyScope.FILE, file.toAbsolutePath().normalize());
    }

    @Override
    public void close() {
      cache.close();
    }
  }

  // ---------------------------------------------------------------- property 9

  /**
   * Property 9: an entry whose time to live has run out is never served, from any tier, and the
   * cache's expiry sweep removes it from the lower tiers too, while every entry still alive stays
   * in both. The sweep is either the cache's background sweeper (waited for) or
   * {@link MetaCache#removeExpired()} called at once. The memory tier holds two entries, so most
   * reads reach the lower tiers.
   */
  @Property(tries = 25)
  void property9_ttlExpiration_sweptFromEveryLowerTier(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 100) Integer> ttls,
      @ForAll @IntRange(min = 0, max = 120) int advance,
      @ForAll boolean readBeforeSweep,
      @ForAll boolean backgroundSweeper) throws Exception {
    Duration interval = backgroundSweeper ? Duration.ofMillis(10) : Duration.ofDays(1);
    try (Clocked c = new Clocked(2, interval)) {
      Map<Path, Long> expiresAt = new LinkedHashMap<>();
      Map<Path, CacheKey> keys = new HashMap<>();
      for (int ttl : ttls) {
        Path file = c.newFile();
        c.cache.put(file, PROFILE, Map.of("ttl", (long) ttl), Duration.ofMillis(ttl)); // 0: never expires
        expiresAt.put(file, ttl == 0 ? 0 : T0 + ttl);
        keys.put(file, c.key(file, PROFILE));
      }
      c.cache.flush();
      for (Tier tier : c.tiers.values()) {
        assertThat(tier.size()).as("%s holds every entry", tier.name()).isEqualTo(ttls.size());
      }

      c.clock.addAndGet(advance);
      long now = c.clock.get();
      Set<Path> alive = new HashSet<>();
      expiresAt.forEach((file, at) -> {
        if (at == 0 || at > now) {
          alive.add(file);
        }
      });
      if (readBeforeSweep) {
        for (Path file : expiresAt.keySet()) {
          assertThat(c.cache.get(file, PROFILE)).as("%s expiring at %s, now %s, before the sweep",
              file.getFileName(), expiresAt.get(file), now).isEqualTo(alive.contains(file)
                  ? java.util.Optional.of(Map.of("ttl", ttlOf(expiresAt.get(file)))) : java.util.Optional.empty());
        }
        c.cache.flush(); // promotions from SQLite to disk
      }

      if (backgroundSweeper) {
        awaitTrue(() -> c.tiers.values().stream().allMatch(t -> t.size() == alive.size()),
            () -> "the background sweeper left " + sizes(c) + ", expected " + alive.size() + " in each");
      } else {
        c.cache.removeExpired();
      }
      for (Tier tier : c.tiers.values()) {
        assertThat(tier.size()).as("%s after the sweep", tier.name()).isEqualTo(alive.size());
        for (Path file : expiresAt.keySet()) {
          CacheKey key = keys.get(file);
          assertThat(tier.get(key.high(), key.low()) != null)
              .as("%s holds %s (expires at %s, now %s)", tier.name(), file.getFileName(), expiresAt.get(file), now)
              .isEqualTo(alive.contains(file));
        }
      }
      for (Path file : expiresAt.keySet()) {
        assertThat(c.cache.get(file, PROFILE).isPresent()).as("%s after the sweep", file.getFileName())
            .isEqualTo(alive.contains(file));
      }
    }
  }

  private static long ttlOf(long expiresAt) {
    return expiresAt == 0 ? 0 : expiresAt - T0;
  }

  private static Map<String, Long> sizes(Clocked c) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    c.tiers.forEach((name, tier) -> sizes.put(name, tier.size()));
    return sizes;
  }

  private static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> failure)
      throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > HANG_GUARD_NANOS) {
        throw new AssertionError(failure.get());
      }
      Thread.sleep(5);
    }
  }

  // ---------------------------------------------------------------- property 10

  /** One cache operation on file {@code file} (of four) and profile {@code profile} (of two). */
  record Op(int kind, int file, int profile) {
    static final int PUT = 0;
    static final int GET = 1;
    static final int GET_OR_EXTRACT = 2;
    static final int INVALIDATE_KEY = 3;
    static final int INVALIDATE_FILE = 4;

    @Override
    public String toString() {
      String[] names = {"put", "get", "getOrExtract", "invalidateKey", "invalidateFile"};
      return names[kind] + "(f" + file + ", p" + profile + ")";
    }
  }

  @Provide
  Arbitrary<List<Op>> cacheOps() {
    Arbitrary<Integer> kinds = Arbitraries.frequency(
        Tuple.of(4, Op.PUT), Tuple.of(6, Op.GET), Tuple.of(3, Op.GET_OR_EXTRACT),
        Tuple.of(1, Op.INVALIDATE_KEY), Tuple.of(1, Op.INVALIDATE_FILE));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1))
        .as(Op::new).list().ofMinSize(1).ofMaxSize(60);
  }

  /**
   * The counters the cache should show, derived from the operations alone: the memory tier as an
   * access-ordered map of its capacity, the lower tiers as the set of keys put and not invalidated
   * (disk answers before SQLite and holds every such key once writes are flushed).
   */
  static final class StatsModel {
    final int capacity;
    final LinkedHashMap<List<Integer>, Boolean> memory = new LinkedHashMap<>(16, 0.75f, true);
    final Set<List<Integer>> lower = new HashSet<>();
    final Set<Integer> profilesSeen = new HashSet<>();
    long requests;
    long memoryHits;
    long diskHits;
    long sqliteHits;
    long misses;
    long puts;
    long evictions;
    long invalidations;

    StatsModel(int capacity) {
      this.capacity = capacity;
    }

    private void intoMemory(List<Integer> key) {
      memory.put(key, Boolean.TRUE);
      var eldest = memory.keySet().iterator();
      while (memory.size() > capacity) {
        List<Integer> victim = eldest.next();
        if (!victim.equals(key)) {
          eldest.remove();
          evictions++;
        }
      }
    }

    void put(List<Integer> key) {
      puts++;
      intoMemory(key);
      lower.add(key);
      profilesSeen.add(key.get(1));
    }

    /** A lookup: whether it hit. */
    boolean get(List<Integer> key) {
      requests++;
      if (memory.get(key) != null) {
        memoryHits++;
        return true;
      }
      if (lower.contains(key)) {
        diskHits++;
        intoMemory(key); // promoted
        return true;
      }
      misses++;
      return false;
    }

    void getOrExtract(List<Integer> key) {
      if (!get(key)) {
        put(key);
      }
    }

    void invalidateKey(List<Integer> key) {
      invalidations++;
      memory.remove(key);
      lower.remove(key);
    }

    void invalidateFile(int file) {
      invalidations += profilesSeen.size();
      for (int p = 0; p < 2; p++) {
        memory.remove(List.of(file, p));
        lower.remove(List.of(file, p));
      }
    }
  }

  /**
   * Property 10: after every operation of a random sequence (puts, reads, reads with an extractor,
   * invalidations of one key or of a whole file), every cache-level counter equals the model's:
   * requests counted by the model itself, hits by tier, misses, puts, memory evictions,
   * invalidations; expirations and corruptions stay zero, as nothing expires or is corrupted.
   * Writes are flushed after each operation, so which tier answers is determined.
   */
  @Property(tries = 25)
  void property10_statisticsAccuracy_cacheCountersMatchAModel(
      @ForAll("cacheOps") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 4) int memoryEntries) throws IOException {
    try (Clocked c = new Clocked(memoryEntries, Duration.ofDays(1))) {
      Path[] files = new Path[4];
      for (int i = 0; i < files.length; i++) {
        files[i] = c.newFile();
      }
      String[] profiles = {"basic", "full"};
      StatsModel model = new StatsModel(memoryEntries);
      for (Op op : ops) {
        Path file = files[op.file()];
        String profile = profiles[op.profile()];
        List<Integer> key = List.of(op.file(), op.profile());
        switch (op.kind()) {
          case Op.PUT -> {
            c.cache.put(file, profile, Map.of("v", (long) op.file()));
            model.put(key);
          }
          case Op.GET -> assertThat(c.cache.get(file, profile).isPresent()).as("%s hit", op).isEqualTo(model.get(key));
          case Op.GET_OR_EXTRACT -> {
            c.cache.get(file, profile, path -> Map.of("v", (long) op.file()));
            model.getOrExtract(key);
          }
          case Op.INVALIDATE_KEY -> {
            c.cache.invalidate(file, profile);
            model.invalidateKey(key);
          }
          default -> {
            c.cache.invalidate(file);
            model.invalidateFile(op.file());
          }
        }
        c.cache.flush();
        CacheStats s = c.cache.stats();
        String after = "after " + op + " in " + ops;
        assertThat(s.requests()).as("requests " + after).isEqualTo(model.requests);
        assertThat(s.hitsByTier()).as("hits by tier " + after)
            .isEqualTo(hitsByTier(model.memoryHits, model.diskHits, model.sqliteHits));
        assertThat(s.misses()).as("misses " + after).isEqualTo(model.misses);
        assertThat(s.puts()).as("puts " + after).isEqualTo(model.puts);
        assertThat(s.evictions()).as("evictions " + after).isEqualTo(model.evictions);
        assertThat(s.invalidations()).as("invalidations " + after).isEqualTo(model.invalidations);
        assertThat(s.expirations()).as("expirations " + after).isZero();
        assertThat(s.corruptions()).as("corruptions " + after).isZero();
      }
    }
  }

  private static Map<String, Long> hitsByTier(long memory, long disk, long sqlite) {
    Map<String, Long> hits = new LinkedHashMap<>();
    hits.put("memory", memory);
    hits.put("disk", disk);
    hits.put("sqlite", sqlite);
    return hits;
  }
}
