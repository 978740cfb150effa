package io.metacache.tiers.redis;

import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierException;
import io.metacache.spi.TierProvider;

/**
 * Opens the Redis tier, registered under the name {@code redis}. Settings, read through
 * {@link TierContext#property()}:
 *
 * <ul>
 *   <li>{@code metacache.redis.uri} (required): {@code redis://[:password@]host[:port][/db]} or
 *       {@code rediss://...}; a comma-separated list of seed URIs means a Redis Cluster.
 *   <li>{@code metacache.redis.cluster}: {@code true} to use the Cluster protocol with a single
 *       seed URI (default: true only for a list).
 *   <li>{@code metacache.redis.timeout}: command timeout, default {@code 500ms}.
 *   <li>{@code metacache.redis.request-queue-size}: commands a connection holds before rejecting
 *       more, default {@code 10000}.
 *   <li>{@code metacache.redis.key-prefix}: prefix of keys and of the invalidation channel, default
 *       {@code mc:v1:}.
 * </ul>
 *
 * <p>The tier it opens also implements {@link io.metacache.spi.InvalidationBroadcaster}. Key,
 * value, TTL and message formats are specified in {@code docs/redis-format.md}.
 */
public final class RedisTierProvider implements TierProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RedisTierProvider() {}

  /** {@code redis}. */
  @Override
  public String name() {
    return RedisTier.NAME;
  }

  /** {@code true}: the Redis tier tells other processes of invalidations over pub/sub. */
  @Override
  public boolean broadcastsInvalidations() {
    return true;
  }

  /**
   * Validates the settings, connects and subscribes to the invalidation channel.
   *
   * @throws IllegalArgumentException naming the property, value and what is accepted, for a bad setting
   * @throws TierException if the server cannot be reached now
   */
  @Override
  public Tier open(TierContext context) {
    RedisSettings settings = RedisSettings.from(context.property());
    return RedisTier.open(settings, context.clockMillis(), context::backgroundThreads);
  }
}
