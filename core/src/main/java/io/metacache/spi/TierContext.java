package io.metacache.spi;

import io.metacache.CacheConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What a tier is opened with.
 *
 * @param config the cache's configuration
 * @param directory the directory this tier may use for its files (created by the caller)
 * @param clockMillis the cache's clock in epoch milliseconds (injectable in tests)
 * @param property reads a tier-specific setting ({@code metacache.redis.uri}, ...) from the same
 *     sources as the configuration; returns {@code null} when unset
 */
public record TierContext(CacheConfig config, Path directory, LongSupplier clockMillis,
    java.util.function.Function<String, String> property) {

  /** Validates the context. */
  public TierContext {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(clockMillis, "clockMillis");
    Objects.requireNonNull(property, "property");
  }
}
