package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.memory.MemoryTierStats;
import io.metacache.stats.CacheStats;
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
@Command(name = "stats", description = "Entries held by each tier.")
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
      CacheStats s = cache.stats();
      MemoryTierStats m = cache.memoryStats();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("tiers", cache.tierNames());
      row.put("entriesByTier", cache.entriesByTier());
      row.put("memoryOffHeapBytesUsed", m.offHeapBytesUsed());
      row.put("requests", s.requests());
      row.put("hitRate", s.hitRate());
      if (json) {
        out.println(Json.write(row));
      } else {
        row.forEach((k, v) -> out.printf("%-24s %s%n", k, v));
      }
    }
    return 0;
  }
}
