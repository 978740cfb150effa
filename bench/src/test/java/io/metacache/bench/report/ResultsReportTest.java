package io.metacache.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generator and the comparison on tiny synthetic JMH output: tables and charts appear. */
class ResultsReportTest {

  @TempDir
  Path dir;

  @Test
  void linksTheFocusedReportsKeptInTheFolder() throws IOException {
    writeSyntheticRun(dir, 1.0);
    Files.writeString(dir.resolve("memory.md"), "intro\n# Memory tier: get and put\n");
    Files.createDirectories(dir.resolve("stress"));
    Files.writeString(dir.resolve("stress").resolve("README.md"), "# Stress results\n");
    Files.createDirectories(dir.resolve("empty"));
    ResultsReport.write(dir);
    ResultsReport.write(dir); // its own README is never listed, however often it runs

    String readme = Files.readString(dir.resolve("README.md"));
    assertThat(readme).contains("## Other reports in this folder",
        "- [memory.md](memory.md): Memory tier: get and put", "- [stress/README.md](stress/README.md): Stress results");
    assertThat(readme).doesNotContain("[README.md]", "[empty", "[charts");
  }

  @Test
  void writesGoalsPeerTablesGenericTablesAndCharts() throws IOException {
    writeSyntheticRun(dir, 1.0);
    ResultsReport.write(dir);

    String readme = Files.readString(dir.resolve("README.md"));
    assertThat(readme)
        .contains("## Machine", "Test CPU", "## Goals")
        .contains("Memory-tier get within 1.3x of raw Chronicle Map")
        .contains("Stat fast path within 2x")
        .contains("W-TinyLFU hit rate within 1 point of Caffeine")
        .contains("## Peers under a Zipf workload", "| MemoryTier |", "| Caffeine |")
        .contains("## `UnknownThingBenchmark`", "| decode |")
        .contains("## JMH settings per benchmark");
    for (String chart : List.of("throughput-1024b.png", "latency-1024b.png", "hitrate.png")) {
      Path png = dir.resolve("charts").resolve(chart);
      assertThat(png).exists();
      byte[] head = Files.readAllBytes(png);
      assertThat(head).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
    // Deterministic: the same input writes the same README.
    ResultsReport.write(dir);
    assertThat(Files.readString(dir.resolve("README.md"))).isEqualTo(readme);
  }

  @Test
  void memoryTierGetRowsNameTheirPolicyAndPairTierWithRawOfTheSameRow() throws IOException {
    String get = "io.metacache.bench.MemoryTierGetBenchmark.get";
    // Without a policy parameter (runs before it existed): exact LRU, and the ids those runs had.
    write(dir.resolve("memory-tier-get.json"), List.of(
        result(get, "avgt", 1, "\"entries\": \"1000\", \"expiry\": \"far\", \"map\": \"tier\"", 120, 5, "ns/op", "", 0.1),
        result(get, "avgt", 1, "\"entries\": \"1000\", \"expiry\": \"far\", \"map\": \"chronicle\"", 100, 5, "ns/op", "",
            192)));
    List<Goals.Row> old = Goals.of(ResultSet.load(dir));
    assertThat(old).extracting(Goals.Row::goal).contains(
        "Memory-tier get (raw bytes, hit) within 1.3x of raw ChronicleMap.getUsing (1000 entries of 1 KB, expiry far,"
            + " lru policy, 1 thread)",
        "Allocation on the raw-bytes hit path < 32 B/op (1000 entries of 1 KB, expiry far, lru policy)");
    assertThat(old).extracting(r -> r.ratio().id()).contains("goal.get.1000.far", "goal.alloc.1000.far");

    // With it: one row per policy, each tier paired with the raw trial of its own parameters.
    write(dir.resolve("memory-tier-get.json"), List.of(
        result(get, "avgt", 1, "\"entries\": \"1000\", \"expiry\": \"far\", \"map\": \"chronicle\", \"policy\": \"wtinylfu\"",
            100, 5, "ns/op", "", 192),
        result(get, "avgt", 1, "\"entries\": \"1000\", \"expiry\": \"far\", \"map\": \"chronicle\", \"policy\": \"lru\"",
            200, 5, "ns/op", "", 192),
        result(get, "avgt", 1, "\"entries\": \"1000\", \"expiry\": \"far\", \"map\": \"tier\", \"policy\": \"wtinylfu\"",
            150, 5, "ns/op", "", 0.1),
        result(get, "avgt", 1, "\"entries\": \"1000\", \"expiry\": \"far\", \"map\": \"tier\", \"policy\": \"lru\"",
            220, 5, "ns/op", "", 0.1)));
    List<Goals.Row> rows = Goals.of(ResultSet.load(dir)).stream()
        .filter(r -> r.goal().startsWith("Memory-tier get")).toList();
    assertThat(rows).extracting(r -> r.ratio().id()).containsExactly("goal.get.wtinylfu.1000.far", "goal.get.1000.far");
    assertThat(rows.get(0).goal()).contains("wtinylfu policy");
    assertThat(rows.get(0).ratio().value()).isEqualTo(1.5);
    assertThat(rows.get(0).met()).isFalse();
    assertThat(rows.get(1).ratio().value()).isEqualTo(1.1);
    assertThat(rows.get(1).met()).isTrue();
  }

  @Test
  void sharedTierGoalsComeFromTheScanTheProcessesAndTheReplayFiles() throws IOException {
    // Rounds 1 and 3 are slow for both phases alike (other work on the machine): the paired
    // ratios are 0.95, 0.5 and 0.95, median 0.95, where the ratio of the medians is 0.5.
    Files.writeString(dir.resolve("scan.json"), "{\"files\": 100, \"rows\": ["
        + "{\"profile\": \"basic\", \"phase\": \"rescan\", \"filesPerSecondMedian\": 20000,"
        + " \"filesPerSecondRounds\": [10000, 20000, 1000]},"
        + "{\"profile\": \"basic\", \"phase\": \"rescan, reopened\", \"filesPerSecondMedian\": 9500,"
        + " \"filesPerSecondRounds\": [9500, 10000, 950]}]}", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("shared-memory-processes.json"), "{\"entries\": 1000, \"nproc\": 2, \"rounds\": 3,"
        + " \"summary\": {\"oneProcessMedian\": 100, \"twoProcessesMedian\": 130, \"ratioMedian\": 1.3,"
        + " \"ratioMin\": 1.2, \"ratioMax\": 1.4}}", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("hitrate.json"), "{\"rows\": ["
        + "{\"trace\": \"t\", \"size\": 10, \"lru\": 50, \"ref-lru\": 50, \"lfu\": 40, \"wtinylfu\": 55,"
        + " \"caffeine\": 55, \"margin\": 0, \"sharedGap\": 0.2, \"workerGap\": 1.5},"
        + "{\"trace\": \"u\", \"size\": 10, \"lru\": 50, \"ref-lru\": 50, \"lfu\": 40, \"wtinylfu\": 55,"
        + " \"caffeine\": 55, \"margin\": 0, \"sharedGap\": 0.7, \"workerGap\": 0.1}]}", StandardCharsets.UTF_8);

    List<Goals.Row> rows = Goals.of(ResultSet.load(dir));

    Goals.Row rescan = rows.stream().filter(r -> r.goal().startsWith("Rescan in a new process")).findFirst().orElseThrow();
    assertThat(rescan.ratio().value()).isEqualTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(rescan.met()).isTrue();
    Goals.Row processes = rows.stream().filter(r -> r.goal().startsWith("Two processes")).findFirst().orElseThrow();
    assertThat(processes.ratio().value()).isEqualTo(1.3);
    assertThat(processes.met()).isFalse();
    Goals.Row hitRate = rows.stream().filter(r -> r.goal().startsWith("Shared memory tier's hit rate")).findFirst()
        .orElseThrow();
    assertThat(hitRate.ratio().value()).isEqualTo(0.7);
    assertThat(hitRate.figure()).contains("(u@10)");
    assertThat(hitRate.met()).isFalse();
    assertThat(Files.readString(ResultsReport.write(dir))).contains("Rescan in a new process", "Two processes'",
        "shared gap");
  }

  @Test
  void copesWithAnEmptyDirectory() throws IOException {
    ResultsReport.write(dir);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("# Benchmark results");
  }

  @Test
  void compareFlagsOnlyFiguresThatMovedBeyondNoise(@TempDir Path fresh) throws IOException {
    writeSyntheticRun(dir, 1.0);
    writeSyntheticRun(fresh, 0.5); // the memory tier at half its throughput
    String report = CompareResults.report(ResultSet.load(fresh), ResultSet.load(dir));
    assertThat(report).contains("moved beyond their noise").contains("memory tier time / raw Chronicle");
    String same = CompareResults.report(ResultSet.load(dir), ResultSet.load(dir));
    assertThat(same).contains("0 moved beyond their noise");
  }

  static void writeSyntheticRun(Path dir, double memoryTierFactor) throws IOException {
    List<String> getPut = new ArrayList<>();
    String[] types = {"MemoryTier", "ChronicleMap", "Caffeine"};
    double[] thrpt = {4.0 * memoryTierFactor, 5.0, 20.0};
    for (int i = 0; i < types.length; i++) {
      for (String group : List.of("hitHeavy1", "hitHeavy2")) {
        getPut.add(result("io.metacache.bench.CacheGetPutBenchmark." + group, "thrpt", group.endsWith("2") ? 2 : 1,
            "\"cacheType\": \"" + types[i] + "\", \"maximumEntries\": \"8192\", \"valueBytes\": \"1024\"",
            thrpt[i], thrpt[i] * 0.02, "ops/us", "", 12.0));
      }
      getPut.add(result("io.metacache.bench.CacheGetPutBenchmark.hitHeavyLatency", "sample", 1,
          "\"cacheType\": \"" + types[i] + "\", \"maximumEntries\": \"8192\", \"valueBytes\": \"1024\"",
          1000 / thrpt[i], 5, "ns/op",
          "\"scorePercentiles\": {\"0.0\": 10, \"50.0\": 200, \"90.0\": 300, \"99.0\": 900, \"99.9\": 2000, "
              + "\"99.99\": 9000, \"100.0\": 20000},", Double.NaN));
    }
    write(dir.resolve("cache-get-put.json"), getPut);
    write(dir.resolve("stat-fast-path.json"), List.of(
        result("io.metacache.bench.StatFastPathBenchmark.lookup", "avgt", 1, "", 1500, 30, "ns/op", "", 64),
        result("io.metacache.bench.StatFastPathBenchmark.readAttributes", "avgt", 1, "", 1000, 20, "ns/op", "", 200)));
    write(dir.resolve("unknown-thing.json"), List.of(
        result("io.metacache.bench.UnknownThingBenchmark.encode", "avgt", 1, "\"codec\": \"raw\"", 300, 10, "ns/op", "", 1),
        result("io.metacache.bench.UnknownThingBenchmark.decode", "avgt", 1, "\"codec\": \"raw\"", 400, 10, "ns/op", "", 2)));
    Files.writeString(dir.resolve("hitrate.json"), "{\"rows\": ["
        + "{\"trace\": \"lirs/loop\", \"size\": 256, \"lru\": 0.0, \"ref-lru\": 0.0, \"lfu\": 0.0, \"wtinylfu\": 24.1,"
        + " \"caffeine\": 23.6, \"margin\": 0.5},"
        + "{\"trace\": \"arc/OLTP\", \"size\": 1000, \"lru\": 32.8, \"ref-lru\": 32.8, \"lfu\": 13.8, \"wtinylfu\": 39.2,"
        + " \"caffeine\": 40.0, \"margin\": -0.8}]}", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("run.properties"), "mode=test\ncpu=Test CPU\nnproc=2\n", StandardCharsets.UTF_8);
  }

  private static void write(Path file, List<String> results) throws IOException {
    Files.writeString(file, "[\n" + String.join(",\n", results) + "\n]\n", StandardCharsets.UTF_8);
  }

  private static String result(String benchmark, String mode, int threads, String params, double score,
      double error, String unit, String extraPrimary, double allocPerOp) {
    String secondary = Double.isNaN(allocPerOp) ? "{}" : String.format(Locale.ROOT,
        "{\"gc.alloc.rate.norm\": {\"score\": %s, \"scoreError\": 0.5, \"scoreUnit\": \"B/op\"}}", allocPerOp);
    return String.format(Locale.ROOT, "{\"jmhVersion\": \"1.37\", \"benchmark\": \"%s\", \"mode\": \"%s\", "
        + "\"threads\": %d, \"forks\": 1, \"jvmArgs\": [\"-Dchronicle.analytics.disable=true\"], "
        + "\"jdkVersion\": \"17.0.15\", \"vmName\": \"OpenJDK 64-Bit Server VM\", \"warmupIterations\": 1, "
        + "\"warmupTime\": \"1 s\", \"measurementIterations\": 2, \"measurementTime\": \"1 s\", "
        + "\"params\": {%s}, \"primaryMetric\": {\"score\": %s, \"scoreError\": %s, %s \"scoreUnit\": \"%s\"}, "
        + "\"secondaryMetrics\": %s}", benchmark, mode, threads, params, score, error, extraPrimary, unit, secondary);
  }
}
