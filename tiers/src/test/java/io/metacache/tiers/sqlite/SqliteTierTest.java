package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static io.metacache.tiers.sqlite.SqliteTestSupport.open;
import static io.metacache.tiers.sqlite.SqliteTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTierTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);
  SqliteTier tier;

  @BeforeEach
  void openTier() {
    tier = open(dir, clock);
  }

  @AfterEach
  void closeTier() {
    tier.close();
  }

  @Test
  void roundTripReturnsTheStoredBytes() {
    byte[] v = value(1, 300);
    tier.apply(List.of(TierOperation.put(1, 2, v, 0)));

    assertThat(tier.get(1, 2)).isEqualTo(v);
    assertThat(tier.get(2, 1)).isNull();
    assertThat(tier.size()).isEqualTo(1);
    assertThat(tier.name()).isEqualTo("sqlite");
    assertThat(tier.schemaVersion()).isEqualTo(1);
    assertThat(tier.file()).isEqualTo(dir.resolve("metacache.db"));
  }

  @Test
  void databaseRunsInWalModeWithNormalSync() throws Exception {
    try (Statement s = tier.writer().connection().createStatement()) {
      assertThat(SchemaMigrator.intPragma(s, "synchronous")).isEqualTo(1); // NORMAL
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
      }
      assertThat(SchemaMigrator.intPragma(s, "busy_timeout")).isEqualTo(2000);
    }
  }

  @Test
  void putOverwritesAndDeleteRemoves() {
    tier.apply(List.of(TierOperation.put(1, 1, value(1, 10), 0), TierOperation.put(2, 2, value(2, 10), 0)));
    byte[] newer = value(3, 20);
    tier.apply(List.of(TierOperation.put(1, 1, newer, 0), TierOperation.delete(2, 2)));

    assertThat(tier.get(1, 1)).isEqualTo(newer);
    assertThat(tier.get(2, 2)).isNull();
    assertThat(tier.size()).isEqualTo(1);

    tier.apply(List.of(TierOperation.delete(1, 1), TierOperation.delete(9, 9)));
    assertThat(tier.get(1, 1)).isNull();
    assertThat(tier.size()).isZero();
  }

  @Test
  void applyingABatchTwiceIsHarmless() {
    List<TierOperation> batch = List.of(TierOperation.put(1, 1, value(1, 10), 0), TierOperation.delete(2, 2));
    tier.apply(batch);
    tier.apply(batch);
    assertThat(tier.get(1, 1)).isEqualTo(value(1, 10));
    assertThat(tier.size()).isEqualTo(1);
  }

  @Test
  void getReturnsNullForAnExpiredRowBeforeTheSweep() {
    tier.apply(List.of(TierOperation.put(1, 1, value(1, 10), NOW + 1000)));
    assertThat(tier.get(1, 1)).isNotNull();
    clock.set(NOW + 1000);
    assertThat(tier.get(1, 1)).isNull();
  }

  @Test
  void keyColumnsAndHeaderColumnsAreStored() throws Exception {
    byte[] v = SqliteTestSupport.entry(0x0102030405060708L, 0x1112131415161718L, 4096, 123_456_789L, NOW - 5, new byte[8]);
    tier.apply(List.of(TierOperation.put(0xAABBCCDD00112233L, 0x4455667788990011L, v, NOW + 60_000)));

    try (PreparedStatement ps = tier.writer().connection().prepareStatement(
        "SELECT hex(key), expires_at, hex(fingerprint), file_size, mtime_ns, cached_at, metadata_json, path, profile FROM entries");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase(new StoredKey(0xAABBCCDD00112233L, 0x4455667788990011L).hex());
      assertThat(rs.getLong(2)).isEqualTo(NOW + 60_000);
      assertThat(rs.getString(3)).isEqualToIgnoringCase("01020304050607081112131415161718");
      assertThat(rs.getLong(4)).isEqualTo(4096);
      assertThat(rs.getLong(5)).isEqualTo(123_456_789L);
      assertThat(rs.getLong(6)).isEqualTo(NOW - 5);
      assertThat(rs.getString(7)).isNull();
      assertThat(rs.getString(8)).isNull();
      assertThat(rs.getString(9)).isNull();
    }
  }

  /** A corrupt entry is the decoder's concern: the tier stores and returns it verbatim, and deletes it on request. */
  @Test
  void aCorruptEntryIsStoredOpaqueAndCanBeDeleted() throws Exception {
    byte[] garbage = {1, 2, 3, 'M', 'C', 'E', 'N', 0, 0};
    byte[] truncated = java.util.Arrays.copyOf(value(5, 100), 60);
    tier.apply(List.of(TierOperation.put(7, 7, garbage, 0), TierOperation.put(8, 8, truncated, 0)));

    assertThat(tier.get(7, 7)).isEqualTo(garbage);
    assertThat(tier.get(8, 8)).isEqualTo(truncated);
    try (Statement s = tier.writer().connection().createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM entries WHERE fingerprint IS NULL AND file_size IS NULL")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }

    tier.apply(List.of(TierOperation.delete(7, 7), TierOperation.delete(8, 8)));
    assertThat(tier.get(7, 7)).isNull();
    assertThat(tier.get(8, 8)).isNull();
  }

  @Test
  void clearRemovesEverything() {
    tier.apply(List.of(TierOperation.put(1, 1, value(1, 10), 0), TierOperation.put(2, 2, value(2, 10), NOW + 5)));
    tier.clear();
    assertThat(tier.size()).isZero();
    assertThat(tier.get(1, 1)).isNull();
  }

  @Test
  void entriesSurviveARestart() {
    List<TierOperation> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(TierOperation.put(i, -i, value(i, 50 + i), i % 2 == 0 ? 0 : NOW + 60_000));
    }
    tier.apply(batch);
    tier.close();

    tier = open(dir, clock);
    assertThat(tier.size()).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      assertThat(tier.get(i, -i)).isEqualTo(value(i, 50 + i));
    }
    assertThat(tier.schemaVersion()).isEqualTo(1);
  }

  @Test
  void aBatchOfTenThousandUpsertsIsOneTransaction() {
    int n = 10_000;
    List<TierOperation> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(TierOperation.put(i, i * 31L, value(i, 1024 - 104), NOW + 3_600_000));
    }
    tier.apply(batch.subList(0, 100)); // warm up statements and JIT a little
    long commitsBefore = tier.writer().commits();

    long start = System.nanoTime();
    tier.apply(batch);
    long elapsed = System.nanoTime() - start;

    assertThat(tier.writer().commits()).isEqualTo(commitsBefore + 1);
    assertThat(tier.size()).isEqualTo(n);
    assertThat(tier.get(n - 1, (n - 1) * 31L)).isEqualTo(batch.get(n - 1).value());
    System.out.printf("sqlite: batch of %d upserts of 1 KiB entries in one transaction: %.1f ms, %.0f entries/s%n",
        n, elapsed / 1e6, n / (elapsed / 1e9));
  }

  @Test
  void readersSeeWholeBatchesWhileTheWriterWrites() throws Exception {
    int keys = 50;
    List<TierOperation> first = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      first.add(TierOperation.put(k, k, SqliteTestSupport.entry(0, 0, 0, 0, 0, new byte[] {0}), 0));
    }
    tier.apply(first);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> readers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        readers.add(pool.submit(() -> {
          long reads = 0;
          int lastSeen = 0;
          while (!done.get()) {
            // generations only grow: a reader never sees an older value after a newer one
            byte[] v = tier.get(keys - 1, keys - 1);
            int generation = v[v.length - 1];
            assertThat(generation).isGreaterThanOrEqualTo(lastSeen);
            lastSeen = generation;
            reads++;
          }
          return reads;
        }));
      }
      for (int g = 1; g <= 100; g++) {
        List<TierOperation> batch = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
          batch.add(TierOperation.put(k, k, SqliteTestSupport.entry(0, 0, 0, 0, 0, new byte[] {(byte) g}), 0));
        }
        tier.apply(batch);
      }
      done.set(true);
      long reads = 0;
      for (Future<Long> f : readers) {
        reads += f.get(10, TimeUnit.SECONDS);
      }
      assertThat(reads).isPositive();
      assertThat(tier.get(0, 0)).endsWith((byte) 100);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void readersAreReadOnly() throws Exception {
    tier.apply(List.of(TierOperation.put(1, 1, value(1, 10), 0)));
    tier.get(1, 1); // leaves a pooled reader behind
    Connection pooled = tier.readers().peekIdle().connection;
    try (Statement s = pooled.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM entries"))
          .isInstanceOf(java.sql.SQLException.class)
          .hasMessageContaining("SQLITE_READONLY");
    }
    assertThat(tier.get(1, 1)).isNotNull();
  }
}
