package io.metacache.tiers.sqlite;

import io.metacache.spi.TierException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tier's single writer connection and its prepared statements. Writes come from the
 * write-behind thread ({@code apply}) and, less often, from the sweeper, {@code clear} and
 * {@code ping}; a lock serialises them, so one transaction is open at a time. A failure that
 * leaves the connection unsound retires it; the next transaction opens a new one, so a broken
 * connection never poisons the tier.
 */
final class WriterConnection implements AutoCloseable {

  /** Work done inside one write transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(WriterConnection writer) throws SQLException;
  }

  private final SqliteConnections connections;
  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock
  private Connection connection;
  private Statement plain;
  private PreparedStatement upsert;
  private PreparedStatement delete;
  private PreparedStatement sweepChunk;
  private boolean closed;
  private long commits;

  WriterConnection(SqliteConnections connections, Connection opened) throws SQLException {
    this.connections = connections;
    install(opened);
  }

  /**
   * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction and commits it; on any failure
   * rolls back and throws a {@link TierException} saying what {@code action} was.
   */
  <T> T transaction(String action, Work<T> work) {
    lock.lock();
    try {
      if (closed) {
        throw new TierException(SqliteTierProvider.NAME, action + ": the tier is closed");
      }
      BusyRetry retry = new BusyRetry(connections.settings().busyTimeoutMillis());
      while (true) {
        try {
          ensureOpen();
          plain.execute("BEGIN IMMEDIATE");
          break;
        } catch (SQLException e) {
          retireUnlessSound(e);
          if (!retry.again(e)) {
            throw SqliteFailures.failure(action, connections.file(), connections.settings(), e);
          }
        }
      }
      try {
        T result = work.run(this);
        plain.execute("COMMIT");
        commits++;
        return result;
      } catch (SQLException e) {
        rollback();
        retireUnlessSound(e);
        throw SqliteFailures.failure(action, connections.file(), connections.settings(), e);
      } catch (RuntimeException | Error e) {
        rollback();
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  PreparedStatement upsert() throws SQLException {
    if (upsert == null) {
      upsert = connection.prepareStatement(Schema.UPSERT);
    }
    return upsert;
  }

  PreparedStatement delete() throws SQLException {
    if (delete == null) {
      delete = connection.prepareStatement(Schema.DELETE);
    }
    return delete;
  }

  PreparedStatement sweepChunk() throws SQLException {
    if (sweepChunk == null) {
      sweepChunk = connection.prepareStatement(Schema.SWEEP_CHUNK);
    }
    return sweepChunk;
  }

  Statement plain() {
    return plain;
  }

  /** Transactions committed since the tier opened. */
  long commits() {
    lock.lock();
    try {
      return commits;
    } finally {
      lock.unlock();
    }
  }

  /** The current connection; tests break it to prove the tier recovers. */
  Connection connection() {
    lock.lock();
    try {
      return connection;
    } finally {
      lock.unlock();
    }
  }

  /** Drops the connection (the database was replaced); the next transaction opens the file at the path. */
  void reconnect() {
    lock.lock();
    try {
      retire();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (connection != null) {
        try {
          // keeps planner statistics fresh for the next open; cheap when nothing changed
          plain.execute("PRAGMA optimize");
        } catch (SQLException ignored) {
          // best effort on the way out
        }
      }
      retire();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- connection lifecycle

  private void ensureOpen() throws SQLException {
    if (connection != null && connection.isClosed()) {
      retire();
    }
    if (connection == null) {
      install(connections.openWriter());
    }
  }

  private void install(Connection c) throws SQLException {
    try {
      plain = c.createStatement();
    } catch (SQLException e) {
      SqliteConnections.closeQuietly(c);
      throw e;
    }
    connection = c;
  }

  private void rollback() {
    try {
      if (connection != null && !connection.isClosed()) {
        plain.execute("ROLLBACK");
      }
    } catch (SQLException ignored) {
      // no transaction was active (BEGIN failed, or SQLite already rolled back)
    }
  }

  private void retireUnlessSound(SQLException e) {
    if (!SqliteFailures.keepsConnection(e)) {
      retire();
    }
  }

  private void retire() {
    SqliteConnections.closeQuietly(upsert);
    SqliteConnections.closeQuietly(delete);
    SqliteConnections.closeQuietly(sweepChunk);
    SqliteConnections.closeQuietly(plain);
    SqliteConnections.closeQuietly(connection);
    upsert = null;
    delete = null;
    sweepChunk = null;
    plain = null;
    connection = null;
  }
}
