package io.metacache.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Everything one run left in a results directory: the JMH JSON files (any {@code *.json} holding
 * an array), the hit-rate replay ({@code hitrate.json}), the heap footprint
 * ({@code heap-footprint.json}), the scan throughput ({@code scan.json}), the shared tier read by
 * one and two processes ({@code shared-memory-processes.json}) and the run's settings
 * ({@code run.properties}). A benchmark class
 * found in several files is taken from the file named after it by the suite's convention
 * ({@code FooBarBenchmark} in {@code foo-bar.json}), else from the first file by name, so that a
 * stale copy never doubles a table.
 */
public final class ResultSet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<JmhResult> results;
  private final JsonNode hitRate;
  private final JsonNode heapFootprint;
  private final Map<String, JsonNode> others;
  private final Properties run;

  private ResultSet(Path dir, List<JmhResult> results, JsonNode hitRate, JsonNode heapFootprint,
      Map<String, JsonNode> others, Properties run) {
    this.dir = dir;
    this.results = results;
    this.hitRate = hitRate;
    this.heapFootprint = heapFootprint;
    this.others = others;
    this.run = run;
  }

  /** Reads a results directory; a missing directory is an empty set. */
  public static ResultSet load(Path dir) throws IOException {
    Map<String, List<JmhResult>> byFile = new TreeMap<>();
    JsonNode hitRate = null;
    JsonNode heap = null;
    Map<String, JsonNode> others = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
        for (Path file : files) {
          JsonNode root;
          try {
            root = JSON.readTree(file.toFile());
          } catch (IOException e) {
            System.err.println("skipping unreadable " + file + ": " + e.getMessage());
            continue;
          }
          String name = file.getFileName().toString();
          if (name.equals("hitrate.json")) {
            hitRate = root;
          } else if (name.equals("heap-footprint.json")) {
            heap = root;
          } else if (root != null && root.isArray()) {
            List<JmhResult> list = new ArrayList<>();
            root.forEach(node -> list.add(JmhResult.of(node, name)));
            byFile.put(name, list);
          } else if (root != null && root.isObject()) {
            others.put(name, root);
          }
        }
      }
    }
    Map<String, String> fileOfClass = new TreeMap<>();
    for (Map.Entry<String, List<JmhResult>> e : byFile.entrySet()) {
      for (JmhResult r : e.getValue()) {
        String cls = r.className();
        String preferred = conventionalFile(cls);
        String held = fileOfClass.get(cls);
        if (held == null || (!held.equals(preferred) && e.getKey().equals(preferred))) {
          fileOfClass.put(cls, e.getKey());
        }
      }
    }
    List<JmhResult> results = new ArrayList<>();
    byFile.forEach((file, list) -> list.stream()
        .filter(r -> file.equals(fileOfClass.get(r.className())))
        .forEach(results::add));
    Properties run = new Properties();
    Path props = dir.resolve("run.properties");
    if (Files.isRegularFile(props)) {
      try (Reader in = Files.newBufferedReader(props)) {
        run.load(in);
      }
    }
    return new ResultSet(dir, Collections.unmodifiableList(results), hitRate, heap,
        Collections.unmodifiableMap(others), run);
  }

  /** {@code FooBarBenchmark} to {@code foo-bar.json}. */
  public static String conventionalFile(String benchmarkClass) {
    String base = benchmarkClass.endsWith("Benchmark")
        ? benchmarkClass.substring(0, benchmarkClass.length() - "Benchmark".length()) : benchmarkClass;
    return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + ".json";
  }

  public Path dir() {
    return dir;
  }

  /** Every JMH result, in file order then JMH's order. */
  public List<JmhResult> results() {
    return results;
  }

  /** Benchmark classes present, sorted. */
  public List<String> classes() {
    TreeSet<String> names = new TreeSet<>();
    results.forEach(r -> names.add(r.className()));
    return List.copyOf(names);
  }

  /** Results of one class. */
  public List<JmhResult> ofClass(String className) {
    return select(r -> r.className().equals(className));
  }

  /** Results matching a predicate. */
  public List<JmhResult> select(Predicate<JmhResult> filter) {
    return results.stream().filter(filter).toList();
  }

  /** The one result of a class and method with the given parameters (a subset), if any. */
  public Optional<JmhResult> find(String className, String method, Map<String, String> params) {
    return results.stream()
        .filter(r -> r.className().equals(className) && r.method().equals(method))
        .filter(r -> params.entrySet().stream().allMatch(e -> e.getValue().equals(r.param(e.getKey()))))
        .findFirst();
  }

  /** Values a parameter takes in a class, in first-seen order. */
  public List<String> paramValues(String className, String param) {
    LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
    ofClass(className).forEach(r -> {
      if (r.param(param) != null) {
        seen.put(r.param(param), true);
      }
    });
    return List.copyOf(seen.keySet());
  }

  public Optional<JsonNode> hitRate() {
    return Optional.ofNullable(hitRate);
  }

  public Optional<JsonNode> heapFootprint() {
    return Optional.ofNullable(heapFootprint);
  }

  /** The scan throughput ({@code scan.json}), if present. */
  public Optional<JsonNode> scan() {
    return Optional.ofNullable(others.get("scan.json"));
  }

  /** One and two processes reading one shared tier ({@code shared-memory-processes.json}), if present. */
  public Optional<JsonNode> sharedProcesses() {
    return Optional.ofNullable(others.get("shared-memory-processes.json"));
  }

  /** A setting of the run ({@code run.properties}), or the default. */
  public String run(String key, String otherwise) {
    return run.getProperty(key, otherwise);
  }
}
