package io.metacache.tiers.sqlite;

import io.metacache.spi.TierException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a database to the latest schema version. The version lives in {@code PRAGMA
 * user_version}; every pending migration runs, in order, inside one {@code BEGIN IMMEDIATE}
 * transaction together with the version bump, so a failed migration leaves the file exactly as
 * it was, and two processes opening the same old file migrate it once. A file of a newer version
 * than this code knows, or an SQLite database that is not ours, is refused rather than touched.
 */
final class SchemaMigrator {
  private final Path file;
  private final List<Migration> migrations;

  SchemaMigrator(Path file, List<Migration> migrations) {
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalArgumentException("migrations must be numbered 1, 2, 3, ... in order; found version "
            + migrations.get(i).version() + " at position " + (i + 1));
      }
    }
    this.file = file;
    this.migrations = List.copyOf(migrations);
  }

  /** Migrates the database open on {@code connection}; returns the version it is at now. */
  int migrate(Connection connection) throws SQLException {
    int latest = Schema.latestVersion(migrations);
    try (Statement s = connection.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean committed = false;
      try {
        int version = intPragma(s, "user_version");
        int applicationId = intPragma(s, "application_id");
        checkOurs(s, version, applicationId);
        if (version > latest) {
          throw new TierException(SqliteTierProvider.NAME, file + " has schema version " + version
              + ", newer than the " + latest + " this version of metacache reads; upgrade metacache"
              + " or point the cache at another directory");
        }
        for (Migration m : migrations.subList(version, migrations.size())) {
          try {
            for (String sql : m.statements()) {
              s.execute(sql);
            }
          } catch (SQLException e) {
            throw new TierException(SqliteTierProvider.NAME, "migrating " + file + " to schema version "
                + m.version() + " (" + m.description() + ") failed; the file is left at version " + version
                + " [" + SqliteFailures.describe(e) + "]", e);
          }
          // PRAGMA takes no bound parameters; the values are ints from this code
          s.execute("PRAGMA user_version = " + m.version());
        }
        if (applicationId == 0) {
          s.execute("PRAGMA application_id = " + Schema.APPLICATION_ID);
        }
        s.execute("COMMIT");
        committed = true;
        return Math.max(version, latest);
      } finally {
        if (!committed) {
          try {
            s.execute("ROLLBACK");
          } catch (SQLException ignored) {
            // nothing to roll back, or the connection is gone: the caller closes it
          }
        }
      }
    }
  }

  /** Refuses a file that belongs to another application. */
  private void checkOurs(Statement s, int version, int applicationId) throws SQLException {
    if (applicationId != 0 && applicationId != Schema.APPLICATION_ID) {
      throw new TierException(SqliteTierProvider.NAME, file + " is an SQLite database of another application"
          + " (application_id " + Integer.toHexString(applicationId) + "); refusing to use it");
    }
    if (version == 0 && applicationId == 0) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new TierException(SqliteTierProvider.NAME, file + " already holds tables that metacache did not"
              + " create; refusing to use it");
        }
      }
    }
  }

  static int intPragma(Statement s, String pragma) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
