package io.metacache.tiers.sqlite;

import io.metacache.spi.TierException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small pool of read-only connections for {@code get}, {@code size}, {@code ping} and queries.
 *
 * <p>A pool rather than a connection per thread: the callers are the application's own threads,
 * unbounded in number and lifetime, and a thread-local connection would outlive its thread. In
 * WAL mode each reader sees the last committed state without blocking the writer, so a few
 * connections serve many threads; a thread that finds all of them busy waits up to the busy
 * timeout. Connections open lazily, keep their prepared {@code get} statement, and are retired
 * after a failure that leaves them unsound (see {@link SqliteFailures#keepsConnection}).
 */
final class ReaderPool implements AutoCloseable {

  /** Work done on one reader connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Reader reader) throws SQLException;
  }

  /** One reader connection and its cached statement. */
  static final class Reader {
    final Connection connection;
    final long generation;
    private PreparedStatement get;

    Reader(Connection connection, long generation) {
      this.connection = connection;
      this.generation = generation;
    }

    PreparedStatement get() throws SQLException {
      if (get == null) {
        get = connection.prepareStatement(Schema.GET);
      }
      return get;
    }

    void close() {
      SqliteConnections.closeQuietly(get);
      SqliteConnections.closeQuietly(connection);
    }
  }

  private final SqliteConnections connections;
  private final Semaphore permits;
  private final ArrayBlockingQueue<Reader> idle;
  private volatile boolean closed;
  /** Bumped by {@link #retireAll}: readers of an older generation are closed instead of reused. */
  private volatile long generation;

  ReaderPool(SqliteConnections connections) {
    this.connections = connections;
    int size = connections.settings().readers();
    this.permits = new Semaphore(size);
    this.idle = new ArrayBlockingQueue<>(size);
  }

  /** Runs {@code work} on a reader; failures become {@link TierException}s naming {@code action}. */
  <T> T withReader(String action, Work<T> work) {
    if (closed) {
      throw new TierException(SqliteTierProvider.NAME, action + ": the tier is closed");
    }
    acquire(action);
    Reader reader = null;
    try {
      reader = idle.poll();
      if (reader != null && (reader.generation != generation || reader.connection.isClosed())) {
        reader.close();
        reader = null;
      }
      if (reader == null) {
        long g = generation;
        reader = new Reader(connections.openReader(), g);
      }
      T result = work.run(reader);
      release(reader);
      return result;
    } catch (SQLException e) {
      if (reader != null) {
        if (SqliteFailures.keepsConnection(e)) {
          release(reader);
        } else {
          reader.close();
        }
      }
      throw SqliteFailures.failure(action, connections.file(), connections.settings(), e);
    } catch (RuntimeException e) {
      // a caller error (a query that does not compile); statements were closed on the way out
      if (reader != null) {
        release(reader);
      }
      throw e;
    } catch (Error e) {
      if (reader != null) {
        reader.close();
      }
      throw e;
    } finally {
      permits.release();
    }
  }

  /** An idle reader, for tests that break it behind the pool's back; {@code null} if none. */
  Reader peekIdle() {
    return idle.peek();
  }

  /**
   * Closes every idle reader and retires the busy ones when they come back, so that every read
   * from now on opens the file now at the path (after the database was replaced).
   */
  void retireAll() {
    generation++;
    Reader r;
    while ((r = idle.poll()) != null) {
      r.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    Reader r;
    while ((r = idle.poll()) != null) {
      r.close();
    }
  }

  private void acquire(String action) {
    boolean acquired;
    try {
      acquired = permits.tryAcquire(Math.max(1, connections.settings().busyTimeoutMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TierException(SqliteTierProvider.NAME, action + ": interrupted while waiting for a reader connection", e);
    }
    if (!acquired) {
      throw new TierException(SqliteTierProvider.NAME, action + ": all " + connections.settings().readers()
          + " reader connections stayed busy for the busy timeout (" + SqliteTierProvider.READERS + ", "
          + SqliteTierProvider.BUSY_TIMEOUT + ")");
    }
  }

  private void release(Reader reader) {
    // the queue has room for every permit, so offer only fails after close() drained it
    if (closed || reader.generation != generation || !idle.offer(reader)) {
      reader.close();
    } else if (closed) {
      close(); // close() ran between the check and the offer
    }
  }
}
