package io.metacache.tiers.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints the write-ahead log on a thread of its own, so that the write-behind thread, which
 * commits the batches, does not copy the log into the database file itself.
 *
 * <p>With SQLite's automatic checkpoint at 4,000 pages, every few batches the committing thread
 * copied 16 MB of log into the database file and synced it: about half of a drain's
 * {@code COMMIT} time, and a quarter of the write-behind thread's. Here the writer's automatic
 * checkpoint is raised to a backstop ({@link SqliteConnections#WRITER_AUTOCHECKPOINT_PAGES}) and
 * this thread runs a {@code PASSIVE} checkpoint on its own connection whenever the commits since
 * the last one have written about {@link #TRIGGER_BYTES} (counted by the tier from the rows it
 * bound; an estimate is enough). A passive checkpoint never waits for a lock and never blocks the
 * writer or the readers: the writer keeps appending while the frames committed so far are copied.
 *
 * <p>The log is restarted from its start only when a write transaction begins after a checkpoint
 * has copied every frame, which a background checkpoint racing a steady stream of batches rarely
 * sees; the writer's backstop checkpoint then finds almost every frame already copied, finishes
 * cheaply, and the next batch restarts the log. So the log stays below the backstop plus a batch.
 * A failed checkpoint is logged at debug and counted; the backstop still bounds the log.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

  /** Bytes of rows committed since the last checkpoint that start the next: about 4,000 pages of 4 KiB. */
  static final long TRIGGER_BYTES = 16L << 20;

  private final SqliteConnections connections;
  private final long triggerBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong checkpoints = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;
  // guarded by lock
  private boolean requested;
  private boolean closed;
  // used by the checkpoint thread only
  private Connection connection;

  WalCheckpointer(SqliteConnections connections, long triggerBytes) {
    this.connections = connections;
    this.triggerBytes = triggerBytes;
    this.thread = new Thread(this::run, "metacache-sqlite-checkpoint");
    thread.setDaemon(true);
    thread.start();
  }

  /** Counts {@code bytes} committed to the log; past the trigger, wakes the checkpoint thread. */
  void committed(long bytes) {
    if (pending.addAndGet(bytes) < triggerBytes) {
      return;
    }
    pending.set(0);
    lock.lock();
    try {
      requested = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Checkpoints that ran to the end (possibly copying only part of the log, as PASSIVE does). */
  long checkpoints() {
    return checkpoints.get();
  }

  /** Checkpoints that failed (the database was unavailable); the writer's backstop covered them. */
  long failures() {
    return failures.get();
  }

  /** Whether the checkpoint thread is still running (until {@link #close}). */
  boolean running() {
    return thread.isAlive();
  }

  /** Stops the thread, waiting for a checkpoint under way to finish, and closes its connection. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- the checkpoint thread

  private void run() {
    try {
      while (awaitRequest()) {
        checkpoint();
      }
    } finally {
      SqliteConnections.closeQuietly(connection);
      connection = null;
    }
  }

  private boolean awaitRequest() {
    lock.lock();
    try {
      while (!requested && !closed) {
        wake.awaitUninterruptibly();
      }
      requested = false;
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  private void checkpoint() {
    try {
      if (connection == null || connection.isClosed()) {
        SqliteConnections.closeQuietly(connection);
        connection = connections.openWriter();
      }
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        // one row: busy (1 if another checkpoint held the lock), frames in the log, frames copied
        if (rs.next() && rs.getInt(1) == 0) {
          checkpoints.incrementAndGet();
        }
      }
    } catch (SQLException | RuntimeException e) {
      if (failures.getAndIncrement() == 0) {
        LOG.debug("{}: background checkpoint failed; the writer's own checkpoint bounds the log", connections.file(), e);
      }
      SqliteConnections.closeQuietly(connection);
      connection = null;
    }
  }
}
