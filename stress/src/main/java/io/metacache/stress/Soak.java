package io.metacache.stress;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.codec.CacheEntry;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.FileChangedDuringHashException;
import io.metacache.key.Fingerprint;
import io.metacache.key.Fingerprinter;
import io.metacache.key.KeyScope;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import io.metacache.spi.TierProvider;
import io.metacache.testkit.RedisServerProcess;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindReport;
import io.metacache.writebehind.WriteBehindStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A fault-injecting soak of the whole cache (properties 4 and 5: thread safety and error recovery
 * under real concurrency and real faults).
 *
 * <h2>Workload</h2>
 * {@code threads} workers run for {@code seconds} against memory + Redis + disk + SQLite, on
 * {@code files} small files in a temporary directory chosen by a Zipf distribution (s = 1.1), on
 * two profiles: get-with-extractor (55%), get (15%), put (15%), invalidate (10%) and rewrite of
 * the file (5%). A file's content carries its generation; the extractor and every put record the
 * generation they saw, so any metadata read back tells which content it describes. A rewrite is
 * exclusive per file against puts and extractions (otherwise metadata of one content could
 * legitimately be stored under the key of the other: the extractor receives a path, not a
 * snapshot); plain gets race rewrites freely.
 *
 * <h2>Faults</h2>
 * An injector cycles through three faults, one at a time, each held for {@code faultSeconds}:
 * Redis killed with SIGKILL and restarted (empty: no persistence); the disk tier's directory moved
 * away and replaced by a regular file (root ignores permissions, not file types); an exclusive
 * SQLite lock ({@code BEGIN EXCLUSIVE}) held on another connection to the tier's database. After
 * each fault it measures how long the cache takes to report the tier UP again.
 *
 * <h2>Ledger and verdict</h2>
 * Every acknowledged write and invalidation is recorded per (file, profile). At the end the cache
 * is flushed and closed, and each lower tier is opened on its own through its provider and read
 * under every file's current key. The soak passes when no exception other than the documented
 * {@link FileChangedDuringHashException} reached a caller; no read ever returned metadata older
 * than the content the file had when the read began; no tier holds an entry that was invalidated
 * or that differs from the last acknowledged write; every acknowledged write is present in every
 * tier, or excused by name with its reason; every fault was recovered from; and heap and off-heap
 * use stayed within their bounds.
 *
 * <h2>Excused writes</h2>
 * Each lower tier is handed to the cache behind a recorder that logs, per key, the last batch the
 * tier acknowledged (the value, and how many Redis kills had completed before and after the
 * call). A write missing from a tier at the end is excused only for one of these reasons, each
 * excused write named in the ledger ({@link Report#excused()}) and counted in the summary:
 * <ul>
 *   <li>{@code lost-with-redis}: Redis acknowledged exactly that write, and a kill completed after
 *       the acknowledgement, before the end. Redis runs without persistence, so a write that was
 *       only in the killed process's memory is gone; a write still pending at the kill must arrive
 *       after the restart and is not excused.
 *   <li>{@code redis-kill-during-apply}: Redis acknowledged that write in a call during which a
 *       kill completed, so it landed in the killed process or in its successor; counted apart.
 *   <li>{@code never-applied}: the tier never acknowledged that write, and the pipeline reported
 *       writes it did not deliver to that tier (dropped by the backlog bound, failed or left
 *       unwritten at close, dropped at the ring). Each such excuse uses up one of those reported
 *       writes; once they are used up, a further never-applied write is a violation.
 * </ul>
 * A write the tier acknowledged and that is missing for none of these reasons is a violation.
 *
 * <h2>Multi-process mode</h2>
 * {@code Soak multi-process [seconds] [workers] [jvm.options]} runs {@link MultiProcessRun} instead:
 * {@code workers} JVMs on one cache directory (shared memory tier, disk, SQLite), one SIGKILLed at
 * a random point and replaced again and again, every read checked against the ledgers
 * ({@link Ledger}); {@code MultiProcessSoakTest} runs it in short form.
 *
 * <p>Run: {@code java @jvm.options -cp <classpath> io.metacache.stress.Soak [seconds] [threads]
 * [summary-file]}; {@code SoakTest} runs it in short form.
 */
public final class Soak {

  static final String[] PROFILES = {"basic", "full"};
  static final List<String> TIERS = List.of("redis", "disk", "sqlite");
  static final long MEMORY_MAX_BYTES = 32L << 20;
  static final long HEAP_BOUND_BYTES = 1L << 30;
  static final long RECOVERY_LIMIT_MILLIS = 60_000;

  /** How long and how hard to run. */
  public record Settings(Duration duration, int threads, int files, Duration faultHold, Path summaryFile) {
    public static Settings of(long seconds, Path summaryFile) {
      return new Settings(Duration.ofSeconds(seconds), 4, 200,
          Duration.ofSeconds(seconds >= 600 ? 10 : 3), summaryFile);
    }
  }

  /**
   * The outcome: the summary text, whether every check held, and the ledger of excused writes (one
   * line per write missing from a tier: the tier, the file and profile, the write, the reason).
   */
  public record Report(boolean passed, String summary, List<String> violations, List<String> excused) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("multi-process")) {
      MultiProcessRun.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 120;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path out = args.length > 2 ? Path.of(args[2]) : Path.of("soak-summary.txt");
    Settings s = Settings.of(seconds, out);
    Report report = run(new Settings(s.duration(), threads, s.files(), s.faultHold(), out));
    System.out.println(report.summary());
    System.exit(report.passed() ? 0 : 1);
  }

  /** Runs one soak in a fresh temporary directory (deleted afterwards) and its own Redis. */
  public static Report run(Settings settings) throws Exception {
    Path root = Files.createTempDirectory("metacache-soak-");
    try (RedisServerProcess redis = RedisServerProcess.launch()) {
      return new Soak(settings, root, redis).execute();
    } finally {
      deleteTree(root);
    }
  }

  // ---------------------------------------------------------------- state

  private final Settings settings;
  private final Path filesDir;
  private final Path cacheDir;
  private final RedisServerProcess redis;
  private final Function<String, String> properties;
  private final CacheConfig config;
  private final Path[] files;
  private final AtomicInteger[] generations;
  private final ReentrantReadWriteLock[] fileLocks;
  /** Per (file, profile): the last acknowledged write ("gen:N/by:X") or invalidation ("invalidated@N"). */
  private final ConcurrentHashMap<String, String> ledger = new ConcurrentHashMap<>();
  private static final String INVALIDATED = "invalidated@";
  private final LongAdder lostWriteExtractions = new LongAdder();
  private final Object[] ledgerLocks;
  /** Redis kills completed so far (incremented once the killed process is gone). */
  private final AtomicLong redisKills = new AtomicLong();
  /** Per lower tier: the last operation it acknowledged, by key. */
  private final Map<String, ConcurrentHashMap<Key, Applied>> appliedByTier = new ConcurrentHashMap<>();
  /** Writes missing from a tier at the end and why that is allowed: the ledger of excuses. */
  private final List<String> excused = new CopyOnWriteArrayList<>();

  private final LongAdder ops = new LongAdder();
  private final Map<String, LongAdder> opCounts = new ConcurrentHashMap<>();
  private final LongAdder changedDuringHash = new LongAdder();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> faultLog = new CopyOnWriteArrayList<>();
  private final AtomicLong maxHeap = new AtomicLong();
  private final AtomicLong maxOffHeap = new AtomicLong();
  private final AtomicLong maxDirect = new AtomicLong();
  private volatile boolean stop;

  private Soak(Settings settings, Path root, RedisServerProcess redis) throws IOException {
    this.settings = settings;
    this.redis = redis;
    this.filesDir = Files.createDirectories(root.resolve("files"));
    this.cacheDir = root.resolve("cache");
    Map<String, String> props = Map.of(
        "metacache.redis.uri", redis.uri(),
        "metacache.redis.timeout", "250ms",
        "metacache.sqlite.busy-timeout", "100ms",
        "metacache.writebehind.retry.backoff-base", "20ms",
        "metacache.writebehind.retry.backoff-max", "200ms",
        "metacache.writebehind.breaker.wait", "500ms",
        "metacache.writebehind.close-timeout", "60s",
        // Crash safety of the disk tier is the crash test's business; an fsync per entry file
        // would make the disk lane the soak's bottleneck and the final flush minutes long.
        "metacache.disk.fsync", "none");
    this.properties = props::get;
    this.config = CacheConfig.builder()
        .cacheDirectory(cacheDir)
        .memoryMaxEntries(150) // fewer than the keys: evictions, and reads that reach lower tiers
        .memoryMaxBytes(MEMORY_MAX_BYTES)
        .ttl(Duration.ofHours(1))
        .build();
    this.files = new Path[settings.files()];
    this.generations = new AtomicInteger[settings.files()];
    this.fileLocks = new ReentrantReadWriteLock[settings.files()];
    this.ledgerLocks = new Object[settings.files() * PROFILES.length];
    for (int i = 0; i < files.length; i++) {
      files[i] = filesDir.resolve("file-" + i + ".txt");
      generations[i] = new AtomicInteger();
      fileLocks[i] = new ReentrantReadWriteLock();
      writeContent(i, 0);
    }
    for (int i = 0; i < ledgerLocks.length; i++) {
      ledgerLocks[i] = new Object();
    }
  }

  private Report execute() throws Exception {
    long start = System.nanoTime();
    long deadline = start + settings.duration().toNanos();
    WriteBehindStats finalWriteStats;
    Map<String, Long> entriesByTier;
    List<TierHealth> healthBefore;
    MetaCache.Builder builder = MetaCache.builder().config(config).properties(properties).memoryOnly();
    Map<String, TierProvider> providers = providers();
    for (String name : TIERS) {
      Path dir = Files.createDirectories(cacheDir.resolve(name));
      builder.tier(recorded(openPatiently(providers.get(name), new TierContext(config, dir, System::currentTimeMillis, properties))));
    }
    MetaCache built = builder.build();
    try (MetaCache cache = built) {
      healthBefore = cache.health();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < settings.threads(); t++) {
        long seed = 0x5EED_0000L + t;
        Thread worker = new Thread(() -> work(cache, seed, deadline), "soak-worker-" + t);
        workers.add(worker);
        worker.start();
      }
      Thread injector = new Thread(() -> injectFaults(cache, deadline), "soak-faults");
      injector.start();
      Thread sampler = new Thread(() -> sample(cache), "soak-sampler");
      sampler.setDaemon(true);
      sampler.start();
      for (Thread worker : workers) {
        worker.join();
      }
      injector.join();
      stop = true;
      redis.start();
      cache.flush();
      finalWriteStats = cache.writeBehindStats().orElseThrow();
      entriesByTier = cache.entriesByTier();
      sampleOnce(cache);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    WriteBehindReport closeReport = built.closeReport().orElseThrow();
    Map<String, TierAgreement> agreement = verifyTiers(closeReport);
    checkBounds();
    return report(seconds, healthBefore, finalWriteStats, entriesByTier, agreement);
  }

  // ---------------------------------------------------------------- workload

  private void work(MetaCache cache, long seed, long deadline) {
    SplittableRandom random = new SplittableRandom(seed);
    Zipf zipf = new Zipf(files.length, 1.1);
    while (System.nanoTime() < deadline) {
      int f = zipf.next(random);
      String profile = PROFILES[random.nextInt(PROFILES.length)];
      int dice = random.nextInt(100);
      String op = dice < 55 ? "get-extract" : dice < 70 ? "get" : dice < 85 ? "put" : dice < 95 ? "invalidate" : "rewrite";
      try {
        switch (op) {
          case "get-extract" -> getOrExtract(cache, f, profile);
          case "get" -> get(cache, f, profile);
          case "put" -> put(cache, f, profile, random.nextInt(1_000_000));
          case "invalidate" -> invalidate(cache, f, profile);
          default -> rewrite(f);
        }
      } catch (FileChangedDuringHashException e) {
        changedDuringHash.increment();
      } catch (Throwable e) {
        violation("exception reached the caller of " + op + " on file " + f + ": " + e);
      }
      ops.increment();
      opCounts.computeIfAbsent(op, k -> new LongAdder()).increment();
    }
  }

  private void getOrExtract(MetaCache cache, int f, String profile) throws IOException {
    ReentrantReadWriteLock.ReadLock lock = fileLocks[f].readLock();
    lock.lock();
    try {
      int gen = generations[f].get();
      synchronized (ledgerLock(f, profile)) {
        Map<String, Object> metadata = cache.get(files[f], profile, path -> extract(path));
        String text = (String) metadata.get("text");
        if (generationOf(text) != gen) {
          violation("get-with-extractor on file " + f + " generation " + gen + " returned " + text);
        }
        String last = ledger.get(ledgerKey(f, profile));
        if (last != null && !last.startsWith(INVALIDATED) && generationOf(last) == gen && !last.equals(text)) {
          // the last acknowledged write for this very content was not found: it was lost
          lostWriteExtractions.increment();
          violation("get-with-extractor on file " + f + " returned " + text + ", last write was " + last);
        }
        ledger.put(ledgerKey(f, profile), text);
      }
    } finally {
      lock.unlock();
    }
  }

  private void get(MetaCache cache, int f, String profile) throws IOException {
    int genBefore = generations[f].get();
    Map<String, Object> metadata = cache.get(files[f], profile).orElse(null);
    if (metadata != null && generationOf((String) metadata.get("text")) < genBefore) {
      violation("get on file " + f + " returned " + metadata.get("text")
          + " although the file was at generation " + genBefore + " before the read");
    }
  }

  private void put(MetaCache cache, int f, String profile, int nonce) throws IOException {
    ReentrantReadWriteLock.ReadLock lock = fileLocks[f].readLock();
    lock.lock();
    try {
      String text = "gen:" + generations[f].get() + "/by:put-" + nonce;
      synchronized (ledgerLock(f, profile)) {
        cache.put(files[f], profile, Map.of("text", text));
        ledger.put(ledgerKey(f, profile), text);
      }
    } finally {
      lock.unlock();
    }
  }

  private void invalidate(MetaCache cache, int f, String profile) throws IOException {
    ReentrantReadWriteLock.ReadLock lock = fileLocks[f].readLock();
    lock.lock();
    try {
      synchronized (ledgerLock(f, profile)) {
        cache.invalidate(files[f], profile);
        ledger.put(ledgerKey(f, profile), INVALIDATED + generations[f].get());
      }
    } finally {
      lock.unlock();
    }
  }

  private void rewrite(int f) throws IOException {
    ReentrantReadWriteLock.WriteLock lock = fileLocks[f].writeLock();
    lock.lock();
    try {
      // The generation moves only once the new content is in place: a reader that sees it can
      // only find the new content (or a later one) in the file.
      int next = generations[f].get() + 1;
      writeContent(f, next);
      generations[f].set(next);
    } finally {
      lock.unlock();
    }
  }

  private Map<String, Object> extract(Path path) throws IOException {
    String content = Files.readString(path, StandardCharsets.US_ASCII);
    int gen = Integer.parseInt(content.substring(content.indexOf("gen=") + 4, content.indexOf('\n')));
    return Map.of("text", "gen:" + gen + "/by:extractor", "length", (long) content.length());
  }

  private void writeContent(int f, int gen) throws IOException {
    StringBuilder s = new StringBuilder("file=" + f + " gen=" + gen + "\n");
    for (int i = 0; i < 8 + (f % 16); i++) {
      s.append("line ").append(i).append(" of file ").append(f).append('\n');
    }
    Files.writeString(files[f], s.toString(), StandardCharsets.US_ASCII);
  }

  /** The content generation a ledger value or a metadata text describes. */
  private static int generationOf(String text) {
    if (text.startsWith(INVALIDATED)) {
      return Integer.parseInt(text.substring(INVALIDATED.length()));
    }
    return Integer.parseInt(text.substring(4, text.indexOf('/')));
  }

  private Object ledgerLock(int f, String profile) {
    return ledgerLocks[f * PROFILES.length + (profile.equals(PROFILES[0]) ? 0 : 1)];
  }

  private static String ledgerKey(int f, String profile) {
    return f + "/" + profile;
  }

  private void violation(String message) {
    if (violations.size() < 200) {
      violations.add(message);
    }
  }

  // ---------------------------------------------------------------- faults

  private void injectFaults(MetaCache cache, long deadline) {
    long hold = settings.faultHold().toMillis();
    int round = 0;
    try {
      sleepMillis(Math.min(2000, hold));
      while (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * hold) < deadline) {
        switch (round++ % 3) {
          case 0 -> {
            redis.stop();
            redisKills.incrementAndGet(); // the process is gone: nothing more lands in it
            sleepMillis(hold);
            redis.start();
            awaitRecovery(cache, "redis", "killed with SIGKILL, restarted after " + hold + " ms");
          }
          case 1 -> {
            Path dir = cacheDir.resolve("disk");
            Path away = cacheDir.resolve("disk.away");
            Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(dir, "not a directory");
            sleepMillis(hold);
            Files.delete(dir);
            Files.move(away, dir, StandardCopyOption.ATOMIC_MOVE);
            awaitRecovery(cache, "disk", "directory replaced by a regular file for " + hold + " ms");
          }
          default -> {
            Path db = cacheDir.resolve("sqlite").resolve("metacache.db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
              st.execute("PRAGMA busy_timeout = 5000");
              st.execute("BEGIN EXCLUSIVE");
              sleepMillis(hold);
              st.execute("ROLLBACK");
            }
            awaitRecovery(cache, "sqlite", "BEGIN EXCLUSIVE held for " + hold + " ms");
          }
        }
        sleepMillis(Math.min(2000, hold));
      }
    } catch (Exception e) {
      violation("fault injector failed: " + e);
    }
  }

  /**
   * Waits until the tier has recovered: not DOWN, its circuit closed, and no error for half a
   * second. (A tier slower than the offered load, like the fsyncing disk tier here, keeps a
   * backlog and so reports DEGRADED while healthy; UP alone would never come.)
   */
  private void awaitRecovery(MetaCache cache, String tier, String fault) {
    long start = System.nanoTime();
    long limit = start + TimeUnit.MILLISECONDS.toNanos(RECOVERY_LIMIT_MILLIS);
    while (System.nanoTime() < limit) {
      for (TierHealth h : cache.health()) {
        if (h.tier().equals(tier) && h.status() != TierHealth.Status.DOWN && h.circuit().equals("CLOSED")
            && System.currentTimeMillis() - h.lastErrorAtMillis() > 500) {
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          faultLog.add(String.format(Locale.ROOT, "%-7s %-55s recovered after %5d ms", tier, fault, millis));
          return;
        }
      }
      sleepMillis(20);
    }
    faultLog.add(String.format(Locale.ROOT, "%-7s %-55s NOT recovered after %d ms", tier, fault, RECOVERY_LIMIT_MILLIS));
    violation(tier + " did not recover within " + RECOVERY_LIMIT_MILLIS + " ms after: " + fault);
  }

  // ---------------------------------------------------------------- bounds

  private void sample(MetaCache cache) {
    while (!stop) {
      try {
        sampleOnce(cache);
      } catch (RuntimeException ignored) {
        // closed meanwhile
      }
      sleepMillis(250);
    }
  }

  private void sampleOnce(MetaCache cache) {
    Runtime rt = Runtime.getRuntime();
    maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
    maxOffHeap.accumulateAndGet(cache.memoryStats().offHeapBytesUsed(), Math::max);
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      direct += pool.getMemoryUsed();
    }
    maxDirect.accumulateAndGet(direct, Math::max);
  }

  private void checkBounds() {
    if (maxOffHeap.get() > MEMORY_MAX_BYTES) {
      violation("memory tier used " + maxOffHeap.get() + " off-heap bytes, bound " + MEMORY_MAX_BYTES);
    }
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heapAfterGc = rt.totalMemory() - rt.freeMemory();
    if (heapAfterGc > HEAP_BOUND_BYTES / 4) {
      violation("heap after the run and a GC: " + heapAfterGc + " bytes (bound " + HEAP_BOUND_BYTES / 4 + ")");
    }
    if (maxDirect.get() > 256L << 20) {
      violation("direct buffers reached " + maxDirect.get() + " bytes");
    }
  }

  // ---------------------------------------------------------------- verification

  /** Agreement of one tier with the ledger, per (file, profile). */
  static final class TierAgreement {
    int current;
    int missing;
    int lostWithRedis;
    int redisKillDuringApply;
    int neverApplied;
    /** Writes the pipeline reported it did not deliver to this tier: what never-applied excuses use up. */
    long undelivered;
    int wrong;
    int corrupt;
    int invalidatedAbsent;
    int invalidatedPresent;

    int excused() {
      return lostWithRedis + redisKillDuringApply + neverApplied;
    }
  }

  /** A key of a lower tier. */
  record Key(long high, long low) {}

  /**
   * The last operation a tier acknowledged for a key: the metadata text it put ({@code null} for a
   * delete), and the Redis kills completed before the call and after it returned.
   */
  record Applied(String text, long killsBefore, long killsAfter) {}

  private static Map<String, TierProvider> providers() {
    Map<String, TierProvider> providers = new LinkedHashMap<>();
    for (TierProvider p : ServiceLoader.load(TierProvider.class)) {
      providers.putIfAbsent(p.name(), p);
    }
    return providers;
  }

  /**
   * The tier behind a recorder of what it acknowledged ({@link #appliedByTier}). A proxy over every
   * interface the tier implements, so that the cache sees the same capabilities (invalidation
   * broadcasts, described entries, enumeration) as on the bare tier; only {@code apply} is observed.
   */
  private Tier recorded(Tier tier) {
    ConcurrentHashMap<Key, Applied> log = new ConcurrentHashMap<>();
    appliedByTier.put(tier.name(), log);
    EntryCodec codec = new EntryCodec();
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> c = tier.getClass(); c != null; c = c.getSuperclass()) {
      collectPublicInterfaces(c, interfaces);
    }
    InvocationHandler handler = (proxy, method, args) -> {
      boolean apply = method.getName().equals("apply") && method.getParameterCount() == 1
          && method.getParameterTypes()[0] == List.class;
      long before = redisKills.get();
      Object result;
      try {
        result = method.invoke(tier, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (apply) {
        long after = redisKills.get();
        @SuppressWarnings("unchecked")
        List<TierOperation> batch = (List<TierOperation>) args[0];
        for (TierOperation op : batch) {
          String text = null;
          if (op.kind() == TierOperation.Kind.PUT) {
            try {
              text = String.valueOf(codec.decode(op.value()).metadata().get("text"));
            } catch (CorruptEntryException e) {
              text = "corrupt: " + e.getMessage();
            }
          }
          log.put(new Key(op.keyHigh(), op.keyLow()), new Applied(text, before, after));
        }
      }
      return result;
    };
    return (Tier) Proxy.newProxyInstance(tier.getClass().getClassLoader(), interfaces.toArray(new Class<?>[0]), handler);
  }

  /**
   * Opens a tier, trying again for up to a minute: the first connection of a JVM to Redis may take
   * longer than the soak's short command timeout on a loaded machine, which says nothing about the
   * faults under test.
   */
  private static Tier openPatiently(TierProvider provider, TierContext context) {
    long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return provider.open(context);
      } catch (TierException e) {
        if (System.nanoTime() - guard > 0) {
          throw e;
        }
        sleepMillis(100);
      }
    }
  }

  private static void collectPublicInterfaces(Class<?> c, Set<Class<?>> into) {
    for (Class<?> i : c.getInterfaces()) {
      if (Modifier.isPublic(i.getModifiers())) {
        into.add(i);
      }
      collectPublicInterfaces(i, into);
    }
  }

  private Map<String, TierAgreement> verifyTiers(WriteBehindReport closeReport) {
    Map<String, TierProvider> providers = providers();
    Fingerprinter fingerprinter = new Fingerprinter();
    EntryCodec codec = new EntryCodec();
    long kills = redisKills.get();
    Map<String, TierAgreement> result = new LinkedHashMap<>();
    for (String name : TIERS) {
      TierAgreement a = new TierAgreement();
      result.put(name, a);
      WriteBehindReport.TierReport tr = closeReport.tier(name);
      a.undelivered = tr.dropped() + tr.failed() + tr.notWritten() + closeReport.ringDrops();
      long undeliveredLeft = a.undelivered;
      Map<Key, Applied> applied = appliedByTier.getOrDefault(name, new ConcurrentHashMap<>());
      Path dir = cacheDir.resolve(name);
      try (Tier tier = providers.get(name).open(new TierContext(config, dir, System::currentTimeMillis, properties))) {
        for (int f = 0; f < files.length; f++) {
          Fingerprint fp;
          try {
            fp = fingerprinter.fingerprint(files[f]);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          for (String profile : PROFILES) {
            CacheKey key = CacheKey.of(fp, profile, KeyScope.FILE, files[f].toAbsolutePath().normalize());
            byte[] bytes = tier.get(key.high(), key.low());
            String last = ledger.get(ledgerKey(f, profile));
            CacheEntry entry = null;
            if (bytes != null) {
              try {
                entry = codec.decode(bytes);
              } catch (CorruptEntryException e) {
                a.corrupt++;
                violation(name + ": corrupt entry for file " + f + "/" + profile + ": " + e.getMessage());
                continue;
              }
            }
            String text = entry == null ? null : (String) entry.metadata().get("text");
            if (text != null && generationOf(text) != generations[f].get()) {
              a.wrong++;
              violation(name + ": stale entry for rewritten file " + f + "/" + profile + ": " + text);
            } else if (last == null || generationOf(last) != generations[f].get()) {
              // nothing acknowledged for the current content; any entry must describe it (checked above)
              if (text != null) {
                a.current++;
              }
            } else if (last.startsWith(INVALIDATED)) {
              if (text == null) {
                a.invalidatedAbsent++;
              } else {
                a.invalidatedPresent++;
                violation(name + ": invalidated entry present for file " + f + "/" + profile + ": " + text);
              }
            } else if (text == null) {
              a.missing++;
              String what = name + " " + f + "/" + profile + " " + last;
              Applied got = applied.get(new Key(key.high(), key.low()));
              boolean acknowledged = got != null && last.equals(got.text());
              if (acknowledged && name.equals("redis") && got.killsAfter() < kills) {
                a.lostWithRedis++;
                excused.add(what + ": lost-with-redis (acknowledged before kill " + (got.killsAfter() + 1)
                    + " of " + kills + ")");
              } else if (acknowledged && name.equals("redis") && got.killsBefore() < kills) {
                a.redisKillDuringApply++;
                excused.add(what + ": redis-kill-during-apply (kill " + kills + " completed during the call)");
              } else if (acknowledged) {
                violation(name + ": acknowledged by the tier, then missing, for file " + f + "/" + profile + ": " + last
                    + " (" + got + ", redis kills " + kills + ")");
              } else if (undeliveredLeft > 0) {
                undeliveredLeft--;
                a.neverApplied++;
                excused.add(what + ": never-applied (one of the " + a.undelivered
                    + " writes the pipeline reported undelivered to " + name + ")");
              } else {
                violation(name + ": write never applied and not among the " + a.undelivered
                    + " the pipeline reported undelivered, for file " + f + "/" + profile + ": " + last
                    + " (last acknowledged there: " + got + ")");
              }
            } else if (text.equals(last)) {
              a.current++;
            } else {
              a.wrong++;
              violation(name + ": file " + f + "/" + profile + " holds " + text + ", last write was " + last);
            }
          }
        }
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- summary

  private Report report(double seconds, List<TierHealth> healthBefore, WriteBehindStats ws,
      Map<String, Long> entriesByTier, Map<String, TierAgreement> agreement) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append("metacache soak\n");
    s.append(String.format(Locale.ROOT, "duration %.1f s, %d threads, %d files x %d profiles, tiers memory+redis+disk+sqlite%n",
        seconds, settings.threads(), files.length, PROFILES.length));
    s.append(String.format(Locale.ROOT, "operations %d (%.0f/s):", ops.sum(), ops.sum() / seconds));
    opCounts.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> s.append(' ').append(e.getKey()).append('=').append(e.getValue().sum()));
    s.append('\n');
    s.append("acknowledged writes lost to a later get-with-extractor: ").append(lostWriteExtractions.sum()).append('\n');
    s.append("reads that met a rewrite mid-hash (FileChangedDuringHashException, documented): ")
        .append(changedDuringHash.sum()).append('\n');
    s.append("health at start: ");
    healthBefore.forEach(h -> s.append(h.tier()).append('=').append(h.status()).append(' '));
    s.append('\n');
    s.append("faults injected: ").append(faultLog.size()).append('\n');
    faultLog.forEach(line -> s.append("  ").append(line).append('\n'));
    s.append("write-behind at the end: depth ").append(ws.depth()).append(", ring drops ").append(ws.ringDrops())
        .append(", write-throughs ").append(ws.writeThroughs()).append('\n');
    for (TierWriteStats t : ws.tiers()) {
      s.append(String.format(Locale.ROOT, "  %-7s applied %d in %d batches, retries %d, failures %d, drops %d, parked %d, backlog %d%n",
          t.tier(), t.opsApplied(), t.batchesApplied(), t.retries(), t.failures(), t.drops(), t.parked(), t.backlog()));
    }
    s.append("entries by tier at the end: ").append(entriesByTier).append('\n');
    s.append("agreement with the ledger (per file and profile, under the file's current key):\n");
    agreement.forEach((tier, a) -> s.append(String.format(Locale.ROOT,
        "  %-7s current %d, missing %d, invalidated-and-absent %d, invalidated-but-present %d, wrong %d, corrupt %d%n",
        tier, a.current, a.missing, a.invalidatedAbsent, a.invalidatedPresent, a.wrong, a.corrupt)));
    s.append("excused missing writes (each named in the ledger of excuses), by tier and reason; redis kills: ")
        .append(redisKills.get()).append('\n');
    agreement.forEach((tier, a) -> s.append(String.format(Locale.ROOT,
        "  %-7s excused %d of %d missing: lost-with-redis %d, redis-kill-during-apply %d, never-applied %d"
            + " (of %d reported undelivered)%n",
        tier, a.excused(), a.missing, a.lostWithRedis, a.redisKillDuringApply, a.neverApplied, a.undelivered)));
    s.append(String.format(Locale.ROOT, "bounds: max heap used %d MiB, max memory-tier off-heap %d MiB (bound %d MiB), max direct buffers %d MiB%n",
        maxHeap.get() >> 20, maxOffHeap.get() >> 20, MEMORY_MAX_BYTES >> 20, maxDirect.get() >> 20));
    s.append("violations: ").append(violations.size()).append('\n');
    violations.stream().limit(30).forEach(v -> s.append("  ").append(v).append('\n'));
    s.append(violations.isEmpty() ? "PASSED\n" : "FAILED\n");
    if (settings.summaryFile() != null) {
      Path parent = settings.summaryFile().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(settings.summaryFile(), s.toString());
      Path ledgerFile = settings.summaryFile().resolveSibling(settings.summaryFile().getFileName() + ".excused");
      Files.write(ledgerFile, excused);
      s.append("ledger of excused writes: ").append(ledgerFile).append('\n');
    }
    return new Report(violations.isEmpty(), s.toString(), List.copyOf(violations), List.copyOf(excused));
  }

  // ---------------------------------------------------------------- helpers

  /** Zipf-distributed ranks 0..n-1 by inverse transform over the cumulative weights. */
  static final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double s) {
      cumulative = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cumulative[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cumulative[i] /= sum;
      }
    }

    int next(SplittableRandom random) {
      double u = random.nextDouble();
      int i = java.util.Arrays.binarySearch(cumulative, u);
      return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }
}
