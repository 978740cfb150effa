package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.counters.ProcessFigures;
import io.metacache.counters.ProcessRow;
import io.metacache.counters.ProcessStatsReader;
import io.metacache.counters.ProcessTable;
import io.metacache.doctor.Advice;
import io.metacache.doctor.Alert;
import io.metacache.doctor.CacheBounds;
import io.metacache.doctor.CacheDoctor;
import io.metacache.doctor.Diagnosis;
import io.metacache.doctor.DoctorThresholds;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The cache doctor on a cache directory. With other processes using it, reads their live counters
 * twice, {@code --window} apart, and judges the total of the processes live at both reads: rates,
 * drops and advice over the window; the memory tier's use is the fullest process's (a shared tier
 * is the same map in every process). With none, judges this process's own cache after a round trip
 * through every tier: health, memory use and totals. Exits 2 if there is any alert.
 */
@Command(name = "doctor", description = "Alerts and advice, in plain sentences, from the live statistics of the "
    + "processes using the cache (exit status 2 if there is any alert).")
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json", description = "One JSON object.") boolean json;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = "2s",
      description = "Time between the two reads of the live counters, e.g. 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
  String window;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Duration wait = io.metacache.config.ConfigValues.parseDuration("--window", window);
    Path directory = cacheOptions.cacheDirectory();
    ProcessTable first = ProcessStatsReader.of(directory).read(); // before opening: opening reaps dead files
    long firstAt = System.nanoTime();
    try (MetaCache cache = cacheOptions.open()) {
      Diagnosis diagnosis;
      String scope;
      List<ProcessRow> before = first.others();
      if (before.isEmpty()) {
        TierRoundTrip.run(cache, "doctor");
        diagnosis = cache.diagnose();
        scope = "this process: no other process uses " + directory;
      } else {
        CacheDoctor doctor = new CacheDoctor(CacheBounds.of(cache.config(), System::getProperty),
            DoctorThresholds.fromSystemProperties());
        Thread.sleep(wait.toMillis());
        List<ProcessRow> after = ProcessStatsReader.of(directory).read().others();
        long elapsed = System.nanoTime() - firstAt;
        Set<String> live = new HashSet<>();
        after.forEach(r -> live.add(r.pid() + "-" + r.instanceId()));
        List<ProcessRow> kept = before.stream().filter(r -> live.contains(r.pid() + "-" + r.instanceId())).toList();
        Set<String> keptIds = new HashSet<>();
        kept.forEach(r -> keptIds.add(r.pid() + "-" + r.instanceId()));
        List<ProcessRow> now = after.stream().filter(r -> keptIds.contains(r.pid() + "-" + r.instanceId())).toList();
        if (now.isEmpty()) {
          TierRoundTrip.run(cache, "doctor");
          diagnosis = cache.diagnose();
          scope = "this process: the other processes using " + directory + " stopped during the window";
        } else {
          diagnosis = doctor.examine(total(kept), total(now), Duration.ofNanos(elapsed));
          scope = now.size() + " live process(es) using " + directory;
        }
      }
      if (json) {
        out.println(Json.write(report(scope, diagnosis)));
      } else {
        out.println("metacache doctor: " + scope);
        out.print(diagnosis.toText());
      }
      return diagnosis.healthy() ? 0 : 2;
    }
  }

  /** The sum over the rows, with the memory tier's figures of the fullest process. */
  private static ProcessFigures total(List<ProcessRow> rows) {
    ProcessFigures sum = ProcessTable.total(rows);
    ProcessFigures fullest = rows.get(0).figures();
    for (ProcessRow r : rows) {
      if (r.figures().memoryOffHeapBytes() > fullest.memoryOffHeapBytes()) {
        fullest = r.figures();
      }
    }
    return new ProcessFigures(sum.cache(), fullest.memoryEntries(), fullest.memoryOffHeapBytes(),
        sum.writeBehindDepth(), sum.writeBehindLagMillis(), sum.writeBehindRingDrops(), sum.tiers());
  }

  private static Map<String, Object> report(String scope, Diagnosis d) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("scope", scope);
    report.put("windowMillis", d.window().toMillis());
    report.put("healthy", d.healthy());
    List<Object> alerts = new ArrayList<>();
    for (Alert a : d.alerts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", a.kind().name());
      m.put("severity", a.severity().name());
      m.put("subject", a.subject());
      m.put("message", a.message());
      m.put("value", a.value());
      m.put("threshold", a.threshold());
      alerts.add(m);
    }
    report.put("alerts", alerts);
    List<Object> advice = new ArrayList<>();
    for (Advice a : d.advice()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", a.code());
      m.put("property", a.property());
      m.put("text", a.text());
      m.put("evidence", a.evidence());
      advice.add(m);
    }
    report.put("advice", advice);
    return report;
  }
}
