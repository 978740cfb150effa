package io.metacache.tiers.sqlite;

import io.metacache.internal.PrivateFiles;
import io.metacache.internal.StoreQuarantine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Replaces a corrupt database with a fresh, empty one while the cache runs, keeping the corrupt
 * files for inspection ({@link StoreQuarantine}): {@code metacache.db.corrupt-<time>} and its
 * {@code -wal} and {@code -shm} beside it.
 *
 * <h2>Detection</h2>
 * A failure whose SQLite result code is {@code SQLITE_CORRUPT} or {@code SQLITE_NOTADB}, at open
 * (the header or the schema is unreadable) or on any operation afterwards (a batch that touches a
 * damaged page). The tier heals and tries the operation once more, on the fresh file.
 *
 * <h2>Many processes</h2>
 * Other processes may have the file open, each with its own connections. The swap is made so that
 * none of them can ever write into the fresh file through a connection to the corrupt one, and
 * none heals twice:
 * <ol>
 *   <li>Healers take turns: an OS lock on {@code metacache.db.heal} (and a lock per file in this
 *       JVM). Under it, a healer first checks that the file at the path is still the one it found
 *       corrupt (its inode, {@code fileKey}); if another process has already replaced it, it only
 *       reconnects.</li>
 *   <li>The fresh database is built complete (schema, WAL mode) under a temporary name and closed,
 *       which leaves it without {@code -wal} and {@code -shm}.</li>
 *   <li>The corrupt file's {@code -wal} and {@code -shm} are renamed aside, the corrupt file is
 *       hard-linked aside, and the fresh file is renamed over {@code metacache.db} in one atomic
 *       {@code rename}: the path never lacks a database, and the corrupt file's inode lives on
 *       under its new name for the connections that still have it open.</li>
 *   <li>Every process checks, before each write batch and each health probe (one {@code stat}),
 *       whether the file at the path is still the one its connections opened; if not, it drops
 *       them and the next operation connects to the fresh file. A process that meets the
 *       corruption first heals; one that meets it after the swap just reconnects.</li>
 * </ol>
 * Writes that another process makes to the corrupt file between the swap and its next check
 * (at most a batch, or one probe interval when it is idle) land in the quarantined copy: they are
 * lost to the cache, as everything the corrupt file held. The remaining window: a process that
 * opens a brand-new connection to the corrupt file in the microseconds between the renames of its
 * {@code -wal} and of the file itself, and commits through it, leaves a {@code -wal} of the old
 * file beside the new one. Connections are opened only at start and after a failure, so this needs
 * a second fault at that very moment.
 */
final class SqliteHealer {
  /** The OS lock file healers of every process take turns on. */
  static final String LOCK_SUFFIX = ".heal";
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

  private final Path file;
  private final SqliteSettings settings;
  private final List<Migration> migrations;
  private final int keep;
  private volatile Object fileKey;

  SqliteHealer(Path file, SqliteSettings settings, List<Migration> migrations, int keep) {
    this.file = file.toAbsolutePath().normalize();
    this.settings = settings;
    this.migrations = migrations;
    this.keep = keep;
  }

  /** Records the file the tier's connections are about to open (call before opening them). */
  void opening() {
    try {
      PrivateFiles.file(file); // created here, 0600, so that it has an identity before SQLite opens it
    } catch (IOException e) {
      // the writer's open reports it, with the SQLite code
    }
    fileKey = identity(file);
  }

  /**
   * Whether another process replaced the database since this tier's connections opened it; if it
   * did, {@code reconnect} drops them so that the next operation opens the file now at the path.
   */
  boolean followReplacement(Runnable reconnect) {
    Object now = identity(file);
    if (now != null && !now.equals(fileKey)) {
      reconnect.run();
      fileKey = now;
      return true;
    }
    return false;
  }

  /** Whether {@code failure} says the database is corrupt or not a database. */
  static boolean isCorruption(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException && SqliteFailures.isNotADatabase((SQLException) t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Replaces the corrupt database (or follows another process's replacement) after
   * {@code failure}; {@code reconnect} drops this tier's connections. Returns normally when the
   * tier can try again on a sound file.
   *
   * @throws UncheckedIOException if the files cannot be moved or the fresh database not built
   */
  void heal(Throwable failure, Runnable reconnect) {
    Object corrupt = fileKey;
    ReentrantLock jvmLock = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
    jvmLock.lock();
    try (FileChannel channel = FileChannel.open(PrivateFiles.file(file.resolveSibling(file.getFileName() + LOCK_SUFFIX)),
        StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      reconnect.run(); // this tier's connections to the corrupt file go first, in every case
      Object current = identity(file);
      if (current != null && !current.equals(corrupt)) {
        fileKey = current; // another tier or process replaced it meanwhile
        return;
      }
      replace(reason(failure));
      fileKey = identity(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the corrupt SQLite database " + file + " aside", e);
    } finally {
      jvmLock.unlock();
    }
  }

  private void replace(String reason) throws IOException {
    Path fresh = file.resolveSibling(file.getFileName() + ".fresh-" + ProcessHandle.current().pid());
    deleteWithCompanions(fresh);
    PrivateFiles.file(fresh);
    SqliteConnections connections = new SqliteConnections(fresh, settings);
    Connection c = null;
    try {
      c = connections.openWriter();
      new SchemaMigrator(fresh, migrations).migrate(c);
    } catch (SQLException e) {
      throw new IOException("cannot create a fresh database at " + fresh + ": " + SqliteFailures.describe(e), e);
    } finally {
      SqliteConnections.closeQuietly(c); // the last connection: SQLite checkpoints and deletes -wal and -shm
    }
    String stamp = StoreQuarantine.stamp();
    Path aside = StoreQuarantine.asideOf(file, stamp);
    String suffix = aside.getFileName().toString().substring(file.getFileName().toString().length());
    Path wal = companion(file, "-wal");
    Path shm = companion(file, "-shm");
    moveIfExists(wal, wal.resolveSibling(wal.getFileName() + suffix));
    moveIfExists(shm, shm.resolveSibling(shm.getFileName() + suffix));
    boolean linked;
    try {
      Files.createLink(aside, file);
      linked = true;
    } catch (UnsupportedOperationException | IOException e) {
      linked = false; // no hard links here: move it, leaving the path empty for a moment
    }
    if (!linked) {
      moveIfExists(file, aside);
    }
    Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    deleteWithCompanions(fresh);
    StoreQuarantine.prune(file, keep);
    StoreQuarantine.prune(wal, keep);
    StoreQuarantine.prune(shm, keep);
    StoreQuarantine.recorded(SqliteTierProvider.NAME, file, aside, reason);
  }

  private static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return SqliteFailures.describe((SQLException) t);
      }
    }
    return String.valueOf(failure);
  }

  static Path companion(Path db, String suffix) {
    return db.resolveSibling(db.getFileName() + suffix);
  }

  private static void deleteWithCompanions(Path db) throws IOException {
    Files.deleteIfExists(db);
    Files.deleteIfExists(companion(db, "-wal"));
    Files.deleteIfExists(companion(db, "-shm"));
    Files.deleteIfExists(companion(db, "-journal"));
  }

  private static void moveIfExists(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // nothing to move
    }
  }

  /** The file's identity (device and inode where the platform has them), or null if it does not exist. */
  static Object identity(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return Objects.requireNonNullElse(a.fileKey(), a.creationTime());
    } catch (IOException e) {
      return null;
    }
  }
}
