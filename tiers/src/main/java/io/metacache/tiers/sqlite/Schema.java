package io.metacache.tiers.sqlite;

import java.util.List;

/**
 * The database schema as an ordered list of migrations, and the statements the tier runs against
 * it. {@code docs/sqlite-schema.md} specifies both; keep the two in step.
 */
final class Schema {

  /** {@code PRAGMA application_id} of a metacache database: "MCDB" as a big-endian int. */
  static final int APPLICATION_ID = 0x4D434442;

  static final Migration V1 = new Migration(1, "create entries with expiry and path indexes", List.of(
      "CREATE TABLE entries ("
          + " key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 16),"
          + " value BLOB NOT NULL,"
          + " expires_at INTEGER NOT NULL DEFAULT 0 CHECK (expires_at >= 0),"
          + " fingerprint BLOB,"
          + " file_size INTEGER,"
          + " mtime_ns INTEGER,"
          + " cached_at INTEGER,"
          + " metadata_json TEXT,"
          + " path TEXT,"
          + " profile TEXT)",
      "CREATE INDEX entries_expires_at ON entries (expires_at) WHERE expires_at > 0",
      "CREATE INDEX entries_path ON entries (path) WHERE path IS NOT NULL"));

  /** Every migration, in order; the last one's version is the current schema version. */
  static final List<Migration> MIGRATIONS = List.of(V1);

  // ---------------------------------------------------------------- statements

  static final String GET = "SELECT value, expires_at FROM entries WHERE key = ?";

  /**
   * Insert or replace one row. {@code metadata_json} is kept only if it is valid JSON, so that
   * {@code json_extract} over the column never fails on a bad row. Parameters are numbered so the
   * JSON ({@code ?8}) is bound once though the statement reads it twice.
   */
  static final String UPSERT = "INSERT INTO entries"
      + " (key, value, expires_at, fingerprint, file_size, mtime_ns, cached_at, metadata_json, path, profile)"
      + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN json_valid(?8) THEN ?8 END, ?9, ?10)"
      + " ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at,"
      + " fingerprint = excluded.fingerprint, file_size = excluded.file_size,"
      + " mtime_ns = excluded.mtime_ns, cached_at = excluded.cached_at,"
      + " metadata_json = excluded.metadata_json, path = excluded.path, profile = excluded.profile";

  static final String DELETE = "DELETE FROM entries WHERE key = ?";

  /** Every key stored for one path; {@code entries_path} answers it. */
  static final String KEYS_FOR_PATH = "SELECT key FROM entries WHERE path = ?";

  /**
   * One bounded chunk of the expiry sweep. The range is written {@code expires_at > 0 AND
   * expires_at <= ?} (for integers the same as {@code BETWEEN 1 AND ?}) because the planner uses
   * the partial index only when the query repeats the index's own {@code expires_at > 0} term.
   */
  static final String SWEEP_CHUNK_SELECT =
      "SELECT rowid FROM entries WHERE expires_at > 0 AND expires_at <= ? LIMIT ?";
  static final String SWEEP_CHUNK = "DELETE FROM entries WHERE rowid IN (" + SWEEP_CHUNK_SELECT + ")";

  static final String CLEAR = "DELETE FROM entries";
  /** Every unexpired row's key and value, for {@code SqliteTier#forEachEntry}. */
  static final String WALK = "SELECT key, value FROM entries WHERE expires_at = 0 OR expires_at > ?";
  static final String COUNT = "SELECT count(*) FROM entries";
  static final String PING = "SELECT 1 FROM entries LIMIT 1";

  /** Prefix of an advanced query; the caller's condition follows in parentheses. */
  static final String QUERY_PREFIX =
      "SELECT key FROM entries WHERE (expires_at = 0 OR expires_at > ?) AND (";

  private Schema() {}

  /** The version the given migrations lead to. */
  static int latestVersion(List<Migration> migrations) {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }
}
