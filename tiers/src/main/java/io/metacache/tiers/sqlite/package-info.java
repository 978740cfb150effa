/**
 * The SQLite tier: encoded entries in one WAL-mode database file, {@code metacache.db}, under the
 * tier directory, with an expiry index and optional queryable metadata columns. Open it by name
 * ({@code sqlite}) through {@link io.metacache.spi.TierProvider}; the schema and its migrations
 * are specified in {@code docs/sqlite-schema.md}.
 */
package io.metacache.tiers.sqlite;
