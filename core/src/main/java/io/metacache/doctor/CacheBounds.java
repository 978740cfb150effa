package io.metacache.doctor;

import io.metacache.CacheConfig;
import io.metacache.config.ConfigValues;
import io.metacache.policy.PolicyKind;
import io.metacache.writebehind.WriteBehindPipeline;
import java.util.function.Function;

/**
 * The settings the doctor judges the figures against and names in its advice.
 *
 * @param memoryMaxEntries the memory tier's entry bound ({@value CacheConfig#MEMORY_MAX_ENTRIES})
 * @param memoryMaxBytes the memory tier's byte bound ({@value CacheConfig#MEMORY_MAX_BYTES})
 * @param compressionEnabled whether entries are compressed ({@value CacheConfig#COMPRESSION_ENABLED})
 * @param writeBehindBatchSize writes per batch handed to a lower tier
 *     ({@value WriteBehindPipeline.Builder#BATCH_SIZE})
 * @param policy the memory tier's eviction policy ({@value CacheConfig#MEMORY_POLICY})
 */
public record CacheBounds(long memoryMaxEntries, long memoryMaxBytes, boolean compressionEnabled,
    int writeBehindBatchSize, PolicyKind policy) {

  /** Checks the policy is given. */
  public CacheBounds {
    java.util.Objects.requireNonNull(policy, "policy");
  }

  /** The bounds of {@code config}, and the batch size from {@code properties} (its default if unset). */
  public static CacheBounds of(CacheConfig config, Function<String, String> properties) {
    String raw = properties.apply(WriteBehindPipeline.Builder.BATCH_SIZE);
    int batch = raw == null || raw.isBlank() ? WriteBehindPipeline.Builder.DEFAULT_BATCH_SIZE
        : (int) ConfigValues.parseLong(WriteBehindPipeline.Builder.BATCH_SIZE, raw, 1, 65_536);
    return new CacheBounds(config.memoryMaxEntries(), config.memoryMaxBytes(), config.compressionEnabled(), batch,
        config.memoryPolicy());
  }
}
