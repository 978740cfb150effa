package io.metacache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metacache.CacheConfig;
import io.metacache.Extractor;
import io.metacache.MetaCache;
import io.metacache.bench.scan.ScanTree;
import io.metacache.extract.Extractors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scan throughput of a tree of real files through the default tiers (memory, disk, SQLite in a
 * temporary cache directory, default configuration), beside extraction without the cache, same
 * run, for the {@code basic} and {@code full} profiles. Not a JMH benchmark: a scan is one shot
 * over 10,000 files, so rounds are timed whole.
 *
 * <p>Each round, per profile:
 * <ol>
 *   <li>{@code no cache}: the profile's extractor over every file, nothing cached;
 *   <li>{@code first scan}: a fresh cache directory, every file a miss;
 *   <li>{@code rescan}: the same cache again, all hits (memory tier and stat fast path);
 *   <li>{@code rescan, reopened}: the cache closed and opened again on the same directory, as a
 *       second {@code metacache scan} process sees it: a new cache instance whose in-process stat
 *       index is empty, started warm by the shared memory tier and the shared stat records (one
 *       {@code stat} per file, the fingerprint another process took, hits from the memory tier);
 *   <li>{@code rescan, 1% touched}: 1% of the files (a different 1% each round) rewritten with one
 *       line appended, then the reopened cache scanned again: 99% hits. The files are restored
 *       after the round.
 * </ol>
 * Every scan walks the file list with the CLI's parallelism ({@code scan} uses
 * {@code files.parallelStream()}, the common fork-join pool) and ends with {@code flush()}, as the
 * CLI does, so the time includes writing behind to disk and SQLite. Warm-up rounds are discarded;
 * the report gives the median and range of the measured rounds and each phase's median throughput
 * over the no-cache median of the same run.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.ScanThroughput \
 *     --files 10000 --warmup 2 --rounds 5
 * </pre>
 * Options: {@code --files N} source files (plus N/50 images), {@code --warmup W}, {@code --rounds R},
 * {@code --profiles basic,full}, {@code --tree DIR} (default {@code ${java.io.tmpdir}/metacache-scan-tree-N},
 * kept between runs; see {@link ScanTree} for its contents), {@code --smoke} (200 files, one
 * warm-up, two rounds; also {@code -Dmetacache.bench.smoke=true}). Writes {@code results/scan.json}
 * and {@code results/scan.md} (directory: {@code metacache.results.dir}).
 */
public final class ScanThroughput {

  /** The phases of a round, in order. */
  static final List<String> PHASES = List.of("no cache", "first scan", "rescan", "rescan, reopened", "rescan, 1% touched");

  private ScanThroughput() {}

  /** One timed pass over the files. */
  record Pass(long nanos, long files, long extracted, long failed) {
    double filesPerSecond() {
      return files / Math.max(1e-9, nanos / 1e9);
    }

    double hitRatio() {
      return files == 0 ? 1.0 : (double) (files - extracted - failed) / files;
    }
  }

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    boolean smoke = a.contains("--smoke") || Boolean.getBoolean("metacache.bench.smoke");
    int sourceFiles = intOption(a, "--files", smoke ? 200 : 10_000);
    int warmup = intOption(a, "--warmup", smoke ? 1 : 2);
    int rounds = intOption(a, "--rounds", smoke ? 2 : 5);
    List<String> profiles = a.contains("--profiles")
        ? Arrays.asList(a.get(a.indexOf("--profiles") + 1).split(",")) : Extractors.PROFILES;
    Path tree = a.contains("--tree") ? Paths.get(a.get(a.indexOf("--tree") + 1))
        : Paths.get(System.getProperty("java.io.tmpdir"), "metacache-scan-tree-" + sourceFiles);
    Path results = Paths.get(System.getProperty("metacache.results.dir", "results"));

    String loadStart = loadAverage();
    long t0 = System.nanoTime();
    List<Path> files = ScanTree.ensure(tree.toAbsolutePath().normalize(), sourceFiles);
    System.out.printf(Locale.ROOT, "tree %s: %d files (%s), ready in %.1f s%n", tree, files.size(),
        ScanTree.composition(tree), (System.nanoTime() - t0) / 1e9);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tree", tree.toString());
    out.put("sourceFiles", sourceFiles);
    out.put("files", files.size());
    out.put("composition", ScanTree.composition(tree));
    out.put("duplicateContentFiles", ScanTree.duplicateContentFiles(files));
    out.put("warmupRounds", warmup);
    out.put("rounds", rounds);
    out.put("touchedFraction", 0.01);
    out.put("parallelism", "files.parallelStream() (common pool parallelism "
        + ForkJoinPool.commonPool().getParallelism() + " + the calling thread), as the CLI's scan");
    out.put("tiers", MetaCache.DEFAULT_LOWER_TIERS);
    out.put("nproc", Runtime.getRuntime().availableProcessors());
    out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    out.put("cpu", cpu());
    out.put("loadStart", loadStart);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String profile : profiles) {
      Extractor extractor = Extractors.forProfile(profile);
      Map<String, List<Pass>> byPhase = new LinkedHashMap<>();
      PHASES.forEach(p -> byPhase.put(p, new ArrayList<>()));
      for (int r = 0; r < warmup + rounds; r++) {
        List<Pass> passes = round(files, profile, extractor, r);
        boolean measured = r >= warmup;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s %s %d:", profile,
            measured ? "round" : "warm-up", measured ? r - warmup + 1 : r + 1));
        for (int i = 0; i < PHASES.size(); i++) {
          Pass p = passes.get(i);
          line.append(String.format(Locale.ROOT, "  %s %.0f/s (%.0f%% hits)", PHASES.get(i), p.filesPerSecond(),
              100 * p.hitRatio()));
          if (measured) {
            byPhase.get(PHASES.get(i)).add(p);
          }
        }
        System.out.println(line);
      }
      double baseline = median(byPhase.get(PHASES.get(0)).stream().mapToDouble(Pass::filesPerSecond).toArray());
      for (String phase : PHASES) {
        List<Pass> passes = byPhase.get(phase);
        double[] rates = passes.stream().mapToDouble(Pass::filesPerSecond).toArray();
        double[] millis = passes.stream().mapToDouble(p -> p.nanos() / 1e6).toArray();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("profile", profile);
        row.put("phase", phase);
        row.put("filesPerSecondMedian", round1(median(rates)));
        row.put("filesPerSecondMin", round1(Arrays.stream(rates).min().orElse(Double.NaN)));
        row.put("filesPerSecondMax", round1(Arrays.stream(rates).max().orElse(Double.NaN)));
        row.put("millisMedian", round1(median(millis)));
        row.put("hitRatio", phase.equals(PHASES.get(0)) ? null
            : passes.stream().mapToDouble(Pass::hitRatio).average().orElse(Double.NaN));
        row.put("extractedPerRound", passes.stream().mapToLong(Pass::extracted).max().orElse(0));
        row.put("failedPerRound", passes.stream().mapToLong(Pass::failed).max().orElse(0));
        row.put("overNoCache", round1(median(rates) / baseline * 1000) / 1000);
        row.put("filesPerSecondRounds", Arrays.stream(rates).map(ScanThroughput::round1).toArray());
        rows.add(row);
      }
    }
    out.put("loadEnd", loadAverage());
    out.put("rows", rows);
    Files.createDirectories(results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(results.resolve("scan.json").toFile(), out);
    Files.writeString(results.resolve("scan.md"), markdown(out, rows));
    System.out.println("wrote " + results.resolve("scan.json") + " and scan.md");
  }

  /** One round: every phase once, on a fresh cache directory; the tree is as it was afterwards. */
  static List<Pass> round(List<Path> files, String profile, Extractor extractor, int round) throws IOException {
    List<Pass> passes = new ArrayList<>();
    passes.add(extractOnly(files, extractor));
    Path cacheDir = Files.createTempDirectory("metacache-scan-cache-");
    List<Path> touched = new ArrayList<>();
    Map<Path, byte[]> originals = new LinkedHashMap<>();
    try {
      try (MetaCache cache = open(cacheDir)) {
        passes.add(scan(cache, files, profile, extractor));
        passes.add(scan(cache, files, profile, extractor));
      }
      try (MetaCache cache = open(cacheDir)) {
        passes.add(scan(cache, files, profile, extractor));
      }
      int step = 100;
      for (int i = round % step; i < files.size(); i += step) {
        touched.add(files.get(i));
      }
      for (Path f : touched) {
        byte[] before = Files.readAllBytes(f);
        originals.put(f, before);
        Files.write(f, ("\n" + (f.toString().endsWith(".py") ? "#" : "//") + " touched in round " + round + "\n")
            .getBytes(), StandardOpenOption.APPEND);
      }
      try (MetaCache cache = open(cacheDir)) {
        passes.add(scan(cache, files, profile, extractor));
      }
    } finally {
      for (Map.Entry<Path, byte[]> e : originals.entrySet()) {
        Files.write(e.getKey(), e.getValue());
      }
      ScanTree.deleteTree(cacheDir);
    }
    return passes;
  }

  /** The default tiers and configuration, under {@code dir}; no system property or variable read. */
  static MetaCache open(Path dir) {
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir).build();
    return MetaCache.builder().config(config).properties(name -> null).tiers(MetaCache.DEFAULT_LOWER_TIERS).build();
  }

  /** The CLI's scan loop: parallel gets, then a flush. */
  static Pass scan(MetaCache cache, List<Path> files, String profile, Extractor extractor) {
    AtomicLong extracted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    files.parallelStream().forEach(file -> {
      try {
        cache.get(file, profile, f -> {
          extracted.incrementAndGet();
          return extractor.extract(f);
        });
      } catch (IOException | RuntimeException e) {
        failed.incrementAndGet();
      }
    });
    cache.flush();
    return new Pass(System.nanoTime() - start, files.size(), extracted.get(), failed.get());
  }

  /** The same loop with no cache: the extractor over every file. */
  static Pass extractOnly(List<Path> files, Extractor extractor) {
    AtomicLong failed = new AtomicLong();
    AtomicLong sink = new AtomicLong();
    long start = System.nanoTime();
    files.parallelStream().forEach(file -> {
      try {
        sink.addAndGet(extractor.extract(file).size());
      } catch (IOException | RuntimeException e) {
        failed.incrementAndGet();
      }
    });
    return new Pass(System.nanoTime() - start, files.size(), files.size() - failed.get(), failed.get());
  }

  private static String markdown(Map<String, Object> out, List<Map<String, Object>> rows) {
    StringBuilder md = new StringBuilder("# Scan throughput (`ScanThroughput`)\n\n")
        .append("A tree of ").append(out.get("files")).append(" real files (").append(out.get("composition"))
        .append(") scanned through the default tiers (memory, disk, SQLite; default configuration, fresh cache ")
        .append("directory per round) with the CLI's parallelism: ").append(out.get("parallelism")).append(". ")
        .append("Each scan ends with `flush()` (write-behind drained), as the CLI's does. ")
        .append(out.get("warmupRounds")).append(" warm-up rounds, then ").append(out.get("rounds"))
        .append(" measured; median and range over the measured rounds. `vs no cache` is the phase's median ")
        .append("throughput over the median of the same extractor over the same files without the cache, same run.\n\n")
        .append("- `rescan`: same cache object, all hits from the memory tier via the stat fast path.\n")
        .append("- `rescan, reopened`: the cache closed and opened again (a second `metacache scan` process): ")
        .append("a new cache instance started warm by the shared memory tier and shared stat records.\n")
        .append("- `rescan, 1% touched`: 1% of the files rewritten (a line appended), reopened cache.\n\n")
        .append(out.get("duplicateContentFiles")).append(" files of the tree have the same content as another one ")
        .append("(identical sources in the JDK and the system headers). The built-in extractors declare that they ")
        .append("read the bytes and the file name (`ExtractorInputs.contentAndName`), so the key is content + profile + ")
        .append("file name and copies of a content under one name share one extraction, whatever their directory or ")
        .append("mtime; their size, times, permissions and owner are not stored but read for each copy at lookup. ")
        .append("On a first scan the later copies of each (content, name) group are hits; a rescan is all hits.\n\n")
        .append("Machine: ").append(out.get("cpu")).append(", ").append(out.get("nproc")).append(" processors (shared); ")
        .append(out.get("java")).append("; load average at start ").append(out.get("loadStart"))
        .append(", at end ").append(out.get("loadEnd")).append(".\n\n")
        .append("| Profile | Phase | files/s (median) | range | ms (median) | hit ratio | vs no cache |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows) {
      Object hit = r.get("hitRatio");
      md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f – %,.0f | %,.0f | %s | %.2fx |%n",
          r.get("profile"), r.get("phase"), (Double) r.get("filesPerSecondMedian"), (Double) r.get("filesPerSecondMin"),
          (Double) r.get("filesPerSecondMax"), (Double) r.get("millisMedian"),
          hit == null ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * (Double) hit), (Double) r.get("overNoCache")));
    }
    md.append("\nCommand: `java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.ScanThroughput --files ")
        .append(out.get("sourceFiles")).append(" --warmup ").append(out.get("warmupRounds"))
        .append(" --rounds ").append(out.get("rounds")).append("` (from `bench/run`).\n");
    return md.toString();
  }

  private static int intOption(List<String> a, String name, int dflt) {
    int i = a.indexOf(name);
    return i >= 0 ? Integer.parseInt(a.get(i + 1)) : dflt;
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String cpu() {
    try {
      return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.replaceAll(".*:\\s*", "")).orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
