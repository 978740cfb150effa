package io.metacache.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares a new run with the committed one and prints the figures that moved by more than their
 * noise: every goal's ratio, and every peer's throughput relative to the memory tier in the
 * workload benchmark, plus every JMH score. The noise allowed for a figure is the larger of the
 * relative errors JMH recorded for it in either run and {@code metacache.compare.noise} (default
 * 0.10, what a shared 2-core machine moves between runs).
 *
 * <p>Run from the repository root:
 * <pre>
 * java -cp bench/target/benchmarks.jar io.metacache.bench.report.CompareResults NEW_DIR [OLD_DIR=results]
 * </pre>
 * Exits 0 either way: the output is for people; a figure that moved is a reason to look, not a failure.
 */
public final class CompareResults {

  static final double DEFAULT_NOISE = Double.parseDouble(System.getProperty("metacache.compare.noise", "0.10"));

  private CompareResults() {}

  /** Entry point: {@code NEW_DIR [OLD_DIR]}. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: CompareResults NEW_DIR [OLD_DIR=results]");
      System.exit(64);
    }
    ResultSet fresh = ResultSet.load(Paths.get(args[0]));
    ResultSet old = ResultSet.load(Paths.get(args.length > 1 ? args[1] : "results"));
    System.out.print(report(fresh, old));
  }

  /** The comparison as text. */
  static String report(ResultSet fresh, ResultSet old) {
    Map<String, Ratio> before = figures(old);
    Map<String, Ratio> after = figures(fresh);
    List<String> moved = new ArrayList<>();
    int compared = 0;
    for (Map.Entry<String, Ratio> e : after.entrySet()) {
      Ratio b = before.get(e.getKey());
      if (b == null) {
        continue;
      }
      Ratio a = e.getValue();
      compared++;
      double noise = Math.max(DEFAULT_NOISE, Math.max(finite(a.relativeError()), finite(b.relativeError())));
      double change = b.value() == 0 ? (a.value() == 0 ? 0 : Double.POSITIVE_INFINITY)
          : (a.value() - b.value()) / Math.abs(b.value());
      if (Math.abs(change) > noise) {
        moved.add(String.format(Locale.ROOT, "  %-9s %+7.1f%% (noise %4.1f%%)  %s: %s -> %s%n",
            change > 0 ? "up" : "down", change * 100, noise * 100, a.label(),
            Format.number(b.value()), Format.number(a.value())));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "compared %d figures (%s vs %s); %d moved beyond their noise%n",
        compared, fresh.dir(), old.dir(), moved.size()));
    moved.stream().sorted().forEach(out::append);
    List<String> onlyNew = after.keySet().stream().filter(k -> !before.containsKey(k)).toList();
    List<String> onlyOld = before.keySet().stream().filter(k -> !after.containsKey(k)).toList();
    if (!onlyNew.isEmpty()) {
      out.append("new figures (not in the old run): ").append(onlyNew.size()).append('\n');
    }
    if (!onlyOld.isEmpty()) {
      out.append("figures missing from the new run: ").append(onlyOld.size()).append('\n');
      onlyOld.stream().sorted().limit(20).forEach(k -> out.append("  ").append(k).append('\n'));
    }
    return out.toString();
  }

  /** Goal ratios, same-run peer ratios of the workload benchmark, and every JMH score. */
  static Map<String, Ratio> figures(ResultSet set) {
    Map<String, Ratio> figures = new LinkedHashMap<>();
    for (Goals.Row row : Goals.of(set)) {
      figures.put(row.ratio().id(), row.ratio());
    }
    for (JmhResult r : set.select(x -> x.className().equals(Goals.GET_PUT) && x.param("cacheType") != null)) {
      Map<String, String> base = new LinkedHashMap<>(r.params());
      base.put("cacheType", "MemoryTier");
      set.find(Goals.GET_PUT, r.method(), base).filter(b -> b != r).ifPresent(b -> {
        String id = "peer." + r.method() + "." + r.paramsLabel();
        figures.put(id, Ratio.of(id, r.method() + " " + r.paramsLabel() + " / MemoryTier", r.primary(), b.primary()));
      });
    }
    for (JmhResult r : set.results()) {
      figures.put("score." + r.id(), new Ratio("score." + r.id(), r.id() + " (" + r.primary().unit() + ")",
          r.primary().score(), r.primary().relativeError()));
    }
    return figures;
  }

  private static double finite(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? 0 : v;
  }
}
