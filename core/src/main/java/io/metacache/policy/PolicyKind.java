package io.metacache.policy;

import java.util.Locale;
import java.util.Optional;

/** The eviction policies a memory tier can use ({@code metacache.memory.policy}). */
public enum PolicyKind {
  /** Exact least-recently-used. */
  LRU,
  /** Exact least-frequently-used, O(1) per operation, ties broken by recency. */
  LFU,
  /** Window TinyLFU, its window size adapted to the workload (the default). */
  WTINYLFU;

  /** The configuration name: {@code lru}, {@code lfu} or {@code wtinylfu}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy of a configuration name (case and surrounding blanks ignored), if it is one. */
  public static Optional<PolicyKind> ofConfigName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (PolicyKind kind : values()) {
      if (kind.configName().equals(wanted)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
