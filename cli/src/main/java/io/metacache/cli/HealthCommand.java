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

/** Prints each tier's health after a round trip through it. */
@Command(name = "health", description = "Health of every tier.")
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--json") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
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
