package io.metacache;

import java.util.Locale;
import java.util.Optional;

/**
 * How the memory tier is held ({@value CacheConfig#MEMORY_MODE}).
 *
 * <ul>
 *   <li>{@link #SHARED}: one Chronicle Map file in the cache directory ({@code memory/memory.cmap},
 *       or {@value CacheConfig#MEMORY_FILE}), mapped by every process that opens the directory: a
 *       new process starts warm and sees every other process's puts and removals at memory
 *       speed; one process at a time runs the eviction policy for all. The default for a cache
 *       with lower tiers (it has a directory anyway).
 *   <li>{@link #PRIVATE}: the map lives in this process alone, in anonymous memory (or in
 *       {@value CacheConfig#MEMORY_FILE}, persisted for a warm restart of this process only). The
 *       default for a memory-only cache. Choose it for a single process that wants no file.
 * </ul>
 */
public enum MemoryMode {
  SHARED,
  PRIVATE;

  /** The configuration name: {@code shared} or {@code private}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code name} (case-insensitive), if any. */
  public static Optional<MemoryMode> ofConfigName(String name) {
    for (MemoryMode mode : values()) {
      if (mode.configName().equalsIgnoreCase(name.trim())) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
