package io.metacache.tiers.sqlite;

import io.metacache.config.ConfigValues;
import java.time.Duration;
import java.util.function.Function;

/**
 * The SQLite tier's own settings, read once when the tier opens.
 *
 * @param busyTimeout how long a connection waits for a lock another connection holds before the
 *     operation fails with {@code SQLITE_BUSY}; also the longest a reader waits for a free reader
 *     connection
 * @param readers size of the reader connection pool
 * @param sweepChunk rows deleted per transaction by the expiry sweep
 */
record SqliteSettings(Duration busyTimeout, int readers, int sweepChunk) {

  static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(2);
  static final int DEFAULT_READERS = 4;
  static final int DEFAULT_SWEEP_CHUNK = 1_000;
  static final int MAX_READERS = 64;
  static final int MAX_SWEEP_CHUNK = 1_000_000;

  static final SqliteSettings DEFAULTS =
      new SqliteSettings(DEFAULT_BUSY_TIMEOUT, DEFAULT_READERS, DEFAULT_SWEEP_CHUNK);

  SqliteSettings {
    // sqlite3_busy_timeout takes an int of milliseconds
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
    }
  }

  int busyTimeoutMillis() {
    return (int) busyTimeout.toMillis();
  }

  /** Reads the settings; unset properties take their defaults; wrong ones name the property. */
  static SqliteSettings from(Function<String, String> property) {
    Duration busy = DEFAULT_BUSY_TIMEOUT;
    String raw = property.apply(SqliteTierProvider.BUSY_TIMEOUT);
    if (raw != null) {
      busy = ConfigValues.parseDuration(SqliteTierProvider.BUSY_TIMEOUT, raw);
      if (busy.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw ConfigValues.invalid(SqliteTierProvider.BUSY_TIMEOUT, raw,
            "a duration from 0 to " + Integer.MAX_VALUE + "ms");
      }
    }
    int readers = DEFAULT_READERS;
    raw = property.apply(SqliteTierProvider.READERS);
    if (raw != null) {
      readers = (int) ConfigValues.parseLong(SqliteTierProvider.READERS, raw, 1, MAX_READERS);
    }
    int sweepChunk = DEFAULT_SWEEP_CHUNK;
    raw = property.apply(SqliteTierProvider.SWEEP_CHUNK);
    if (raw != null) {
      sweepChunk = (int) ConfigValues.parseLong(SqliteTierProvider.SWEEP_CHUNK, raw, 1, MAX_SWEEP_CHUNK);
    }
    return new SqliteSettings(busy, readers, sweepChunk);
  }
}
