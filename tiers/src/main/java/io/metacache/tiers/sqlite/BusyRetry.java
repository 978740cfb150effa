package io.metacache.tiers.sqlite;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Retries of an operation that failed with {@code SQLITE_BUSY} or {@code SQLITE_LOCKED}, until
 * the busy timeout has passed since the first attempt. SQLite's busy handler already waits for
 * most lock conflicts; this covers those it reports at once (a change of journal mode, a WAL index
 * another connection is rebuilding), so that another process's open or crash is waited for, not
 * failed on.
 */
final class BusyRetry {
  /** Pause between attempts: short beside a transaction of another process. */
  static final long PAUSE_MILLIS = 5;

  private final long deadline;

  BusyRetry(int busyTimeoutMillis) {
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(busyTimeoutMillis);
  }

  /**
   * Whether to try again after {@code e}: it is a lock conflict and the busy timeout has not
   * passed, in which case this pauses first.
   */
  boolean again(SQLException e) {
    if (!SqliteFailures.isBusy(e) || System.nanoTime() - deadline >= 0) {
      return false;
    }
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
    return true;
  }
}
