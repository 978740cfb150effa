package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.memory.MemoryTierStats;
import io.metacache.stats.CacheStats;
import io.metacache.writebehind.TierWriteStats;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints what the tiers hold. Counters are per process, so a fresh process shows the stored sizes. */
@Command(name = "stats", description = "Entries held by each tier, and this process's counters.")
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json", description = "One JSON object.") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
      CacheStats s = cache.stats();
      MemoryTierStats m = cache.memoryStats();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("cacheDirectory", cache.config().cacheDirectory().toString());
      row.put("tiers", cache.tierNames());
      row.put("entriesByTier", cache.entriesByTier());
      row.put("memoryOffHeapBytesUsed", m.offHeapBytesUsed());
      row.put("requests", s.requests());
      row.put("hitsByTier", s.hitsByTier());
      row.put("misses", s.misses());
      row.put("hitRate", s.hitRate());
      row.put("puts", s.puts());
      row.put("evictions", s.evictions());
      row.put("expirations", s.expirations());
      cache.writeBehindStats().ifPresent(w -> {
        row.put("writeBehindDepth", w.depth());
        row.put("writeBehindLagMillis", w.lagMillis());
        Map<String, Object> failures = new LinkedHashMap<>();
        for (TierWriteStats t : w.tiers()) {
          failures.put(t.tier(), t.failures());
        }
        row.put("writeBehindFailuresByTier", failures);
      });
      if (json) {
        out.println(Json.write(row));
      } else {
        row.forEach((k, v) -> out.printf("%-26s %s%n", k, v instanceof Map || v instanceof java.util.List ? Json.write(v) : v));
      }
    }
    return 0;
  }
}
