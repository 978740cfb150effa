package io.metacache.spi;

import io.metacache.CacheConfig;
import io.metacache.writebehind.WriteBehindPipeline;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
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

  /**
   * Wraps a thread factory so that its threads first lower themselves to the write-behind
   * pipeline's priority ({@code metacache.writebehind.nice}, read through {@link #property}): for
   * a tier's own threads that only do write-behind work, such as the I/O threads of a connection
   * used for batches, so that they too leave the CPU to the application's threads. Threads that
   * serve reads must keep the normal priority.
   */
  public ThreadFactory backgroundThreads(ThreadFactory delegate) {
    Objects.requireNonNull(delegate, "delegate");
    int priority = WriteBehindPipeline.backgroundPriority(property);
    return task -> delegate.newThread(() -> {
      WriteBehindPipeline.lowerCurrentThread(priority);
      task.run();
    });
  }
}
