package io.metacache.tiers.sqlite;

import io.metacache.internal.StoreQuarantine;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierProvider;

/**
 * Opens the SQLite tier, {@code sqlite}: the database {@code metacache.db} in the tier directory.
 * Settings, all optional: {@value #BUSY_TIMEOUT} (default 2s), {@value #READERS} (default 4) and
 * {@value #SWEEP_CHUNK} (default 1000).
 */
public final class SqliteTierProvider implements TierProvider {

  /** The tier's name. */
  public static final String NAME = "sqlite";
  /** How long an operation waits on another connection's lock before failing (a duration). */
  public static final String BUSY_TIMEOUT = "metacache.sqlite.busy-timeout";
  /** Number of reader connections, 1 to 64. */
  public static final String READERS = "metacache.sqlite.readers";
  /** Rows the expiry sweep deletes per transaction, 1 to 1,000,000. */
  public static final String SWEEP_CHUNK = "metacache.sqlite.sweep-chunk";

  /** Used by {@link java.util.ServiceLoader}. */
  public SqliteTierProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /** Opens (creating or migrating) the database; returns a {@link SqliteTier}. */
  @Override
  public Tier open(TierContext context) {
    SqliteSettings settings = SqliteSettings.from(context.property());
    return SqliteTier.open(context.directory().resolve(SqliteTier.FILE_NAME), settings,
        context.clockMillis(), Schema.MIGRATIONS, StoreQuarantine.keep(context.property()));
  }
}
