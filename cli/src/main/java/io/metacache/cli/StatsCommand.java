package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.counters.ProcessFigures;
import io.metacache.counters.ProcessRow;
import io.metacache.counters.ProcessStatsReader;
import io.metacache.counters.ProcessTable;
import io.metacache.counters.TierState;
import io.metacache.internal.StoreQuarantine;
import io.metacache.memory.MemoryTierStats;
import io.metacache.stats.CacheStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints what the tiers hold and the live counters of every process using the cache directory,
 * one row per open cache and the total, read from their counters files ({@code procs/}) as
 * AeronStat reads a media driver's. This command's own cache is left out of the rows and the
 * total: it only reads (the directory is read before it opens, and caches of this JVM are
 * excluded). Files of processes that died are removed on the way and listed once.
 */
@Command(name = "stats", description = "Entries held by each tier, and the live counters of every process using the cache.")
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json", description = "One JSON object.") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // Read before opening: opening a cache reaps dead processes' files, and this read reports them.
    ProcessTable table = ProcessStatsReader.of(cacheOptions.cacheDirectory()).read();
    try (MetaCache cache = cacheOptions.open()) {
      MemoryTierStats m = cache.memoryStats();
      List<ProcessRow> rows = table.others();
      ProcessFigures total = ProcessTable.total(rows);
      long now = System.currentTimeMillis();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("cacheDirectory", cache.config().cacheDirectory().toString());
      report.put("tiers", cache.tierNames());
      report.put("entriesByTier", cache.entriesByTier());
      report.put("memoryOffHeapBytesUsed", m.offHeapBytesUsed());
      report.put("quarantinedStoresKept", quarantinedStoresKept(cache));
      report.put("self", ProcessHandle.current().pid());
      report.putAll(counters(total)); // the total over the live processes
      List<Object> processes = new ArrayList<>();
      for (ProcessRow r : rows) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pid", r.pid());
        row.put("label", r.label());
        row.put("startedAtMillis", r.startedAtMillis());
        row.put("heartbeatAgeMillis", r.heartbeatAgeMillis(now));
        row.putAll(counters(r.figures()));
        row.put("getP99Micros", r.figures().cache().getLatency().p99() / 1000);
        processes.add(row);
      }
      report.put("processes", processes);
      List<Object> dead = new ArrayList<>();
      for (ProcessRow r : table.dead()) {
        dead.add(r.pid());
      }
      report.put("deadProcessesRemoved", dead);
      if (json) {
        out.println(Json.write(report));
      } else {
        for (String key : List.of("cacheDirectory", "tiers", "entriesByTier", "memoryOffHeapBytesUsed",
            "quarantinedStoresKept")) {
          Object v = report.get(key);
          out.printf("%-26s %s%n", key, v instanceof Map || v instanceof List ? Json.write(v) : v);
        }
        printTable(out, cache.tierNames(), rows, total, now);
        if (!dead.isEmpty()) {
          out.printf("removed the counters of %d dead process(es): %s%n", dead.size(), dead);
        }
      }
    }
    return 0;
  }

  /**
   * The quarantined copies of corrupt stores kept in each tier's directory (names ending in
   * {@code .corrupt-<time>}): the lasting trace of the events counted live as {@code stores
   * quarantined}, which leave with the process that counted them.
   */
  static Map<String, Object> quarantinedStoresKept(MetaCache cache) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (String tier : cache.tierNames()) {
      java.nio.file.Path dir = tier.equals("memory")
          ? cache.config().sharedMemoryFile().toAbsolutePath().getParent()
          : cache.config().cacheDirectory().resolve(tier);
      List<String> names = StoreQuarantine.kept(dir);
      if (!names.isEmpty()) {
        kept.put(tier, names);
      }
    }
    return kept;
  }

  /** The counter fields of one row (or the total), by the names the JSON has always used. */
  static Map<String, Object> counters(ProcessFigures f) {
    CacheStats s = f.cache();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("requests", s.requests());
    row.put("hitsByTier", s.hitsByTier());
    row.put("misses", s.misses());
    row.put("hitRate", s.hitRate());
    row.put("puts", s.puts());
    row.put("evictions", s.evictions());
    row.put("expirations", s.expirations());
    row.put("invalidations", s.invalidations());
    row.put("memoryEntries", f.memoryEntries());
    row.put("writeBehindDepth", f.writeBehindDepth());
    row.put("writeBehindLagMillis", f.writeBehindLagMillis());
    Map<String, Object> failures = new LinkedHashMap<>();
    for (TierState t : f.tiers()) {
      if (!t.tier().equals("memory")) {
        failures.put(t.tier(), t.writeFailures());
      }
    }
    row.put("writeBehindFailuresByTier", failures);
    Map<String, Object> quarantined = new LinkedHashMap<>();
    for (TierState t : f.tiers()) {
      quarantined.put(t.tier(), t.storesQuarantined());
    }
    row.put("storesQuarantinedByTier", quarantined);
    return row;
  }

  private static void printTable(PrintWriter out, List<String> tiers, List<ProcessRow> rows, ProcessFigures total,
      long now) {
    out.printf("%d live process(es) using this directory (this one not counted)%n", rows.size());
    StringBuilder header = new StringBuilder(String.format("%-8s %10s %6s", "PID", "REQUESTS", "HIT%"));
    for (String tier : tiers) {
      header.append(String.format(" %10s", "hits:" + tier));
    }
    header.append(String.format(" %9s %9s %9s %8s %8s %9s  %s", "MISSES", "PUTS", "EVICTED", "WB-DEPTH", "WB-LAG",
        "HEARTBEAT", "COMMAND"));
    out.println(header);
    for (ProcessRow r : rows) {
      out.println(line(String.valueOf(r.pid()), tiers, r.figures(), r.heartbeatAgeMillis(now) + "ms", r.label()));
    }
    out.println(line("total", tiers, total, "", ""));
    StringBuilder quarantined = new StringBuilder();
    for (TierState t : total.tiers()) {
      if (t.storesQuarantined() > 0) {
        quarantined.append(quarantined.length() == 0 ? "" : ", ").append(t.tier()).append(' ').append(t.storesQuarantined());
      }
    }
    if (quarantined.length() > 0) {
      out.println("stores quarantined (corrupt, moved aside, tier started empty): " + quarantined);
    }
  }

  private static String line(String first, List<String> tiers, ProcessFigures f, String heartbeat, String label) {
    CacheStats s = f.cache();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %10d %6.1f", first, s.requests(),
        100 * s.hitRate()));
    for (String tier : tiers) {
      b.append(String.format(" %10d", s.hits(tier)));
    }
    b.append(String.format(" %9d %9d %9d %8d %8s %9s  %s", s.misses(), s.puts(), s.evictions(), f.writeBehindDepth(),
        f.writeBehindLagMillis() + "ms", heartbeat, label));
    return b.toString().stripTrailing();
  }
}
