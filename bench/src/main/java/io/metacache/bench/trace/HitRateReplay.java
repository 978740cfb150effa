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
 * (default: available processors).
 */
public final class HitRateReplay {

  static final int QUICK_PREFIX = 20_000;

  /** The caches compared, in table order. */
  enum Contender {
    LRU("lru", size -> new PolicyReplayCache(PolicyKind.LRU, size)),
    REF_LRU("ref-lru", ReferenceLruReplayCache::new),
    LFU("lfu", size -> new PolicyReplayCache(PolicyKind.LFU, size)),
    WTINYLFU("wtinylfu", size -> new PolicyReplayCache(PolicyKind.WTINYLFU, size)),
    CAFFEINE("caffeine", CaffeineReplayCache::new);

    final String label;
    final IntFunction<ReplayCache> factory;

    Contender(String label, IntFunction<ReplayCache> factory) {
      this.label = label;
      this.factory = factory;
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
            futures.add(pool.submit(() -> replayOne(spec, keys, distinct, size, c)));
          }
        }
      }
      List<Row> rows = merge(futures);
      double seconds = (System.nanoTime() - started) / 1e9;
      String table = markdown(rows, quick, seconds, threads);
      System.out.print(table);
      if (!quick) {
        Files.createDirectories(results);
        Files.writeString(results.resolve("hitrate.md"), table, StandardCharsets.UTF_8);
        Files.writeString(results.resolve("hitrate.json"), json(rows, seconds),
            StandardCharsets.UTF_8);
      }
      if (rows.stream().anyMatch(r -> Math.abs(r.rate(Contender.LRU)
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
          ", \"margin\": %.4f, \"goalMet\": %b, \"issueGoalMet\": %b}%s%n",
          r.margin(), r.stretchMet(), r.issueGoalMet(), i + 1 < rows.size() ? "," : ""));
    }
    sb.append("  ]\n}\n");
    return sb.toString();
  }
}
