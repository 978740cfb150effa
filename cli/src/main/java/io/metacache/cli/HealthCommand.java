package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.counters.ProcessRow;
import io.metacache.counters.ProcessStatsReader;
import io.metacache.counters.TierState;
import io.metacache.writebehind.TierWriteStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints each tier's health: this process's (after a round trip through every tier), then that of
 * every other live process using the cache directory, from its counters file. Exits 2 if any tier
 * of any of them is not UP. The JSON rows also carry each tier's failed write batches, dropped
 * writes and (for this process) the first write error.
 */
@Command(name = "health", description = "Health of every tier, of this and every live process using the cache "
    + "(exit status 2 if any is not UP).")
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json", description = "A JSON array, one element per process and tier.") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
      // A round trip through every tier first, so a fresh process has something to report.
      TierRoundTrip.run(cache, "health");
      long self = ProcessHandle.current().pid();
      List<Object> rows = new ArrayList<>();
      boolean allUp = true;
      if (!json) {
        out.printf("%-8s %-8s %-9s %-10s %s%n", "PID", "TIER", "STATUS", "CIRCUIT", "LAST ERROR");
      }
      Map<String, TierWriteStats> writes = new LinkedHashMap<>();
      cache.writeBehindStats().ifPresent(w -> w.tiers().forEach(t -> writes.put(t.tier(), t)));
      for (TierHealth h : cache.health()) {
        allUp &= h.status() == TierHealth.Status.UP;
        TierWriteStats w = writes.get(h.tier());
        row(out, rows, self, true, h.tier(), h.status(), h.circuit(), h.lastError(), h.readLatency().p99(),
            w == null ? 0 : w.failures(), w == null ? 0 : w.drops(), w == null ? null : w.firstError());
      }
      for (ProcessRow p : ProcessStatsReader.of(cache.config().cacheDirectory()).read().others()) {
        for (TierState t : p.figures().tiers()) {
          allUp &= t.status() == TierHealth.Status.UP;
          row(out, rows, p.pid(), false, t.tier(), t.status(), t.circuit().name(), t.lastError(), t.readP99Nanos(),
              t.writeFailures(), t.writeDrops(), null);
        }
      }
      if (json) {
        out.println(Json.write(rows));
      } else {
        out.println("* this process");
      }
      return allUp ? 0 : 2;
    }
  }

  private void row(PrintWriter out, List<Object> rows, long pid, boolean self, String tier, TierHealth.Status status,
      String circuit, String lastError, long readP99Nanos, long writeFailures, long writeDrops, String firstWriteError) {
    if (json) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("pid", pid);
      row.put("self", self);
      row.put("tier", tier);
      row.put("status", status.name());
      row.put("circuit", circuit);
      row.put("lastError", lastError);
      row.put("readP99Micros", readP99Nanos / 1000);
      row.put("writeFailures", writeFailures);
      row.put("writeDrops", writeDrops);
      row.put("firstWriteError", firstWriteError);
      rows.add(row);
    } else {
      out.println(String.format("%-8s %-8s %-9s %-10s %s", pid + (self ? "*" : ""), tier, status, circuit,
          lastError == null ? "" : lastError).stripTrailing());
    }
  }
}
