package io.metacache.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.metacache.bench.peers.BasicCache;
import io.metacache.bench.peers.CacheSpec;
import io.metacache.bench.peers.CacheType;
import io.metacache.bench.peers.KeySpace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Heap and GC pauses with millions of 1 KB entries: the memory tier (off-heap) beside Caffeine
 * (on-heap) holding the same entries. Not a JMH benchmark: the figures are the heap left after a
 * full collection and the pauses the collector took, which JMH's per-operation scores do not show.
 *
 * <p>Each peer runs in its own child JVM with the same flags (this JVM's, plus {@value #CHILD_HEAP}),
 * so that neither inherits the other's heap. In each child: fill {@code entries} entries (a new
 * value array per put, as an extractor would produce), collect twice and read the heap used, then
 * churn: {@code entries} operations, half of them overwriting a random entry with a new value and
 * half reading one. Pauses come from the collectors' notifications, per phase. The resident set
 * (RSS) is read from {@code /proc/self/status}: off-heap memory is still memory.
 *
 * <p>The memory tier runs with the policy named by {@code --policy} (default {@code lru}). With
 * {@code wtinylfu} the fill is quadratic in this revision: {@code WindowTinyLfuPolicy} asks the
 * frequency sketch for {@code 2 * size} counters on every write and the sketch re-allocates its
 * table whenever the request exceeds its exact capacity, i.e. on almost every insert while the tier
 * fills, so 2M entries do not finish. Off-heap storage, the subject here, is the same for every
 * policy; the policy's own primitive arrays differ by a few bytes per entry.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.HeapFootprint --entries 2000000
 * </pre>
 * Writes {@code results/heap-footprint.json} (directory: {@code metacache.results.dir}). With
 * {@code -Dmetacache.bench.smoke=true} (or {@code --smoke}) it holds 20,000 entries.
 */
public final class HeapFootprint {

  static final String CHILD_HEAP = "-Xmx6g";
  static final String POLICY_PROPERTY = "metacache.memory.policy";
  static final int VALUE_BYTES = 1024;
  static final List<CacheType> PEERS = List.of(CacheType.MemoryTier, CacheType.Caffeine);

  private HeapFootprint() {}

  /**
   * Entry point: {@code [--entries N] [--policy lru|lfu|wtinylfu] [--smoke] [--in-process]}, or
   * {@code --child TYPE N} internally.
   */
  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    if (a.size() == 3 && a.get(0).equals("--child")) {
      System.out.println(measure(CacheType.valueOf(a.get(1)), Integer.parseInt(a.get(2))));
      return;
    }
    boolean smoke = a.contains("--smoke") || Boolean.getBoolean("metacache.bench.smoke");
    int entries = a.contains("--entries") ? Integer.parseInt(a.get(a.indexOf("--entries") + 1))
        : smoke ? 20_000 : 2_000_000;
    boolean inProcess = a.contains("--in-process");
    String policy = a.contains("--policy") ? a.get(a.indexOf("--policy") + 1) : "lru";
    if (!inProcess) {
      System.setProperty(POLICY_PROPERTY, policy);
    }
    List<String> rows = new ArrayList<>();
    for (CacheType peer : PEERS) {
      String row = inProcess ? measure(peer, entries) : child(peer, entries);
      System.out.println(row);
      rows.add(row);
    }
    String json = "{\n  \"entries\": " + entries + ",\n  \"valueBytes\": " + VALUE_BYTES
        + ",\n  \"jdk\": \"" + System.getProperty("java.version") + "\",\n  \"childHeap\": \""
        + (inProcess ? "in-process" : CHILD_HEAP) + "\",\n  \"memoryTierPolicy\": \""
        + (inProcess ? System.getProperty(POLICY_PROPERTY, "wtinylfu") : policy) + "\",\n  \"rows\": [\n    "
        + String.join(",\n    ", rows) + "\n  ]\n}\n";
    Path results = Paths.get(System.getProperty("metacache.results.dir", "results"));
    Files.createDirectories(results);
    Files.writeString(results.resolve("heap-footprint.json"), json, StandardCharsets.UTF_8);
  }

  private static String child(CacheType peer, int entries) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms") && !arg.startsWith("-agentlib")
          && !arg.startsWith("-D" + POLICY_PROPERTY + "=")) {
        command.add(arg);
      }
    }
    command.add("-D" + POLICY_PROPERTY + "=" + System.getProperty(POLICY_PROPERTY, "lru"));
    command.add(CHILD_HEAP);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(HeapFootprint.class.getName());
    command.add("--child");
    command.add(peer.name());
    command.add(Integer.toString(entries));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String row = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("{")) {
          row = line;
        }
      }
    }
    int status = process.waitFor();
    if (status != 0 || row == null) {
      throw new IllegalStateException("child for " + peer + " exited with " + status);
    }
    return row;
  }

  /** Pauses seen by the collectors' notifications since the last {@link #take()}. */
  static final class Pauses {
    private final List<Long> millis = new ArrayList<>();

    synchronized void add(long pauseMillis) {
      millis.add(pauseMillis);
    }

    synchronized long[] take() {
      long[] out = millis.stream().mapToLong(Long::longValue).toArray();
      millis.clear();
      return out;
    }
  }

  static String measure(CacheType peer, int entries) throws IOException {
    Pauses pauses = new Pauses();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            // Concurrent cycles (G1's "G1 Concurrent GC") do not stop the application.
            if (!info.getGcName().contains("Concurrent")) {
              pauses.add(info.getGcInfo().getDuration());
            }
          }
        }, null, null);
      }
    }
    Path work = Files.createTempDirectory("metacache-heap-footprint");
    KeySpace keys = KeySpace.of(entries);
    long baseline = heapAfterGc();
    pauses.take();
    long fillStart = System.nanoTime();
    BasicCache cache = peer.create(new CacheSpec(entries, VALUE_BYTES, keys, work));
    try {
      SplittableRandom random = new SplittableRandom(1);
      for (int i = 0; i < entries; i++) {
        cache.put(keys.high(i), KeySpace.low(i), value(random));
      }
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      long[] fillPauses = pauses.take();
      long heap = heapAfterGc();
      pauses.take();
      long churnStart = System.nanoTime();
      long hits = 0;
      for (int i = 0; i < entries; i++) {
        int key = random.nextInt(entries);
        if ((i & 1) == 0) {
          cache.put(keys.high(key), KeySpace.low(key), value(random));
        } else if (cache.get(keys.high(key), KeySpace.low(key)) != null) {
          hits++;
        }
      }
      double churnSeconds = (System.nanoTime() - churnStart) / 1e9;
      long[] churnPauses = pauses.take();
      long rss = residentBytes();
      return String.format(Locale.ROOT, "{\"cache\": \"%s\", \"heapUsedAfterGcBytes\": %d, "
          + "\"heapBaselineBytes\": %d, \"rssBytes\": %d, \"fillSeconds\": %.3f, \"fillGcCount\": %d, "
          + "\"fillGcPauseMs\": %d, \"fillMaxPauseMs\": %d, \"churnSeconds\": %.3f, \"churnGcCount\": %d, "
          + "\"churnGcPauseMs\": %d, \"churnMaxPauseMs\": %d, \"churnHits\": %d}",
          peer.name(), heap, baseline, rss, fillSeconds, fillPauses.length, sum(fillPauses),
          max(fillPauses), churnSeconds, churnPauses.length, sum(churnPauses), max(churnPauses), hits);
    } finally {
      cache.close();
      Files.deleteIfExists(work);
    }
  }

  private static byte[] value(SplittableRandom random) {
    byte[] value = new byte[VALUE_BYTES];
    random.nextBytes(value);
    value[0] = 'v'; // never the entry magic
    return value;
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }

  private static long max(long[] values) {
    long m = 0;
    for (long v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
