package io.metacache.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result (one benchmark method or group, one parameter combination, one mode) as read from
 * JMH's JSON output.
 *
 * @param benchmark the fully qualified method name
 * @param mode JMH's mode label ({@code thrpt}, {@code avgt}, {@code sample}, {@code ss})
 * @param threads threads the benchmark ran with
 * @param params parameter values, sorted by name
 * @param primary the primary score
 * @param secondary secondary scores: group members, {@code gc.alloc.rate.norm} and the like
 * @param percentiles percentile to value, for sample mode
 * @param settings the run settings worth recording (forks, iterations, JVM arguments)
 * @param file the JSON file it came from
 */
public record JmhResult(String benchmark, String mode, int threads, Map<String, String> params,
    Metric primary, Map<String, Metric> secondary, Map<String, Double> percentiles,
    Settings settings, String file) {

  /** A score, its error (half the 99.9% confidence interval; NaN with one iteration) and unit. */
  public record Metric(double score, double error, String unit) {

    /** Error relative to the score; NaN when unknown. */
    public double relativeError() {
      return score == 0 ? Double.NaN : Math.abs(error / score);
    }
  }

  /** The JMH settings a result was measured with. */
  public record Settings(int forks, int warmupIterations, String warmupTime, int measurementIterations,
      String measurementTime, String jvmArgs, String jdkVersion, String vmName) {

    /** As {@code -f 1 -wi 3 -w 2 s -i 5 -r 2 s}. */
    public String asOptions() {
      return "-f " + forks + " -wi " + warmupIterations + " -w " + warmupTime.replace(" ", "")
          + " -i " + measurementIterations + " -r " + measurementTime.replace(" ", "");
    }
  }

  /** The simple name of the benchmark class. */
  public String className() {
    String withoutMethod = benchmark.substring(0, benchmark.lastIndexOf('.'));
    return withoutMethod.substring(withoutMethod.lastIndexOf('.') + 1);
  }

  /** The method (or group) name. */
  public String method() {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }

  /** A parameter value, or null. */
  public String param(String name) {
    return params.get(name);
  }

  /** A secondary metric, or null. */
  public Metric secondary(String name) {
    return secondary.get(name);
  }

  /** Allocation per operation from {@code -prof gc}, or NaN. */
  public double allocationPerOp() {
    Metric m = secondary.get("gc.alloc.rate.norm");
    return m == null ? Double.NaN : m.score();
  }

  /** Parameters as {@code a=1, b=2}. */
  public String paramsLabel() {
    StringBuilder b = new StringBuilder();
    params.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return b.toString();
  }

  /** A stable identity: benchmark, mode, threads and parameters. */
  public String id() {
    return benchmark + " [" + mode + ", t" + threads + (params.isEmpty() ? "" : ", " + paramsLabel()) + "]";
  }

  static JmhResult of(JsonNode node, String file) {
    Map<String, String> params = new TreeMap<>();
    JsonNode p = node.path("params");
    p.fieldNames().forEachRemaining(name -> params.put(name, p.get(name).asText()));
    JsonNode pm = node.path("primaryMetric");
    Map<String, Double> percentiles = new TreeMap<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
    JsonNode pct = pm.path("scorePercentiles");
    pct.fieldNames().forEachRemaining(k -> percentiles.put(k, pct.get(k).asDouble()));
    Map<String, Metric> secondary = new TreeMap<>();
    JsonNode sm = node.path("secondaryMetrics");
    sm.fieldNames().forEachRemaining(k -> secondary.put(k, metric(sm.get(k))));
    Settings settings = new Settings(node.path("forks").asInt(), node.path("warmupIterations").asInt(),
        node.path("warmupTime").asText(), node.path("measurementIterations").asInt(),
        node.path("measurementTime").asText(), jvmArgs(node.path("jvmArgs")), node.path("jdkVersion").asText(),
        node.path("vmName").asText());
    return new JmhResult(node.path("benchmark").asText(), node.path("mode").asText(), node.path("threads").asInt(),
        params, metric(pm), secondary, percentiles, settings, file);
  }

  private static Metric metric(JsonNode m) {
    return new Metric(number(m.path("score")), number(m.path("scoreError")), m.path("scoreUnit").asText());
  }

  private static double number(JsonNode n) {
    if (n.isNumber()) {
      return n.asDouble();
    }
    return n.isTextual() && !n.asText().equals("NaN") ? Double.parseDouble(n.asText()) : Double.NaN;
  }

  private static String jvmArgs(JsonNode args) {
    StringBuilder b = new StringBuilder();
    args.forEach(a -> b.append(b.length() == 0 ? "" : " ").append(a.asText()));
    return b.toString();
  }
}
