/**
 * The Redis tier (Lettuce): standalone or Cluster, pipelined batches, native TTL, and
 * cross-process invalidation over pub/sub. Only {@link io.metacache.tiers.redis.RedisTierProvider}
 * is public; it is found through {@link java.util.ServiceLoader} under the name {@code redis}.
 * Formats: {@code docs/redis-format.md}.
 */
package io.metacache.tiers.redis;
