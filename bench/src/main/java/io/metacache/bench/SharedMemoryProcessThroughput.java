package io.metacache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metacache.bench.scan.ScanTree;
import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Get throughput of one shared memory tier read by one process, then by two processes at once:
 * whether processes that share the map read it without slowing each other down (on 2 cores, two
 * readers that do not contend read about twice as much in total). Not a JMH benchmark: JMH runs
 * its forks one after another, and the point is two JVMs reading at the same moment.
 *
 * <p>The driver fills a shared tier file ({@code --entries} entries of 1 KiB, W-TinyLFU, bounded
 * by that count) and closes it. Then, each round, it starts one reader JVM, and two reader JVMs
 * (the order alternates from round to round). A reader opens the tier (the first to open it is
 * the eviction owner; a second one's reads are forwarded to the owner through the control file's
 * ring), reads {@code --warmup-ops} keys, reports that it is ready, and on the driver's word (once
 * every reader of the round is ready) reads {@code --ops} keys drawn uniformly from all entries
 * (every read hits) on one thread, timed, and reports its reads per second. Readers run with the
 * same JVM flags as the driver ({@code jvm.options}).
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.SharedMemoryProcessThroughput \
 *     --entries 100000 --ops 5000000 --rounds 5
 * </pre>
 * Options: {@code --entries N} (default 100,000), {@code --ops N} timed reads per reader (default
 * 5,000,000), {@code --warmup-ops N} (default 2,000,000), {@code --rounds R} (default 5). Writes
 * {@code results/shared-memory-processes.json} (directory: {@code metacache.results.dir}).
 */
public final class SharedMemoryProcessThroughput {

  static final int VALUE_BYTES = MemoryTierGetBenchmark.VALUE_BYTES;
  /** How long the driver waits for a reader to get ready or to finish: a hang guard only. */
  private static final long READER_TIMEOUT_SECONDS = 600;

  private SharedMemoryProcessThroughput() {}

  /** Entry point: the driver, or with {@code --reader} one reader process. */
  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    if (a.contains("--reader")) {
      reader(Paths.get(a.get(a.indexOf("--reader") + 1)), intOption(a, "--entries", 100_000),
          longOption(a, "--ops", 5_000_000), longOption(a, "--warmup-ops", 2_000_000));
      return;
    }
    int entries = intOption(a, "--entries", 100_000);
    long ops = longOption(a, "--ops", 5_000_000);
    long warmupOps = longOption(a, "--warmup-ops", 2_000_000);
    int rounds = intOption(a, "--rounds", 5);
    Path results = Paths.get(System.getProperty("metacache.results.dir", "results"));

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entries", entries);
    out.put("valueBytes", VALUE_BYTES);
    out.put("policy", "wtinylfu");
    out.put("opsPerReader", ops);
    out.put("warmupOpsPerReader", warmupOps);
    out.put("rounds", rounds);
    out.put("nproc", Runtime.getRuntime().availableProcessors());
    out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    out.put("cpu", ScanThroughput.cpu());
    out.put("loadStart", ScanThroughput.loadAverage());

    Path dir = Files.createTempDirectory("metacache-shared-processes");
    Path file = dir.resolve("memory.cmap");
    List<Map<String, Object>> rows = new ArrayList<>();
    double[] one = new double[rounds];
    double[] two = new double[rounds];
    try {
      try (MemoryTier tier = tier(file, entries)) {
        byte[] value = MemoryTierGetBenchmark.entry(VALUE_BYTES, 0);
        SplittableRandom keys = new SplittableRandom(42);
        for (int i = 0; i < entries; i++) {
          tier.put(keys.nextLong(), keys.nextLong(), value);
        }
        tier.cleanUp();
        if (tier.size() != entries) {
          throw new IllegalStateException("the fill lost entries: " + tier.size() + " of " + entries);
        }
      }
      for (int r = 0; r < rounds; r++) {
        int[] order = r % 2 == 0 ? new int[] {1, 2} : new int[] {2, 1};
        for (int processes : order) {
          List<String[]> reports = runReaders(file, processes, entries, ops, warmupOps);
          double[] rates = reports.stream().mapToDouble(x -> Double.parseDouble(x[1])).toArray();
          double total = Arrays.stream(rates).sum();
          (processes == 1 ? one : two)[r] = total;
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("round", r + 1);
          row.put("processes", processes);
          row.put("opsPerSecond", Arrays.stream(rates).map(SharedMemoryProcessThroughput::round0).toArray());
          row.put("roles", reports.stream().map(x -> x[2]).toArray());
          row.put("totalOpsPerSecond", round0(total));
          rows.add(row);
          System.out.printf(Locale.ROOT, "round %d, %d process%s: %s reads/s (%s), total %,.0f%n", r + 1, processes,
              processes == 1 ? "" : "es", Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()),
              String.join(", ", reports.stream().map(x -> x[2]).toList()), total);
        }
      }
    } finally {
      ScanTree.deleteTree(dir);
    }
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratios[r] = two[r] / one[r];
    }
    out.put("loadEnd", ScanThroughput.loadAverage());
    out.put("rows", rows);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("oneProcessMedian", round0(ScanThroughput.median(one)));
    summary.put("twoProcessesMedian", round0(ScanThroughput.median(two)));
    summary.put("ratioMedian", Math.round(ScanThroughput.median(ratios) * 1000) / 1000.0);
    summary.put("ratioMin", Math.round(Arrays.stream(ratios).min().orElse(Double.NaN) * 1000) / 1000.0);
    summary.put("ratioMax", Math.round(Arrays.stream(ratios).max().orElse(Double.NaN) * 1000) / 1000.0);
    out.put("summary", summary);
    Files.createDirectories(results);
    Path json = results.resolve("shared-memory-processes.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
    System.out.printf(Locale.ROOT, "one process %,.0f reads/s; two processes %,.0f reads/s together; "
            + "two / one %.2f (median of the rounds' ratios); wrote %s%n",
        ScanThroughput.median(one), ScanThroughput.median(two), ScanThroughput.median(ratios), json);
  }

  /** The tier every process opens: the same bounds, so the same geometry. */
  static MemoryTier tier(Path file, int entries) {
    return MemoryTier.builder()
        .maxEntries(entries)
        .maxBytes(entries * 1280L)
        .maxEntryBytes(64 << 10)
        .averageEntryBytes(VALUE_BYTES)
        .policy(PolicyKind.WTINYLFU)
        .expirySweepInterval(Duration.ZERO)
        .persistTo(file)
        .shared(true)
        .build();
  }

  /**
   * Starts {@code processes} readers, lets them all start timing at once once every one is warm,
   * and returns each one's report: {@code result <reads/s> <role> <misses>}.
   */
  private static List<String[]> runReaders(Path file, int processes, int entries, long ops, long warmupOps)
      throws IOException, InterruptedException {
    List<Process> started = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    try {
      for (int i = 0; i < processes; i++) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
            SharedMemoryProcessThroughput.class.getName(), "--reader", file.toString(),
            "--entries", Integer.toString(entries), "--ops", Long.toString(ops),
            "--warmup-ops", Long.toString(warmupOps)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (int i = 0; i < processes; i++) {
        expectLine(outputs.get(i), "ready", started.get(i));
      }
      for (Process p : started) {
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      List<String[]> reports = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        String[] report = expectLine(outputs.get(i), "result", started.get(i)).split(" ");
        if (Long.parseLong(report[3]) != 0) {
          throw new IllegalStateException("a reader missed " + report[3] + " reads of keys the tier holds");
        }
        reports.add(report);
      }
      for (Process p : started) {
        if (!p.waitFor(READER_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("a reader did not exit cleanly");
        }
      }
      return reports;
    } finally {
      started.forEach(Process::destroyForcibly);
    }
  }

  /** The reader's next line that starts with {@code prefix} (its other output, Chronicle's banner, is skipped). */
  private static String expectLine(BufferedReader output, String prefix, Process p) throws IOException {
    String line;
    while ((line = output.readLine()) != null) {
      if (line.startsWith(prefix + " ") || line.equals(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("a reader ended without reporting '" + prefix + "' (exit "
        + (p.isAlive() ? "still running" : p.exitValue()) + ")");
  }

  /** One reader process: open, warm up, report ready, wait for "go", read, report, close. */
  private static void reader(Path file, int entries, long ops, long warmupOps) throws IOException {
    long[] highs = new long[entries];
    long[] lows = new long[entries];
    SplittableRandom keys = new SplittableRandom(42);
    for (int i = 0; i < entries; i++) {
      highs[i] = keys.nextLong();
      lows[i] = keys.nextLong();
    }
    UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    try (MemoryTier tier = tier(file, entries)) {
      String role = tier.isEvictionOwner() ? "owner" : "worker";
      long seed = ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L | 1;
      long sink = 0;
      for (long i = 0; i < warmupOps; i++) {
        seed = xorShift(seed);
        int k = (int) ((seed >>> 1) % entries);
        sink += tier.get(highs[k], lows[k], destination, 0);
      }
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"go".equals(in.readLine())) {
        throw new IllegalStateException("the driver did not say go");
      }
      long misses = 0;
      long start = System.nanoTime();
      for (long i = 0; i < ops; i++) {
        seed = xorShift(seed);
        int k = (int) ((seed >>> 1) % entries);
        int length = tier.get(highs[k], lows[k], destination, 0);
        if (length < 0) {
          misses++;
        }
        sink += length;
      }
      long nanos = System.nanoTime() - start;
      System.out.printf(Locale.ROOT, "result %.1f %s %d %d%n", ops / (nanos / 1e9), role, misses, sink & 1);
      System.out.flush();
    }
  }

  private static long xorShift(long seed) {
    seed ^= seed << 13;
    seed ^= seed >>> 7;
    seed ^= seed << 17;
    return seed;
  }

  private static double round0(double v) {
    return Math.round(v);
  }

  private static int intOption(List<String> a, String name, int dflt) {
    int i = a.indexOf(name);
    return i >= 0 ? Integer.parseInt(a.get(i + 1)) : dflt;
  }

  private static long longOption(List<String> a, String name, long dflt) {
    int i = a.indexOf(name);
    return i >= 0 ? Long.parseLong(a.get(i + 1)) : dflt;
  }
}
