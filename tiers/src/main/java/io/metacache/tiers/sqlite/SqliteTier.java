package io.metacache.tiers.sqlite;

import io.metacache.internal.StoreQuarantine;
import io.metacache.spi.DescribedTier;
import io.metacache.spi.EntryDescriber;
import io.metacache.spi.EntryDescription;
import io.metacache.spi.PathIndexedTier;
import io.metacache.spi.EntryVisitor;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierKey;
import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite tier: encoded entries in one database file, {@code metacache.db}.
 *
 * <h2>Design</h2>
 *
 * <p><b>One file, WAL, one writer.</b> The database runs with a write-ahead log and
 * {@code synchronous=NORMAL}: readers never block the writer or each other, and a commit costs no
 * fsync (a power cut may lose the last commits, never the file; for a cache that is the right
 * trade). SQLite allows one writer at a time anyway, so the tier holds exactly one read-write
 * connection ({@link WriterConnection}); the write-behind thread drives it through
 * {@link #apply}, the sweeper through {@link #removeExpired}. Reads go to a small pool of
 * read-only connections ({@link ReaderPool}), each {@link #get} its own short implicit
 * transaction that sees the last commit.
 *
 * <p><b>Checkpoints.</b> The log is copied into the database file by a {@link WalCheckpointer}
 * on a thread of its own, not by the committing write-behind thread, which spent about half of
 * its {@code COMMIT} time doing so.
 *
 * <p><b>Batches.</b> {@link #apply} writes a whole batch in one {@code BEGIN IMMEDIATE}
 * transaction with prepared upserts ({@code INSERT ... ON CONFLICT(key) DO UPDATE}) and deletes:
 * one commit per batch is what makes SQLite fast, and the batch lands entirely or not at all, so
 * the pipeline's retry of a failed batch is exact. {@code BEGIN IMMEDIATE} takes the write lock
 * up front, so a lock conflict shows at the start, after the busy timeout, never half-way.
 *
 * <p><b>Columns beside the value.</b> The value is opaque bytes. For queries the tier also keeps
 * the expiry (from the operation), the fingerprint, size, mtime and cached-at (read from the
 * entry header when the value carries one) and, when a row describer is set
 * ({@link #setRowDescriber}; the cache sets one through {@link DescribedTier}), the path, profile
 * and metadata as JSON; the path column's index answers {@link #keysForPath}. {@code expires_at} has a
 * partial index over expiring rows only, so the sweep deletes in bounded chunks without a scan,
 * and {@code get} filters expired rows itself between sweeps.
 *
 * <p><b>Many processes.</b> Any number of processes may open one file at once, each with its
 * own writer and readers: WAL lets their readers run beside any one writer, {@code BEGIN
 * IMMEDIATE} queues their write transactions on SQLite's write lock, and every connection has the
 * busy timeout. The few conflicts SQLite reports without waiting (two processes switching a fresh
 * file to WAL, a WAL index being rebuilt after a process died) are retried until the busy timeout
 * has passed ({@link BusyRetry}). The migration re-reads the version inside its {@code BEGIN
 * IMMEDIATE}, so two processes opening a fresh file create the schema once. The locks are the
 * OS's, dropped when a process dies, so a process killed in a transaction holds no one up.
 *
 * <p><b>Failure.</b> Every failure is a {@link TierException} that names the tier, the file, the
 * SQLite result code and the cause. A lock held by another connection is waited for up to the busy
 * timeout, then the operation fails and the connection stays usable; a connection that failed in
 * any way that may have left it unsound (I/O error, corruption, closed) is discarded and the next
 * operation reconnects. A file that is not a database, is of another application or of a newer
 * schema is refused at open; older schemas are migrated ({@link SchemaMigrator}).
 */
public final class SqliteTier implements Tier, DescribedTier, PathIndexedTier, EnumerableTier {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteTier.class);

  /** The database file's name inside the tier directory. */
  public static final String FILE_NAME = "metacache.db";

  private final SqliteConnections connections;
  private final LongSupplier clockMillis;
  private final WriterConnection writer;
  private final ReaderPool readers;
  private final WalCheckpointer checkpointer;
  private final int schemaVersion;
  private final AtomicLong describerFailures = new AtomicLong();
  private volatile Function<byte[], RowDescription> describer;
  private final SqliteHealer healer;

  private SqliteTier(SqliteConnections connections, LongSupplier clockMillis, WriterConnection writer,
      int schemaVersion, SqliteHealer healer) {
    this.healer = healer;
    this.connections = connections;
    this.clockMillis = clockMillis;
    this.writer = writer;
    this.readers = new ReaderPool(connections);
    this.checkpointer = new WalCheckpointer(connections, WalCheckpointer.TRIGGER_BYTES);
    this.schemaVersion = schemaVersion;
  }

  /** Opens the database at {@code file}, creating or migrating it with {@code migrations}. */
  static SqliteTier open(Path file, SqliteSettings settings, LongSupplier clockMillis, List<Migration> migrations) {
    return open(file, settings, clockMillis, migrations, StoreQuarantine.DEFAULT_KEEP);
  }

  /**
   * Opens the database at {@code file}; a file that is corrupt or not a database is moved aside
   * (keeping {@code keep} such copies) and a fresh one created ({@link SqliteHealer}).
   */
  static SqliteTier open(Path file, SqliteSettings settings, LongSupplier clockMillis, List<Migration> migrations,
      int keep) {
    SqliteConnections connections = new SqliteConnections(file, settings);
    SchemaMigrator migrator = new SchemaMigrator(file, migrations);
    SqliteHealer healer = new SqliteHealer(file, settings, migrations, keep);
    boolean healed = false;
    // Processes opening one fresh file at once contend for the lock that switching it to WAL and
    // migrating it take; SQLite reports some of these conflicts at once, without calling the busy
    // handler, so the whole open is retried until the busy timeout has passed.
    BusyRetry retry = new BusyRetry(settings.busyTimeoutMillis());
    while (true) {
      Connection c = null;
      try {
        healer.opening();
        c = connections.openWriter();
        int version = migrator.migrate(c);
        return new SqliteTier(connections, clockMillis, new WriterConnection(connections, c), version, healer);
      } catch (SQLException e) {
        SqliteConnections.closeQuietly(c);
        if (!healed && SqliteHealer.isCorruption(e)) {
          healed = true;
          healer.heal(e, () -> { });
          continue;
        }
        if (!retry.again(e)) {
          throw SqliteFailures.failure("opening the database", file, settings, e);
        }
      } catch (RuntimeException | Error e) {
        SqliteConnections.closeQuietly(c);
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- Tier

  @Override
  public String name() {
    return SqliteTierProvider.NAME;
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return healing(() -> read(keyHigh, keyLow));
  }

  private byte[] read(long keyHigh, long keyLow) {
    byte[] key = StoredKey.toBlob(keyHigh, keyLow);
    long now = clockMillis.getAsLong();
    return readers.withReader("reading an entry", r -> {
      PreparedStatement ps = r.get();
      ps.setBytes(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        byte[] value = rs.getBytes(1);
        long expiresAt = rs.getLong(2);
        return expiresAt != 0 && expiresAt <= now ? null : value;
      }
    });
  }

  @Override
  public void apply(List<TierOperation> batch) {
    if (batch.isEmpty()) {
      return;
    }
    healer.followReplacement(this::reconnect);
    // The describer is caller code that may be slow: run it before taking the write lock.
    RowDescription[] rows = describe(batch);
    healing(() -> write(batch, rows));
  }

  private Void write(List<TierOperation> batch, RowDescription[] rows) {
    writer.transaction("applying a batch of " + batch.size() + " operations", w -> {
      // Runs of one kind go through addBatch/executeBatch: the driver still steps row by row,
      // but binds and steps in one call per run instead of one JDBC round per row. Runs keep the
      // batch's order, so a delete after a put of one key still lands last.
      int n = batch.size();
      int start = 0;
      while (start < n) {
        TierOperation.Kind kind = batch.get(start).kind();
        int end = start + 1;
        while (end < n && batch.get(end).kind() == kind) {
          end++;
        }
        PreparedStatement ps = kind == TierOperation.Kind.DELETE ? w.delete() : w.upsert();
        for (int i = start; i < end; i++) {
          TierOperation op = batch.get(i);
          byte[] key = StoredKey.toBlob(op.keyHigh(), op.keyLow());
          if (kind == TierOperation.Kind.DELETE) {
            ps.setBytes(1, key);
          } else {
            bindUpsert(ps, key, op, rows == null ? RowDescription.EMPTY : rows[i]);
          }
          if (end - start == 1) {
            ps.executeUpdate();
          } else {
            ps.addBatch();
          }
        }
        if (end - start > 1) {
          try {
            ps.executeBatch();
          } finally {
            ps.clearBatch();
          }
        }
        start = end;
      }
      return null;
    });
    checkpointer.committed(loggedBytes(batch, rows));
    return null;
  }

  @Override
  public long removeExpired(long nowMillis) {
    int chunk = connections.settings().sweepChunk();
    long removed = 0;
    // One transaction per chunk: the write-behind thread never waits behind a long sweep.
    while (true) {
      int n = writer.transaction("removing expired entries", w -> {
        PreparedStatement ps = w.sweepChunk();
        ps.setLong(1, nowMillis);
        ps.setInt(2, chunk);
        return ps.executeUpdate();
      });
      removed += n;
      if (n < chunk) {
        return removed;
      }
    }
  }

  @Override
  public void clear() {
    writer.transaction("clearing", w -> w.plain().executeUpdate(Schema.CLEAR));
  }

  /** Runs a query on a reader and checks that the writer can take the write lock. */
  @Override
  public void ping() {
    healer.followReplacement(this::reconnect);
    healing(this::pingOnce);
  }

  private Void pingOnce() {
    readers.withReader("pinging a reader", r -> {
      try (Statement s = r.connection.createStatement(); ResultSet rs = s.executeQuery(Schema.PING)) {
        rs.next();
      }
      return null;
    });
    return writer.transaction("pinging the writer", w -> null);
  }

  @Override
  public long size() {
    return readers.withReader("counting entries", r -> {
      try (Statement s = r.connection.createStatement(); ResultSet rs = s.executeQuery(Schema.COUNT)) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public void close() {
    checkpointer.close();
    readers.close();
    writer.close();
  }

  /**
   * Visits every unexpired row in one read transaction on a reader connection (a consistent
   * snapshot: writes committed meanwhile are not seen). The visitor runs while the reader is held.
   */
  @Override
  public void forEachEntry(EntryVisitor visitor) {
    long now = clockMillis.getAsLong();
    readers.withReader("walking entries", r -> {
      try (PreparedStatement ps = r.connection.prepareStatement(Schema.WALK)) {
        ps.setLong(1, now);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            StoredKey key = StoredKey.fromBlob(rs.getBytes(1));
            visitor.visit(key.high(), key.low(), rs.getBytes(2));
          }
        }
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- beyond the SPI

  /**
   * Sets the function that describes an encoded entry for the {@code path}, {@code profile} and
   * {@code metadata_json} columns of rows written from now on; {@code null} leaves them
   * {@code NULL}. It runs on the write-behind thread before each batch; a failure or {@code null}
   * result leaves that row's columns {@code NULL}.
   */
  public void setRowDescriber(Function<byte[], RowDescription> describer) {
    this.describer = describer;
  }

  /** Describes rows with the cache's describer: its {@link EntryDescription} becomes the row's columns. */
  @Override
  public void describeEntriesWith(EntryDescriber describer) {
    if (describer == null) {
      setRowDescriber(null);
      return;
    }
    setRowDescriber(value -> {
      EntryDescription d = describer.describe(value);
      return d == null ? RowDescription.EMPTY : new RowDescription(d.path(), d.profile(), d.metadataJson());
    });
  }

  /** Keys of every row whose {@code path} column is {@code path}, expired or not (uses the path index). */
  @Override
  public List<TierKey> keysForPath(String path) {
    Objects.requireNonNull(path, "path");
    return readers.withReader("listing the keys of a path", r -> {
      try (PreparedStatement ps = r.connection.prepareStatement(Schema.KEYS_FOR_PATH)) {
        ps.setString(1, path);
        List<TierKey> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            StoredKey k = StoredKey.fromBlob(rs.getBytes(1));
            keys.add(new TierKey(k.high(), k.low()));
          }
        }
        return keys;
      }
    });
  }

  /**
   * Advanced: the keys of unexpired entries matching an SQL condition over the {@code entries}
   * columns (see {@code docs/sqlite-schema.md}), for example
   * {@code query("json_extract(metadata_json, '$.language') = ?", "java")}. The condition is code,
   * not data: write it in the program, never build it from input; pass every value as an
   * {@code args} element through a {@code ?} placeholder, where it is bound, never concatenated.
   * It runs on a read-only connection, so it cannot change the database.
   *
   * @throws IllegalArgumentException if the condition does not compile or the placeholders and
   *     arguments do not match
   * @throws TierException if the database cannot answer
   */
  public List<StoredKey> query(String whereSql, Object... args) {
    return query(-1, whereSql, args);
  }

  /** Like {@link #query(String, Object...)}, returning at most {@code limit} keys ({@code -1}: all). */
  public List<StoredKey> query(int limit, String whereSql, Object... args) {
    Objects.requireNonNull(whereSql, "whereSql");
    Objects.requireNonNull(args, "args");
    if (whereSql.isBlank()) {
      throw new IllegalArgumentException("whereSql: expected an SQL condition, got a blank string");
    }
    if (limit < -1) {
      throw new IllegalArgumentException("limit: expected -1 (no limit) or a count, got " + limit);
    }
    String sql = Schema.QUERY_PREFIX + whereSql + ") LIMIT ?";
    long now = clockMillis.getAsLong();
    return readers.withReader("querying", r -> {
      PreparedStatement ps;
      try {
        ps = r.connection.prepareStatement(sql);
      } catch (SQLException e) {
        throw new IllegalArgumentException("whereSql does not compile: " + whereSql
            + " [" + SqliteFailures.describe(e) + "]", e);
      }
      try (ps) {
        ParameterMetaData meta = ps.getParameterMetaData();
        if (meta.getParameterCount() != args.length + 2) {
          throw new IllegalArgumentException("whereSql has " + (meta.getParameterCount() - 2)
              + " placeholders but " + args.length + " arguments were given: " + whereSql);
        }
        ps.setLong(1, now);
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 2, args[i]);
        }
        ps.setInt(args.length + 2, limit);
        List<StoredKey> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keys.add(StoredKey.fromBlob(rs.getBytes(1)));
          }
        }
        return keys;
      }
    });
  }

  /** The database file. */
  public Path file() {
    return connections.file();
  }

  /** The schema version of the open database. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** How many times the row describer threw; those rows were stored without description. */
  public long describerFailures() {
    return describerFailures.get();
  }

  // ---------------------------------------------------------------- package-private, for tests

  WriterConnection writer() {
    return writer;
  }

  ReaderPool readers() {
    return readers;
  }

  WalCheckpointer checkpointer() {
    return checkpointer;
  }

  // ---------------------------------------------------------------- internals

  /**
   * Runs {@code operation}; if the database turns out corrupt, replaces it with a fresh one
   * ({@link SqliteHealer}) and runs it once more there.
   */
  private <T> T healing(java.util.function.Supplier<T> operation) {
    try {
      return operation.get();
    } catch (TierException e) {
      if (!SqliteHealer.isCorruption(e)) {
        throw e;
      }
      try {
        healer.heal(e, this::reconnect);
      } catch (RuntimeException healFailure) {
        e.addSuppressed(healFailure);
        throw e;
      }
      return operation.get();
    }
  }

  /** Drops every connection; the next operations open the file now at the path. */
  private void reconnect() {
    writer.reconnect();
    readers.retireAll();
  }

  private RowDescription[] describe(List<TierOperation> batch) {
    Function<byte[], RowDescription> d = describer;
    if (d == null) {
      return null;
    }
    RowDescription[] rows = new RowDescription[batch.size()];
    for (int i = 0; i < rows.length; i++) {
      TierOperation op = batch.get(i);
      if (op.kind() != TierOperation.Kind.PUT) {
        continue;
      }
      try {
        RowDescription r = d.apply(op.value());
        rows[i] = r == null ? RowDescription.EMPTY : r;
      } catch (RuntimeException e) {
        // a value the describer cannot read is the decoder's concern; store it undescribed
        if (describerFailures.getAndIncrement() == 0) {
          LOG.warn("{}: row describer failed; such rows are stored without path, profile and metadata", file(), e);
        }
        rows[i] = RowDescription.EMPTY;
      }
    }
    return rows;
  }

  /**
   * About what a committed batch wrote to the log: each row's value and text columns plus a
   * fixed allowance for the key, numbers and index entries. It paces {@link WalCheckpointer}.
   */
  private static long loggedBytes(List<TierOperation> batch, RowDescription[] rows) {
    long bytes = 0;
    for (int i = 0; i < batch.size(); i++) {
      TierOperation op = batch.get(i);
      bytes += 96;
      if (op.kind() == TierOperation.Kind.PUT) {
        bytes += op.value().length;
        RowDescription row = rows == null ? null : rows[i];
        if (row != null) {
          bytes += length(row.metadataJson()) + 2L * length(row.path()) + length(row.profile());
        }
      }
    }
    return bytes;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static void bindUpsert(PreparedStatement ps, byte[] key, TierOperation op, RowDescription row)
      throws SQLException {
    byte[] value = op.value();
    ps.setBytes(1, key);
    ps.setBytes(2, value);
    ps.setLong(3, op.expiresAtMillis());
    if (EntryHeader.looksLikeEntry(value)) {
      ps.setBytes(4, EntryHeader.fingerprint(value));
      ps.setLong(5, EntryHeader.fileSize(value));
      ps.setLong(6, EntryHeader.mtimeNanos(value));
      ps.setLong(7, EntryHeader.cachedAtMillis(value));
    } else {
      ps.setNull(4, java.sql.Types.BLOB);
      ps.setNull(5, java.sql.Types.INTEGER);
      ps.setNull(6, java.sql.Types.INTEGER);
      ps.setNull(7, java.sql.Types.INTEGER);
    }
    ps.setString(8, row.metadataJson()); // ?8 is used twice in the statement, bound once
    ps.setString(9, row.path());
    ps.setString(10, row.profile());
  }
}
