package io.metacache.tiers.sqlite;

import io.metacache.CacheConfig;
import io.metacache.codec.EntryLayout;
import io.metacache.spi.TierContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Opens tiers on temporary files and builds values with an entry header. */
final class SqliteTestSupport {
  static final long NOW = 1_700_000_000_000L;

  private SqliteTestSupport() {}

  /** A tier on {@code dir/metacache.db} with a settable clock starting at {@link #NOW}. */
  static SqliteTier open(Path dir, AtomicLong clock) {
    return open(dir, clock, SqliteSettings.DEFAULTS);
  }

  static SqliteTier open(Path dir, AtomicLong clock, SqliteSettings settings) {
    return SqliteTier.open(dir.resolve(SqliteTier.FILE_NAME), settings, clock::get, Schema.MIGRATIONS);
  }

  static SqliteSettings busyTimeout(Duration busy) {
    return new SqliteSettings(busy, SqliteSettings.DEFAULT_READERS, SqliteSettings.DEFAULT_SWEEP_CHUNK);
  }

  static TierContext context(Path dir, Map<String, String> properties) {
    return new TierContext(CacheConfig.defaults(), dir, () -> NOW, properties::get);
  }

  /** A direct connection to the tier's file, as another process would have. */
  static Connection foreign(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteTier.FILE_NAME).toAbsolutePath());
  }

  /** A value with an entry header carrying these fields, followed by {@code body}. */
  static byte[] entry(long fpHigh, long fpLow, long size, long mtimeNs, long cachedAt, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(EntryLayout.HEADER_LENGTH + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b.put(EntryLayout.VERSION_OFFSET, EntryLayout.VERSION);
    b.putLong(EntryLayout.FINGERPRINT_HIGH_OFFSET, fpHigh);
    b.putLong(EntryLayout.FINGERPRINT_LOW_OFFSET, fpLow);
    b.putLong(EntryLayout.FILE_SIZE_OFFSET, size);
    b.putLong(EntryLayout.FILE_MTIME_OFFSET, mtimeNs);
    b.putLong(EntryLayout.CACHED_AT_OFFSET, cachedAt);
    b.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, body.length);
    b.position(EntryLayout.HEADER_LENGTH);
    b.put(body);
    return b.array();
  }

  /** A value whose body is {@code n} pseudo-random bytes derived from {@code seed}. */
  static byte[] value(long seed, int n) {
    byte[] body = new byte[n];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      body[i] = (byte) x;
    }
    return entry(seed, ~seed, n, seed * 1000, NOW, body);
  }

  static List<Migration> migrations(Migration... extra) {
    List<Migration> all = new java.util.ArrayList<>(Schema.MIGRATIONS);
    all.addAll(List.of(extra));
    return all;
  }
}
