package io.metacache;

import io.metacache.config.ConfigValues;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Per-operation times to live for the key/value API: {@code metacache.ttl.<operation>}, where the
 * operation is a key's namespace with {@code .} for {@code :}. A key {@code document:parse:ab12}
 * takes {@code metacache.ttl.document.parse}, else {@code metacache.ttl.document}, else
 * {@code metacache.ttl}. Values are read once per operation from the cache's property source (so
 * the environment fallback {@code METACACHE_TTL_DOCUMENT_PARSE} works too) and remembered.
 */
final class OperationTtls {
  /** Prefix of per-operation TTL properties. */
  static final String PREFIX = "metacache.ttl.";

  private final Function<String, String> properties;
  private final Duration defaultTtl;
  private final ConcurrentHashMap<String, Optional<Duration>> byOperation = new ConcurrentHashMap<>();

  OperationTtls(Function<String, String> properties, Duration defaultTtl) {
    this.properties = properties;
    this.defaultTtl = defaultTtl;
  }

  /** The TTL for a key: its longest namespace prefix with a property set, else the default. */
  Duration forKey(String key) {
    String[] parts = key.split(":", -1);
    for (int n = parts.length - 1; n >= 1; n--) {
      StringBuilder op = new StringBuilder();
      boolean valid = true;
      for (int i = 0; i < n && valid; i++) {
        valid = Namespace.isSegment(parts[i]);
        op.append(i == 0 ? "" : ".").append(parts[i]);
      }
      if (!valid) {
        continue;
      }
      Optional<Duration> ttl = forOperation(op.toString());
      if (ttl.isPresent()) {
        return ttl.get();
      }
    }
    return defaultTtl;
  }

  /**
   * The TTL configured for an operation, if set.
   *
   * @throws IllegalArgumentException naming the property if its value is not a duration
   */
  Optional<Duration> forOperation(String operation) {
    return byOperation.computeIfAbsent(operation, op -> {
      String property = PREFIX + op;
      String raw = properties.apply(property);
      if (raw == null || raw.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(ConfigValues.parseDuration(property, raw));
    });
  }

  Duration defaultTtl() {
    return defaultTtl;
  }
}
