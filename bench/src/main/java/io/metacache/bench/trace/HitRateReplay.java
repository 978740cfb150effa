package io.metacache.bench.trace;

import io.metacache.policy.PolicyKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Replays every trace of {@code shared/traces} through {@code lru}, {@code lfu} and {@code
 * wtinylfu} beside a reference LRU ({@link java.util.LinkedHashMap}) and Caffeine, at two sizes
 * per trace, and writes {@code results/hitrate.md} and {@code results/hitrate.json}.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.trace.HitRateReplay
 * </pre>
 *
 * <p>Every trace is replayed in full. {@code --quick} replays the first {@value #QUICK_PREFIX}
 * accesses of each trace at its first size and prints the table without writing results (a CI
 * smoke). System properties: {@code metacache.traces.dir} (default {@code ../shared/traces}),
 * {@code metacache.results.dir} (default {@code results}), {@code metacache.replay.threads}
 * (default: available processors), {@code metacache.replay.only} (traces whose name contains it)
 * and {@code metacache.replay.contenders} (comma-separated labels); a filtered run prints its
 * table without writing results.
 */
public final class HitRateReplay {

  static final int QUICK_PREFIX = 20_000;

  /** The caches compared, in table order. */
  enum Contender {
    LRU("lru", size -> new PolicyReplayCache(PolicyKind.LRU, size)),
    REF_LRU("ref-lru", ReferenceLruReplayCache::new),
    LFU("lfu", size -> new PolicyReplayCache(PolicyKind.LFU, size)),
    WTINYLFU("wtinylfu", size -> new PolicyReplayCache(PolicyKind.WTINYLFU, size)),
    CAFFEINE("caffeine", CaffeineReplayCache::new),
    PRIVATE_LRU(PolicyKind.LRU, MemoryTierReplayCache.Mode.PRIVATE),
    SHARED_LRU(PolicyKind.LRU, MemoryTierReplayCache.Mode.SHARED),
    FORWARDED_LRU(PolicyKind.LRU, MemoryTierReplayCache.Mode.FORWARDED),
    WORKER_LRU(PolicyKind.LRU, MemoryTierReplayCache.Mode.WORKER),
    PRIVATE_LFU(PolicyKind.LFU, MemoryTierReplayCache.Mode.PRIVATE),
    SHARED_LFU(PolicyKind.LFU, MemoryTierReplayCache.Mode.SHARED),
    FORWARDED_LFU(PolicyKind.LFU, MemoryTierReplayCache.Mode.FORWARDED),
    WORKER_LFU(PolicyKind.LFU, MemoryTierReplayCache.Mode.WORKER),
    PRIVATE_WTINYLFU(PolicyKind.WTINYLFU, MemoryTierReplayCache.Mode.PRIVATE),
    SHARED_WTINYLFU(PolicyKind.WTINYLFU, MemoryTierReplayCache.Mode.SHARED),
    FORWARDED_WTINYLFU(PolicyKind.WTINYLFU, MemoryTierReplayCache.Mode.FORWARDED),
    WORKER_WTINYLFU(PolicyKind.WTINYLFU, MemoryTierReplayCache.Mode.WORKER);

    /** The policies whose memory tier runs beside them, in table order. */
    static final List<Contender> POLICIES = List.of(LRU, LFU, WTINYLFU);

    final String label;
    final IntFunction<ReplayCache> factory;

    Contender(String label, IntFunction<ReplayCache> factory) {
      this.label = label;
      this.factory = factory;
    }

    /** A whole memory tier running {@code policy}, reached as {@code mode} says. */
    Contender(PolicyKind policy, MemoryTierReplayCache.Mode mode) {
      this(mode.label + "-" + policy.name().toLowerCase(Locale.ROOT),
          size -> new MemoryTierReplayCache(policy, size, mode));
    }

    /** The memory-tier contender of this policy in {@code mode}. */
    Contender tier(MemoryTierReplayCache.Mode mode) {
      return valueOf(mode.name() + "_" + name());
    }
  }

  /** Hit rates (percent) of every contender for one trace at one size. */
  record Row(String trace, int size, long accesses, int distinct, double[] hitRates) {
    double rate(Contender c) {
      return hitRates[c.ordinal()];
    }

    /** wtinylfu minus the better of Caffeine and exact LRU, in points. */
    double margin() {
      return rate(Contender.WTINYLFU)
          - Math.max(rate(Contender.CAFFEINE), rate(Contender.LRU));
    }

    /**
     * The largest distance, in points, of a memory tier in {@code mode} from the private tier of
     * the same policy (for {@code PRIVATE}: from the in-process policy itself, which sees the
     * trace's keys unmixed, so W-TinyLFU's sketch hashes them otherwise); NaN if those contenders
     * did not run.
     */
    double tierGap(MemoryTierReplayCache.Mode mode) {
      double gap = Double.NaN;
      for (Contender policy : Contender.POLICIES) {
        Contender base = mode == MemoryTierReplayCache.Mode.PRIVATE ? policy
            : policy.tier(MemoryTierReplayCache.Mode.PRIVATE);
        double d = Math.abs(rate(policy.tier(mode)) - rate(base));
        gap = Double.isNaN(gap) ? d : Math.max(gap, d);
      }
      return gap;
    }

    /**
     * The larger of the shared (owner) and forwarded-reads modes' {@link #tierGap}: the shared
     * mode's policy as such. The worker mode's gap, which adds the owner's delay in evicting for
     * another process's writes, is reported beside it.
     */
    double sharedGap() {
      return Math.max(tierGap(MemoryTierReplayCache.Mode.SHARED), tierGap(MemoryTierReplayCache.Mode.FORWARDED));
    }

    boolean stretchMet() {
      return margin() >= -0.5;
    }

    boolean issueGoalMet() {
      return rate(Contender.WTINYLFU) >= rate(Contender.CAFFEINE) - 1.0
          && Math.abs(rate(Contender.LRU) - rate(Contender.REF_LRU)) <= 0.1;
    }
  }

  private HitRateReplay() {}

  /** Entry point; {@code --quick} for the smoke subset. */
  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path traces = Paths.get(System.getProperty("metacache.traces.dir", "../shared/traces"));
    Path results = Paths.get(System.getProperty("metacache.results.dir", "results"));
    int threads = Integer.getInteger("metacache.replay.threads",
        Runtime.getRuntime().availableProcessors());
    String only = System.getProperty("metacache.replay.only", "");
    String contenders = System.getProperty("metacache.replay.contenders", "");

    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    List<Future<Row>> futures = new ArrayList<>();
    try {
      for (TraceSpec spec : TraceSpec.catalog()) {
        if (!only.isEmpty() && !spec.name().contains(only)) {
          continue;
        }
        long[] keys = read(traces, spec, quick ? QUICK_PREFIX : Integer.MAX_VALUE);
        int distinct = distinct(keys);
        int[] sizes = quick ? new int[] {spec.sizes()[0]} : spec.sizes();
        for (int size : sizes) {
          for (Contender c : Contender.values()) {
            if (!contenders.isEmpty() && !List.of(contenders.split(",")).contains(c.label)) {
              continue;
            }
            futures.add(pool.submit(() -> replayOne(spec, keys, distinct, size, c)));
          }
        }
      }
      List<Row> rows = merge(futures);
      double seconds = (System.nanoTime() - started) / 1e9;
      String table = markdown(rows, quick, seconds, threads);
      System.out.print(table);
      if (!quick && only.isEmpty() && contenders.isEmpty()) {
        Files.createDirectories(results);
        Files.writeString(results.resolve("hitrate.md"), table, StandardCharsets.UTF_8);
        Files.writeString(results.resolve("hitrate.json"), json(rows, seconds),
            StandardCharsets.UTF_8);
      }
      if (contenders.isEmpty() && rows.stream().anyMatch(r -> Math.abs(r.rate(Contender.LRU)
          - r.rate(Contender.REF_LRU)) > 0.1)) {
        System.err.println("lru differs from the reference LRU by more than 0.1 point");
        System.exit(2);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Row replayOne(TraceSpec spec, long[] keys, int distinct, int size, Contender c) {
    double[] rates = new double[Contender.values().length];
    rates[c.ordinal()] = replay(c.factory.apply(size), keys);
    return new Row(spec.name(), size, keys.length, distinct, rates);
  }

  /** Joins the one-contender rows of each (trace, size) into one row, in submission order. */
  private static List<Row> merge(List<Future<Row>> futures)
      throws InterruptedException, ExecutionException {
    List<Row> rows = new ArrayList<>();
    Row current = null;
    for (Future<Row> f : futures) {
      Row r = f.get();
      if (current == null || !current.trace().equals(r.trace()) || current.size() != r.size()) {
        current = new Row(r.trace(), r.size(), r.accesses(), r.distinct(),
            new double[Contender.values().length]);
        rows.add(current);
      }
      for (int i = 0; i < r.hitRates().length; i++) {
        current.hitRates()[i] += r.hitRates()[i];
      }
    }
    return rows;
  }

  /** The hit rate in percent of {@code cache} over the trace. */
  static double replay(ReplayCache cache, long[] keys) {
    long hits = 0;
    for (long key : keys) {
      if (cache.access(key)) {
        hits++;
      }
    }
    cache.finish();
    return keys.length == 0 ? 0 : 100.0 * hits / keys.length;
  }

  static long[] read(Path traces, TraceSpec spec, int limit) {
    Path file = traces.resolve(spec.file());
    LongList keys = new LongList();
    try {
      spec.format().read(file, keys, limit);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read trace " + file.toAbsolutePath(), e);
    }
    return keys.toArray();
  }

  private static int distinct(long[] keys) {
    Set<Long> seen = new HashSet<>(keys.length);
    for (long k : keys) {
      seen.add(k);
    }
    return seen.size();
  }

  private static String markdown(List<Row> rows, boolean quick, double seconds, int threads) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Hit rates by trace and size\n\n");
    sb.append(String.format(Locale.ROOT,
        "Generated by `io.metacache.bench.trace.HitRateReplay`%s on JDK %s, %d thread(s), "
            + "%.1f s. Hit rates in percent; %s.%n%n",
        quick ? " --quick" : "", System.getProperty("java.version"), threads, seconds,
        quick ? "quick: first " + QUICK_PREFIX + " accesses of each trace, first size only"
            : "every trace replayed in full, no sampling"));
    sb.append("Columns: `lru`, `lfu`, `wtinylfu` are `io.metacache.policy`; `ref-lru` is a "
        + "`LinkedHashMap` in access order; `caffeine` is Caffeine 3.3.1 with `maximumSize`. "
        + "`margin` = wtinylfu - max(caffeine, lru). Goal met: `yes` when margin >= -0.5 "
        + "(the mission's aim); `issue` when only the issue's goal holds (wtinylfu within 1 point "
        + "of Caffeine); `no` otherwise.\n\n");
    sb.append("| trace | accesses | distinct | size | lru | ref-lru | lfu | wtinylfu | caffeine "
        + "| margin | goal met? |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT,
          "| %s | %d | %d | %d | %.2f | %.2f | %.2f | **%.2f** | %.2f | %+.2f | %s |%n",
          r.trace(), r.accesses(), r.distinct(), r.size(), r.rate(Contender.LRU),
          r.rate(Contender.REF_LRU), r.rate(Contender.LFU), r.rate(Contender.WTINYLFU),
          r.rate(Contender.CAFFEINE), r.margin(),
          r.stretchMet() ? "yes" : r.issueGoalMet() ? "issue" : "no"));
    }
    sb.append("\n## The memory tier, private and shared\n\n");
    sb.append("Each policy run inside a whole memory tier (`MemoryTierReplayCache`: a get, and a put of a "
        + "small entry on a miss; bounded by the size in entries): `prv`, a tier of this process alone; "
        + "`shr`, a shared tier (a map file) reached through the instance that owns eviction; `fwd`, reads "
        + "through a second instance over the same file that does not own eviction (its reads reach the "
        + "policy through the control file's ring) and misses written through the owner; `wrk`, reads and "
        + "writes through that second instance (the owner applies and evicts for its writes after the fact, "
        + "so the map holds each new entry beyond its bound until then). `gap` = the largest distance, in "
        + "points, of a `shr` or `fwd` figure from the `prv` figure of the same policy; `wrk gap` the same for "
        + "`wrk`; `prv gap` = `prv` from the in-process policy (the table above, which sees the trace's keys "
        + "unmixed). Goal: gap <= 0.5 on every row.\n\n");
    sb.append("| trace | size | lru | prv | shr | fwd | wrk | lfu | prv | shr | fwd | wrk "
        + "| wtinylfu | prv | shr | fwd | wrk | gap | wrk gap | prv gap |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %d", r.trace(), r.size()));
      for (Contender policy : Contender.POLICIES) {
        sb.append(String.format(Locale.ROOT, " | %.2f | %.2f | %.2f | %.2f | %.2f", r.rate(policy),
            r.rate(policy.tier(MemoryTierReplayCache.Mode.PRIVATE)),
            r.rate(policy.tier(MemoryTierReplayCache.Mode.SHARED)),
            r.rate(policy.tier(MemoryTierReplayCache.Mode.FORWARDED)),
            r.rate(policy.tier(MemoryTierReplayCache.Mode.WORKER))));
      }
      sb.append(String.format(Locale.ROOT, " | %.2f | %.2f | %.2f |%n", r.sharedGap(),
          r.tierGap(MemoryTierReplayCache.Mode.WORKER), r.tierGap(MemoryTierReplayCache.Mode.PRIVATE)));
    }
    long shared = rows.stream().filter(r -> r.sharedGap() <= 0.5).count();
    long worker = rows.stream().filter(r -> r.tierGap(MemoryTierReplayCache.Mode.WORKER) <= 0.5).count();
    sb.append(String.format(Locale.ROOT, "%nShared (owner and forwarded reads) within 0.5 point of the private tier "
        + "on %d of %d rows; with a non-owner's writes (`wrk`) on %d of %d.%n%n", shared, rows.size(),
        worker, rows.size()));
    long stretch = rows.stream().filter(Row::stretchMet).count();
    long issue = rows.stream().filter(Row::issueGoalMet).count();
    sb.append(String.format(Locale.ROOT,
        "%nMission aim (margin >= -0.5) met on %d of %d rows; issue goal (within 1 point of "
            + "Caffeine, lru = ref-lru to 0.1) met on %d of %d.%n",
        stretch, rows.size(), issue, rows.size()));
    return sb.toString();
  }

  private static String json(List<Row> rows, double seconds) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"jdk\": \"").append(System.getProperty("java.version")).append("\",\n");
    sb.append(String.format(Locale.ROOT, "  \"seconds\": %.1f,%n", seconds));
    sb.append("  \"rows\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT,
          "    {\"trace\": \"%s\", \"size\": %d, \"accesses\": %d, \"distinct\": %d",
          r.trace(), r.size(), r.accesses(), r.distinct()));
      for (Contender c : Contender.values()) {
        sb.append(String.format(Locale.ROOT, ", \"%s\": %.4f", c.label, r.rate(c)));
      }
      sb.append(String.format(Locale.ROOT,
          ", \"margin\": %.4f, \"sharedGap\": %.4f, \"workerGap\": %.4f, \"privateTierGap\": %.4f, "
              + "\"goalMet\": %b, \"issueGoalMet\": %b}%s%n",
          r.margin(), r.sharedGap(), r.tierGap(MemoryTierReplayCache.Mode.WORKER),
          r.tierGap(MemoryTierReplayCache.Mode.PRIVATE), r.stretchMet(),
          r.issueGoalMet(), i + 1 < rows.size() ? "," : ""));
    }
    sb.append("  ]\n}\n");
    return sb.toString();
  }
}
