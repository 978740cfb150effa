package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.TierHealth;
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

/** Prints each tier's health; exits 2 if any tier is not UP. */
@Command(name = "health", description = "Health of every tier (exit status 2 if any is not UP).")
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json", description = "A JSON array.") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
      // A round trip through every tier first, so a fresh process has something to report.
      String probe = "cli:health:" + ProcessHandle.current().pid();
      cache.keyValue().set(probe, System.currentTimeMillis(), java.time.Duration.ofMinutes(1));
      cache.flush();
      cache.keyValue().delete(probe);
      cache.flush();
      List<Object> rows = new ArrayList<>();
      boolean allUp = true;
      for (TierHealth h : cache.health()) {
        allUp &= h.status() == TierHealth.Status.UP;
        if (json) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("tier", h.tier());
          row.put("status", h.status().name());
          row.put("circuit", h.circuit());
          row.put("lastError", h.lastError());
          row.put("readP99Micros", h.readLatency().p99() / 1000);
          rows.add(row);
        } else {
          out.printf("%-8s %-9s circuit=%-9s %s%n", h.tier(), h.status(), h.circuit(),
              h.lastError() == null ? "" : "last error: " + h.lastError());
        }
      }
      if (json) {
        out.println(Json.write(rows));
      }
      return allUp ? 0 : 2;
    }
  }
}
