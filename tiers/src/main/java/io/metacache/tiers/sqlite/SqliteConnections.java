package io.metacache.tiers.sqlite;

import io.metacache.internal.PrivateFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Opens the tier's connections to one database file. Every connection gets the busy timeout and
 * runs in auto-commit mode; the writer brackets its own transactions with {@code BEGIN
 * IMMEDIATE}/{@code COMMIT} so that it never holds the write lock between batches (the driver's
 * own transaction handling would begin the next transaction as soon as one commits).
 */
final class SqliteConnections {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteConnections.class);

  /**
   * Log pages past which a committing connection checkpoints the log itself: three times what
   * {@link WalCheckpointer} lets accumulate, so it runs only when that thread falls behind or
   * cannot finish the log (see there).
   */
  static final int WRITER_AUTOCHECKPOINT_PAGES = 12_000;

  private final Path file;
  private final SqliteSettings settings;
  private final String url;

  SqliteConnections(Path file, SqliteSettings settings) {
    this.file = file;
    this.settings = settings;
    this.url = "jdbc:sqlite:" + file.toAbsolutePath();
  }

  Path file() {
    return file;
  }

  SqliteSettings settings() {
    return settings;
  }

  /**
   * The read-write connection: WAL journal (persistent in the file, so readers get it too) and
   * {@code synchronous=NORMAL}, which in WAL mode loses at most the last transactions on power
   * loss and never corrupts the file: right for a cache.
   */
  Connection openWriter() throws SQLException {
    createPrivate();
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(settings.busyTimeoutMillis());
    Connection c = config.createConnection(url);
    try (Statement s = c.createStatement()) {
      String mode;
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
        mode = rs.next() ? rs.getString(1) : "";
      }
      if (!"wal".equals(mode.toLowerCase(Locale.ROOT))) {
        // e.g. a file system without shared memory: still correct, but writers block readers
        LOG.warn("{}: WAL journal not available, running in {} mode", file, mode);
      }
      s.execute("PRAGMA synchronous = NORMAL");
      // Batches are written by this one connection: a larger page cache (16 MiB) keeps the
      // primary-key B-tree's upper pages in memory across batches and temporary structures stay
      // in memory. The WAL is checkpointed by the tier's WalCheckpointer, on a thread of its own;
      // the connection's own checkpoint is only a backstop that bounds the log. Reads of the file
      // go through a 256 MiB mapping.
      s.execute("PRAGMA cache_size = -16384");
      s.execute("PRAGMA temp_store = MEMORY");
      s.execute("PRAGMA wal_autocheckpoint = " + WRITER_AUTOCHECKPOINT_PAGES);
      s.execute("PRAGMA mmap_size = 268435456");
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** A read-only connection: even an advanced query through it cannot change the database. */
  Connection openReader() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(settings.busyTimeoutMillis());
    config.setReadOnly(true);
    Connection c = config.createConnection(url);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA mmap_size = 268435456"); // hits read the mapped file without a read() call
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /**
   * Creates the database file 0600 before SQLite does, whatever the umask: SQLite gives the
   * {@code -wal} and {@code -shm} it creates the database's permissions. Files of older versions
   * (0644) are narrowed, their {@code -wal} and {@code -shm} too.
   */
  private void createPrivate() throws SQLException {
    try {
      PrivateFiles.file(file);
      for (String suffix : new String[] {"-wal", "-shm"}) {
        try {
          PrivateFiles.restrict(file.resolveSibling(file.getFileName() + suffix));
        } catch (java.nio.file.NoSuchFileException e) {
          // not there yet: SQLite creates it with the database's permissions
        }
      }
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + file + " with owner-only permissions: " + e, e);
    }
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing a broken connection: nothing more to do
    }
  }
}
