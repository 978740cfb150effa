/**
 * The service-provider interface for lower cache tiers (Redis, disk, SQLite, or your own).
 *
 * <p>A tier stores encoded entries (the layout in {@code docs/format.md}) under 128-bit keys and
 * knows nothing of files or metadata. Implementations are found by name through
 * {@link java.util.ServiceLoader} from {@link io.metacache.spi.TierProvider} registrations, so the
 * core never depends on a client library. Writes reach a tier in batches from the write-behind
 * pipeline; reads come from the cache's read path. A tier signals failure by throwing
 * {@link io.metacache.spi.TierException}; the cache then degrades around it.
 */
package io.metacache.spi;
