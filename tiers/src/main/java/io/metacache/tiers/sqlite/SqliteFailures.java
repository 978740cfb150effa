package io.metacache.tiers.sqlite;

import io.metacache.spi.TierException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns JDBC failures into {@link TierException}s that name the tier, the file, the SQLite result
 * code and what to do, and decides whether the connection that failed can be used again.
 */
final class SqliteFailures {
  // Primary SQLite result codes (the low byte of an extended code).
  static final int SQLITE_ERROR = 1;
  static final int SQLITE_BUSY = 5;
  static final int SQLITE_LOCKED = 6;
  static final int SQLITE_READONLY = 8;
  static final int SQLITE_FULL = 13;
  static final int SQLITE_CONSTRAINT = 19;
  static final int SQLITE_TOOBIG = 18;
  static final int SQLITE_CORRUPT = 11;
  static final int SQLITE_MISMATCH = 20;
  static final int SQLITE_RANGE = 25;
  static final int SQLITE_NOTADB = 26;

  private SqliteFailures() {}

  /** The primary result code, or -1 if the failure did not come from SQLite itself. */
  static int primaryCode(SQLException e) {
    if (e instanceof SQLiteException) {
      SQLiteErrorCode code = ((SQLiteException) e).getResultCode();
      if (code != null && code != SQLiteErrorCode.UNKNOWN_ERROR) {
        return code.code & 0xFF;
      }
    }
    return -1;
  }

  /** Another connection holds a lock we needed for longer than the busy timeout. */
  static boolean isBusy(SQLException e) {
    int code = primaryCode(e);
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
  }

  /**
   * Whether the connection is still sound after this failure. Lock conflicts, a full disk, SQL
   * errors and rejected values leave it intact; anything else (I/O errors, corruption, a closed or misused
   * connection, driver errors) retires it, and the next operation opens a fresh one.
   */
  static boolean keepsConnection(SQLException e) {
    switch (primaryCode(e)) {
      case SQLITE_ERROR: case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_FULL:
      case SQLITE_TOOBIG: case SQLITE_CONSTRAINT: case SQLITE_MISMATCH: case SQLITE_RANGE:
        return true;
      default:
        return false;
    }
  }

  static boolean isNotADatabase(SQLException e) {
    int code = primaryCode(e);
    return code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
  }

  /** The exception for a failed operation: what failed, where, why, and the SQLite code. */
  static TierException failure(String action, Path file, SqliteSettings settings, SQLException e) {
    String why;
    if (isBusy(e)) {
      why = "the database is locked by another connection; gave up after the busy timeout of "
          + settings.busyTimeoutMillis() + "ms (" + SqliteTierProvider.BUSY_TIMEOUT + ")";
    } else if (isNotADatabase(e)) {
      why = "the database file is corrupt or not an SQLite database; move it aside to start empty";
    } else if (primaryCode(e) == SQLITE_FULL) {
      why = "the disk is full";
    } else if (primaryCode(e) == SQLITE_READONLY) {
      why = "the database is read-only";
    } else {
      why = "SQLite failed";
    }
    return new TierException(SqliteTierProvider.NAME,
        action + " in " + file + ": " + why + " [" + describe(e) + "]", e);
  }

  /** The driver's message with the result code name, e.g. {@code SQLITE_BUSY: database is locked}. */
  static String describe(SQLException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof SQLiteException) {
      SQLiteErrorCode code = ((SQLiteException) e).getResultCode();
      if (code != null && !message.contains(code.name())) {
        return code.name() + ": " + message;
      }
    }
    return message;
  }
}
