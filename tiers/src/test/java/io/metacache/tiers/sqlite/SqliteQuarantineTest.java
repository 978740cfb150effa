package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static io.metacache.tiers.sqlite.SqliteTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.internal.StoreQuarantine;
import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt SQLite database heals by itself: at open and while the tier runs, the file is moved
 * aside under {@code metacache.db.corrupt-<time>} (its bytes kept for inspection), a fresh empty
 * database takes its place, the event is counted, and the tier works again at once. Real files,
 * damaged as a disk or a stray write would damage them.
 */
class SqliteQuarantineTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);

  @Test
  void aGarbageFileIsMovedAsideAtOpenAndTheTierStartsEmpty() throws Exception {
    byte[] garbage = new byte[16 * 1024];
    new Random(42).nextBytes(garbage);
    Path file = dir.resolve(SqliteTier.FILE_NAME);
    Files.write(file, garbage);
    long before = StoreQuarantine.events("sqlite");

    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      assertThat(tier.size()).isZero();
      tier.apply(List.of(TierOperation.put(1, 1, value(1, 32), 0)));
      assertThat(tier.get(1, 1)).isEqualTo(value(1, 32));
    }
    List<Path> kept = quarantined(SqliteTier.FILE_NAME);
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).getFileName().toString()).matches("metacache\\.db\\.corrupt-\\d{8}T\\d{6}Z");
    assertThat(Files.readAllBytes(kept.get(0))).as("the old store is kept as it was").isEqualTo(garbage);
    assertThat(StoreQuarantine.events("sqlite") - before).isEqualTo(1);
  }

  @Test
  void aDatabaseWithACorruptSchemaPageIsMovedAsideAtOpen() throws Exception {
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(List.of(TierOperation.put(1, 1, value(1, 32), 0)));
    }
    Path file = dir.resolve(SqliteTier.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    // keep the 100-byte file header, overwrite the rest of page 1 (the schema) with noise
    byte[] noise = new byte[Math.min(bytes.length, 4096) - 100];
    new Random(7).nextBytes(noise);
    System.arraycopy(noise, 0, bytes, 100, noise.length);
    Files.write(file, bytes);

    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      assertThat(tier.get(1, 1)).as("the fresh database is empty").isNull();
      tier.apply(List.of(TierOperation.put(2, 2, value(2, 32), 0)));
      assertThat(tier.get(2, 2)).isEqualTo(value(2, 32));
    }
    assertThat(quarantined(SqliteTier.FILE_NAME)).hasSize(1);
  }

  /**
   * The case: three pages in the middle of a real database overwritten. The tier opens
   * (the schema is intact); the first batch that touches a damaged page meets SQLITE_CORRUPT, the
   * tier swaps in a fresh database and applies the batch there, so the caller sees it land.
   */
  @Test
  void pagesOverwrittenInTheMiddleHealWhileTheTierRuns() throws Exception {
    int rows = 2_000;
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(puts(rows, 1));
    }
    Path file = dir.resolve(SqliteTier.FILE_NAME);
    byte[] damaged = overwriteMiddlePages(file, 3);
    long before = StoreQuarantine.events("sqlite");

    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(puts(rows, 2)); // touches every leaf page, the damaged ones among them
      assertThat(tier.size()).as("the batch landed, whole, in the fresh database").isEqualTo(rows);
      for (int i = 0; i < rows; i += 97) {
        assertThat(tier.get(i, i)).isEqualTo(value(i * 2L, 64));
      }
      tier.ping();
    }
    assertThat(StoreQuarantine.events("sqlite") - before).isEqualTo(1);
    List<Path> kept = quarantined(SqliteTier.FILE_NAME);
    assertThat(kept).hasSize(1);
    assertThat(Files.readAllBytes(kept.get(0))).as("the damaged file, kept as it was").isEqualTo(damaged);
  }

  @Test
  void readsOfADamagedPageHealTooAndAnswerFromTheFreshDatabase() throws Exception {
    int rows = 2_000;
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(puts(rows, 1));
    }
    overwriteMiddlePages(dir.resolve(SqliteTier.FILE_NAME), 3);
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      int found = 0;
      for (int i = 0; i < rows; i++) {
        found += tier.get(i, i) == null ? 0 : 1; // never throws: a damaged page heals the tier
      }
      assertThat(found).as("entries read before the damaged page was met").isLessThan(rows);
      assertThat(tier.size()).isZero();
    }
    assertThat(quarantined(SqliteTier.FILE_NAME)).hasSize(1);
  }

  /**
   * Two tiers on one file, each with its own connections, as two processes have: one meets the
   * corruption and swaps the file; the other, which still has the corrupt file open, follows the
   * swap before its next batch instead of writing into the quarantined copy or healing again.
   */
  @Test
  void aSecondConnectionSetFollowsTheSwapAndDoesNotHealAgain() throws Exception {
    int rows = 2_000;
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(puts(rows, 1));
    }
    overwriteMiddlePages(dir.resolve(SqliteTier.FILE_NAME), 3);
    long before = StoreQuarantine.events("sqlite");
    try (SqliteTier first = SqliteTestSupport.open(dir, clock);
        SqliteTier second = SqliteTestSupport.open(dir, clock)) {
      second.apply(List.of(TierOperation.put(9_999, 9_999, value(1, 32), 0))); // on the corrupt file: lands there
      first.apply(puts(rows, 2)); // heals
      second.apply(List.of(TierOperation.put(7_777, 7_777, value(7, 32), 0)));
      assertThat(first.get(7_777, 7_777)).as("the second tier wrote into the fresh file").isEqualTo(value(7, 32));
      assertThat(second.get(5, 5)).isEqualTo(value(10, 64));
      assertThat(second.size()).isEqualTo(rows + 1);
    }
    assertThat(StoreQuarantine.events("sqlite") - before).isEqualTo(1);
    assertThat(quarantined(SqliteTier.FILE_NAME)).hasSize(1);
  }

  @Test
  void onlyTheNewestCopiesAreKept() throws Exception {
    for (int round = 0; round < 3; round++) {
      Files.write(dir.resolve(SqliteTier.FILE_NAME), new byte[] {1, 2, 3, (byte) round});
      SqliteTier.open(dir.resolve(SqliteTier.FILE_NAME), SqliteSettings.DEFAULTS, clock::get, Schema.MIGRATIONS, 2)
          .close();
    }
    List<Path> kept = quarantined(SqliteTier.FILE_NAME);
    assertThat(kept).hasSize(2);
    assertThat(Files.readAllBytes(kept.get(1))).as("the newest is kept").containsExactly(1, 2, 3, 2);
    assertThat(Files.readAllBytes(kept.get(0))).containsExactly(1, 2, 3, 1);
  }

  @Test
  void theFreshDatabaseAndItsQuarantinedCopyAreOwnerOnly() throws Exception {
    Files.write(dir.resolve(SqliteTier.FILE_NAME), new byte[] {1, 2, 3});
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(List.of(TierOperation.put(1, 1, value(1, 32), 0)));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tier.file()))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
          dir.resolve(SqliteTier.FILE_NAME + "-wal")))).isEqualTo("rw-------");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<TierOperation> puts(int rows, long seedFactor) {
    List<TierOperation> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      batch.add(TierOperation.put(i, i, value(i * seedFactor, 64), 0));
    }
    return batch;
  }

  /** Overwrites {@code pages} pages in the middle of the file with noise; returns the damaged bytes. */
  static byte[] overwriteMiddlePages(Path file, int pages) throws IOException {
    int pageSize = 4096;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long count = raf.length() / pageSize;
      assertThat(count).as("pages in the database").isGreaterThan(pages * 4L);
      byte[] noise = new byte[pageSize * pages];
      new Random(11).nextBytes(noise);
      raf.seek((count / 2) * pageSize);
      raf.write(noise);
    }
    return Files.readAllBytes(file);
  }

  private List<Path> quarantined(String name) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(name + StoreQuarantine.MARK)).sorted().toList();
    }
  }
}
