package io.metacache.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * PNG charts drawn with XChart: throughput and latency percentiles by peer, hit rate by trace and
 * policy, heap by peer. Each chart is written only when its data is present; fixed sizes and
 * series order keep re-runs comparable.
 */
final class Charts {

  static final String GET_PUT = Goals.GET_PUT;
  static final List<String> GROUPS = List.of("hitHeavy1", "hitHeavy2", "writeHeavy1", "writeHeavy2");

  private Charts() {}

  /** Writes every chart it has data for into {@code dir}; returns the file names written. */
  static List<String> write(ResultSet set, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<String> written = new ArrayList<>();
    throughput(set, dir, written);
    latency(set, dir, written);
    hitRate(set, dir, written);
    heap(set, dir, written);
    return written;
  }

  private static void throughput(ResultSet set, Path dir, List<String> written) throws IOException {
    List<String> types = set.paramValues(GET_PUT, "cacheType");
    for (String bytes : set.paramValues(GET_PUT, "valueBytes")) {
      List<String> groups = GROUPS.stream()
          .filter(g -> set.find(GET_PUT, g, Map.of("valueBytes", bytes)).isPresent()).toList();
      if (groups.isEmpty() || types.isEmpty()) {
        continue;
      }
      CategoryChart chart = chart("Throughput by peer, Zipf keys, " + Goals.kb(bytes) + " values (log scale)",
          "workload", "ops/us", 1200, 600);
      chart.getStyler().setYAxisLogarithmic(true);
      for (String type : types) {
        List<Double> ys = new ArrayList<>();
        for (String g : groups) {
          ys.add(set.find(GET_PUT, g, Map.of("cacheType", type, "valueBytes", bytes))
              .map(r -> r.primary().score()).orElse(Double.NaN));
        }
        chart.addSeries(type, new ArrayList<>(groups), positive(ys));
      }
      written.add(save(chart, dir, "throughput-" + bytes + "b"));
    }
  }

  private static void latency(ResultSet set, Path dir, List<String> written) throws IOException {
    for (String bytes : set.paramValues(GET_PUT, "valueBytes")) {
      List<JmhResult> sampled = set.select(r -> r.className().equals(GET_PUT)
          && r.method().equals("hitHeavyLatency") && bytes.equals(r.param("valueBytes")));
      if (sampled.isEmpty()) {
        continue;
      }
      Map<String, String> shown = new LinkedHashMap<>();
      shown.put("50.0", "p50");
      shown.put("90.0", "p90");
      shown.put("99.0", "p99");
      shown.put("99.9", "p99.9");
      shown.put("99.99", "p99.99");
      CategoryChart chart = chart("Latency percentiles by peer, 95% get mix, 1 thread, " + Goals.kb(bytes)
          + " values (log scale)", "percentile", sampled.get(0).primary().unit(), 1200, 600);
      chart.getStyler().setYAxisLogarithmic(true);
      for (JmhResult r : sampled) {
        List<Double> ys = new ArrayList<>();
        for (String p : shown.keySet()) {
          ys.add(r.percentiles().entrySet().stream()
              .filter(e -> Double.parseDouble(e.getKey()) == Double.parseDouble(p))
              .map(Map.Entry::getValue).findFirst().orElse(Double.NaN));
        }
        chart.addSeries(r.param("cacheType"), new ArrayList<>(shown.values()), positive(ys));
      }
      written.add(save(chart, dir, "latency-" + bytes + "b"));
    }
  }

  private static void hitRate(ResultSet set, Path dir, List<String> written) throws IOException {
    Optional<JsonNode> h = set.hitRate();
    if (h.isEmpty() || h.get().path("rows").isEmpty()) {
      return;
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode r : h.get().path("rows")) {
      labels.add(r.path("trace").asText() + "@" + r.path("size").asText());
    }
    CategoryChart chart = chart("Hit rate by trace and policy", "trace@size", "hit rate %",
        Math.max(1200, 60 * labels.size()), 700);
    chart.getStyler().setXAxisLabelRotation(60);
    for (String policy : List.of("lru", "lfu", "wtinylfu", "caffeine")) {
      List<Double> ys = new ArrayList<>();
      for (JsonNode r : h.get().path("rows")) {
        ys.add(r.path(policy).asDouble());
      }
      chart.addSeries(policy, labels, ys);
    }
    written.add(save(chart, dir, "hitrate"));
  }

  private static void heap(ResultSet set, Path dir, List<String> written) throws IOException {
    Optional<JsonNode> h = set.heapFootprint();
    if (h.isEmpty() || h.get().path("rows").isEmpty()) {
      return;
    }
    CategoryChart chart = chart(String.format("Heap and resident memory with %,d entries of 1 KB",
        h.get().path("entries").asLong()), "peer", "MiB", 900, 500);
    List<String> peers = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    for (JsonNode r : h.get().path("rows")) {
      peers.add(r.path("cache").asText());
      heap.add(r.path("heapUsedAfterGcBytes").asDouble() / (1 << 20));
      rss.add(r.path("rssBytes").asDouble() / (1 << 20));
    }
    chart.addSeries("heap used after GC", peers, heap);
    chart.addSeries("resident set (heap + off-heap)", peers, rss);
    written.add(save(chart, dir, "heap"));
  }

  private static CategoryChart chart(String title, String x, String y, int width, int height) {
    CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
        .xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setAntiAlias(true);
    return chart;
  }

  /** Log axes cannot show zero: missing and zero values are left out (null). */
  private static List<Double> positive(List<Double> ys) {
    List<Double> out = new ArrayList<>();
    for (Double y : ys) {
      out.add(y == null || Double.isNaN(y) || y <= 0 ? null : y);
    }
    return out;
  }

  private static String save(CategoryChart chart, Path dir, String name) throws IOException {
    if (chart.getStyler().isYAxisLogarithmic()) {
      // Bars start from the axis minimum, which must be positive on a log axis.
      double min = chart.getSeriesMap().values().stream()
          .flatMap(series -> series.getYData().stream())
          .mapToDouble(Number::doubleValue).filter(v -> v > 0).min().orElse(1);
      chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
    }
    BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
    return name + ".png";
  }
}
