package io.metacache;

import io.metacache.config.ConfigValues;
import io.metacache.counters.CountersPublisher;
import io.metacache.counters.ProcessFigures;
import io.metacache.counters.TierState;
import io.metacache.internal.StoreQuarantine;
import io.metacache.memory.MemoryTierStats;
import io.metacache.writebehind.CircuitState;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The glue between a {@link MetaCache} and its shared process counters
 * ({@code io.metacache.counters}): whether to publish, how often, under which label, and the
 * figures to publish, taken from the cache's public snapshots ({@link MetaCache#stats()},
 * {@link MetaCache#health()}, the memory tier's and the pipeline's statistics).
 *
 * <p>A cache publishes when {@value MetaCache#SHARED_STATS_PROPERTY} is not {@code false} and its
 * cache directory exists (opening a lower tier by name creates it; a memory-only cache on a
 * directory nobody made publishes nothing, so library tests and embedded uses do not litter
 * {@code ~/.cache}).
 */
final class SharedStats {
  static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

  private SharedStats() {}

  /** The publishing settings, validated. */
  record Settings(boolean enabled, Duration interval, String label) {}

  /** Reads and validates the settings; throws {@code IllegalArgumentException} naming a bad value. */
  static Settings settings(Function<String, String> properties) {
    return new Settings(enabled(properties), interval(properties), label(properties));
  }

  /** Starts publishing for {@code cache}, or returns null when off or impossible (logged by the publisher). */
  static CountersPublisher start(MetaCache cache, Settings settings) {
    if (!settings.enabled()) {
      return null;
    }
    Path directory = cache.config().cacheDirectory();
    if (!Files.isDirectory(directory)) {
      return null;
    }
    return CountersPublisher.start(directory, cache.tierNames(), () -> figures(cache), settings.interval(),
        settings.label());
  }

  static boolean enabled(Function<String, String> properties) {
    String raw = properties.apply(MetaCache.SHARED_STATS_PROPERTY);
    if (raw == null || raw.isBlank()) {
      return true;
    }
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true": return true;
      case "false": return false;
      default: throw ConfigValues.invalid(MetaCache.SHARED_STATS_PROPERTY, raw, "true or false");
    }
  }

  static Duration interval(Function<String, String> properties) {
    String raw = properties.apply(MetaCache.SHARED_STATS_INTERVAL_PROPERTY);
    if (raw == null || raw.isBlank()) {
      return DEFAULT_INTERVAL;
    }
    Duration d = ConfigValues.parseDuration(MetaCache.SHARED_STATS_INTERVAL_PROPERTY, raw);
    if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofMinutes(1)) > 0) {
      throw ConfigValues.invalid(MetaCache.SHARED_STATS_INTERVAL_PROPERTY, raw, "a duration from 1ms to 1m");
    }
    return d;
  }

  /** {@value MetaCache#SHARED_STATS_LABEL_PROPERTY}, else the command the JVM runs (main class and arguments). */
  static String label(Function<String, String> properties) {
    String label = properties.apply(MetaCache.SHARED_STATS_LABEL_PROPERTY);
    if (label == null || label.isBlank()) {
      label = System.getProperty("sun.java.command");
    }
    return label == null || label.isBlank() ? "java" : label.strip();
  }

  /** The figures of {@code cache} now. */
  static ProcessFigures figures(MetaCache cache) {
    MemoryTierStats memory = cache.memoryStats();
    WriteBehindStats pipeline = cache.writeBehindStats().orElse(null);
    List<TierState> tiers = new ArrayList<>();
    for (TierHealth h : cache.health()) {
      TierWriteStats w = null;
      if (pipeline != null) {
        for (TierWriteStats t : pipeline.tiers()) {
          if (t.tier().equals(h.tier())) {
            w = t;
          }
        }
      }
      tiers.add(new TierState(h.tier(), h.status(), CircuitState.valueOf(h.circuit()), h.lastError(),
          h.lastErrorAtMillis(), h.readLatency().p99(),
          w == null ? 0 : w.backlog(), w == null ? 0 : w.failures(), w == null ? 0 : w.retries(),
          w == null ? 0 : w.drops(), StoreQuarantine.events(h.tier())));
    }
    return new ProcessFigures(cache.stats(), memory.entries(), memory.offHeapBytesUsed(),
        pipeline == null ? 0 : pipeline.depth(), pipeline == null ? 0 : pipeline.lagMillis(),
        pipeline == null ? 0 : pipeline.ringDrops(), tiers, cache.shadowHitRates());
  }
}
