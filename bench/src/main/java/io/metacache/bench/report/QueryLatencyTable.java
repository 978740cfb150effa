package io.metacache.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code query.md} from {@code query.json} ({@code QueryLatencyBenchmark}, sample mode): one
 * row per query kind and limit with the mean and the percentiles, plus the machine from
 * {@code run.properties} when there is one. Given a second results directory holding a
 * {@code query.json} from other code (the same benchmark before a change), adds a table of p50 and
 * p99 before and after.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.metacache.bench.report.QueryLatencyTable results [before-dir]
 * </pre>
 */
public final class QueryLatencyTable {
  static final String CLASS = "QueryLatencyBenchmark";
  static final List<String> PERCENTILES = List.of("50.0", "90.0", "99.0", "99.9", "100.0");
  static final String RESULTS_20 =
      "language 20, function 18.6, className 13.0, referencedDoc 18.9, languageAndFunction 16.6, pathRegex 20";
  static final String RESULTS_UNLIMITED =
      "language 27,816, function 10,303, className 1,655, referencedDoc 4,102, languageAndFunction 2,963, pathRegex 50";

  private QueryLatencyTable() {}

  /** Entry point: {@code [results dir] [before dir]} (default {@code results}, no comparison). */
  public static void main(String[] args) throws IOException {
    Path dir = Paths.get(args.length > 0 ? args[0] : "results");
    ResultSet set = ResultSet.load(dir);
    List<JmhResult> rows = set.ofClass(CLASS);
    if (rows.isEmpty()) {
      System.err.println("no " + CLASS + " results in " + dir);
      return;
    }
    JmhResult first = rows.get(0);
    String unit = first.primary().unit();
    StringBuilder md = new StringBuilder("# Query latency over 100,000 cached entries (`QueryLatencyBenchmark`)\n\n")
        .append("`MetaCache.query` on a memory-only cache holding 100,000 source-file entries (languages, functions, ")
        .append("classes, referenced docs with Zipf-like name popularity; see the class Javadoc), one thread, ")
        .append("terms drawn from the same popularity. Sample mode, ").append(unit).append(". JMH ")
        .append(first.settings().asOptions()).append(", JDK ").append(first.settings().jdkVersion()).append(".\n\n")
        .append("Results per query, mean over the first 256 queries of each kind (the data and queries are seeded, ")
        .append("so these are fixed; the trial setup prints them): limit 20: ").append(RESULTS_20)
        .append("; unlimited: ").append(RESULTS_UNLIMITED).append(".\n\n");
    md.append("Machine: ").append(set.run("cpu", cpu())).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" processors (shared); load average when the run started: ").append(set.run("load.start", "not recorded"))
        .append(".\n\n");
    md.append("| Query | limit | mean | ± | p50 | p90 | p99 | p99.9 | max | alloc B/op |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (JmhResult r : rows) {
      md.append("| ").append(r.method()).append(" | ").append(r.param("limit")).append(" | ")
          .append(Format.number(r.primary().score())).append(" | ").append(Format.number(r.primary().error()));
      for (String p : PERCENTILES) {
        md.append(" | ").append(Format.number(percentile(r.percentiles(), p)));
      }
      md.append(" | ").append(Format.number(r.allocationPerOp())).append(" |\n");
    }
    if (args.length > 1) {
      compare(ResultSet.load(Paths.get(args[1])).ofClass(CLASS), rows, args.length > 2 ? args[2] : "", md);
    }
    Files.writeString(dir.resolve("query.md"), md.toString());
    System.out.println("wrote " + dir.resolve("query.md"));
  }

  private static void compare(List<JmhResult> before, List<JmhResult> after, String what, StringBuilder md) {
    md.append("\n## Before and after ").append(what).append("\n\n")
        .append("Same benchmark, same options, run back to back on the same machine (").append(after.get(0).primary().unit())
        .append("; ratio = before over after).\n\n")
        .append("| Query | limit | p50 before | p50 after | p50 ratio | p99 before | p99 after | p99 ratio | mean ratio |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (JmhResult a : after) {
      JmhResult b = before.stream().filter(r -> r.method().equals(a.method()) && r.params().equals(a.params()))
          .findFirst().orElse(null);
      if (b == null) {
        continue;
      }
      double b50 = percentile(b.percentiles(), "50.0");
      double a50 = percentile(a.percentiles(), "50.0");
      double b99 = percentile(b.percentiles(), "99.0");
      double a99 = percentile(a.percentiles(), "99.0");
      md.append("| ").append(a.method()).append(" | ").append(a.param("limit")).append(" | ")
          .append(Format.number(b50)).append(" | ").append(Format.number(a50)).append(" | ").append(Format.ratio(b50 / a50))
          .append(" | ").append(Format.number(b99)).append(" | ").append(Format.number(a99)).append(" | ")
          .append(Format.ratio(b99 / a99)).append(" | ")
          .append(Format.ratio(b.primary().score() / a.primary().score())).append(" |\n");
    }
  }

  private static double percentile(Map<String, Double> percentiles, String p) {
    return percentiles.entrySet().stream().filter(e -> Double.parseDouble(e.getKey()) == Double.parseDouble(p))
        .mapToDouble(Map.Entry::getValue).findFirst().orElse(Double.NaN);
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.replaceAll(".*:\\s*", "")).orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
