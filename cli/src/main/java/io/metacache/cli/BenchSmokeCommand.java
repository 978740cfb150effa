package io.metacache.cli;

import io.metacache.CacheConfig;
import io.metacache.KeyValueCache;
import io.metacache.MetaCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * An in-process self-check of every tier: for the memory tier and then each lower tier alone,
 * N key/value puts, a flush, and N gets checked for equal values; lower tiers are read by a second
 * cache opened on the same directory, so its cold memory tier sends every get to the tier under
 * test. Prints put and get latencies per tier; exits 1 if any round trip fails. Runs in a
 * temporary directory (removed afterwards) unless {@code --cache-dir} is given.
 */
@Command(name = "bench-smoke", description = "Round-trip entries through every tier and print latencies.")
final class BenchSmokeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--entries", defaultValue = "200", description = "Entries per tier (default: ${DEFAULT-VALUE}).")
  int entries;

  @Option(names = "--redis", paramLabel = "URI", description = "Also check a Redis tier at URI.")
  String redisUri;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Directory to use (default: a temporary one).")
  Path cacheDir;

  private record Result(String tier, boolean ok, String detail, long[] putNanos, long[] getNanos) {}

  @Override
  public Integer call() throws IOException {
    if (entries < 1 || entries > 1_000_000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--entries: expected 1 to 1000000, got " + entries);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = cacheDir != null ? cacheDir : Files.createTempDirectory("metacache-smoke");
    List<Result> results = new ArrayList<>();
    try {
      results.add(run("memory", dir.resolve("memory"), List.of()));
      List<String> lower = new ArrayList<>(List.of("disk", "sqlite"));
      if (redisUri != null) {
        lower.add(0, "redis");
      }
      for (String tier : lower) {
        results.add(run(tier, dir.resolve(tier), List.of(tier)));
      }
    } finally {
      if (cacheDir == null) {
        deleteTree(dir);
      }
    }
    out.printf("%-7s %-4s %8s %10s %10s %10s %10s  %s%n", "tier", "ok", "entries", "put p50", "put p99",
        "get p50", "get p99", "detail");
    boolean allOk = true;
    for (Result r : results) {
      allOk &= r.ok;
      out.printf("%-7s %-4s %8d %10s %10s %10s %10s  %s%n", r.tier, r.ok ? "yes" : "NO", entries,
          micros(r.putNanos, 0.50), micros(r.putNanos, 0.99), micros(r.getNanos, 0.50), micros(r.getNanos, 0.99), r.detail);
    }
    return allOk ? 0 : 1;
  }

  private Result run(String name, Path dir, List<String> tiers) {
    long[] putNanos = new long[entries];
    long[] getNanos = new long[entries];
    Map<String, String> props = redisUri == null ? Map.of() : Map.of(MetaCache.REDIS_URI_PROPERTY, redisUri);
    // A private memory tier: the second cache below must start cold, so that its gets reach the tier measured.
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir).memoryMode(io.metacache.MemoryMode.PRIVATE).build();
    try {
      try (MetaCache cache = MetaCache.builder().config(config).properties(props::get).tiers(tiers).build()) {
        KeyValueCache kv = cache.keyValue();
        for (int i = 0; i < entries; i++) {
          long t0 = System.nanoTime();
          kv.set("bench:smoke:" + i, value(i), Duration.ofMinutes(10));
          putNanos[i] = System.nanoTime() - t0;
        }
        cache.flush();
        if (tiers.isEmpty()) {
          return verify(name, cache, getNanos, putNanos, name);
        }
      }
      // A second cache on the same directory: its memory tier is empty, so gets reach the tier.
      try (MetaCache cache = MetaCache.builder().config(config).properties(props::get).tiers(tiers).build()) {
        return verify(name, cache, getNanos, putNanos, tiers.get(0));
      }
    } catch (RuntimeException e) {
      return new Result(name, false, MetacacheCommand.describe(e), putNanos, getNanos);
    }
  }

  private Result verify(String name, MetaCache cache, long[] getNanos, long[] putNanos, String servingTier) {
    KeyValueCache kv = cache.keyValue();
    int wrong = 0;
    for (int i = 0; i < entries; i++) {
      long t0 = System.nanoTime();
      Object got = kv.get("bench:smoke:" + i).orElse(null);
      getNanos[i] = System.nanoTime() - t0;
      if (!Objects.equals(got, value(i))) {
        wrong++;
      }
    }
    long served = cache.stats().hits(servingTier);
    boolean ok = wrong == 0 && served >= (servingTier.equals("memory") ? entries : 1);
    String detail = wrong == 0 ? served + " gets served by " + servingTier : wrong + " values wrong or missing";
    return new Result(name, ok, detail, putNanos, getNanos);
  }

  private static Map<String, Object> value(int i) {
    return Map.of("i", (long) i, "name", "entry-" + i, "tags", List.of("a", "b"));
  }

  private static String micros(long[] nanos, double q) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    long v = sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    return String.format(Locale.ROOT, "%.1f us", v / 1000.0);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
