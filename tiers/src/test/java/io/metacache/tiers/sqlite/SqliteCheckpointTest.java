package io.metacache.tiers.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.TierOperation;
import io.metacache.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log is copied into the database file by the tier's checkpoint thread, not by
 * the connection that commits the batches, and that thread ends with the tier.
 */
class SqliteCheckpointTest {
  private static final int ROWS_PER_BATCH = 1000;
  private static final int VALUE_BYTES = 1024;

  @TempDir Path dir;

  @Test
  void committedRowsReachTheDatabaseFileThroughTheCheckpointThreadBeforeTheWritersBackstop() throws IOException {
    AtomicLong clock = new AtomicLong(SqliteTestSupport.NOW);
    // 1.25 times the trigger: at least one background checkpoint is due, while the log stays
    // below the writer's own checkpoint at WRITER_AUTOCHECKPOINT_PAGES (47 MiB of 4 KiB pages)
    long target = WalCheckpointer.TRIGGER_BYTES * 5 / 4;
    int batches = (int) (target / ((long) ROWS_PER_BATCH * VALUE_BYTES)) + 1;
    assertThat((long) batches * ROWS_PER_BATCH * (VALUE_BYTES + 200))
        .as("the test stays below the writer's backstop")
        .isLessThan((long) SqliteConnections.WRITER_AUTOCHECKPOINT_PAGES * 4096 * 3 / 4);
    Path db = dir.resolve(SqliteTier.FILE_NAME);
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      long before = Files.size(db);
      long key = 0;
      for (int b = 0; b < batches; b++) {
        List<TierOperation> batch = new ArrayList<>(ROWS_PER_BATCH);
        for (int i = 0; i < ROWS_PER_BATCH; i++, key++) {
          batch.add(TierOperation.put(key, ~key, SqliteTestSupport.value(key, VALUE_BYTES), 0));
        }
        tier.apply(batch);
      }
      WalCheckpointer checkpointer = tier.checkpointer();
      Await.until("a background checkpoint has run", () -> checkpointer.checkpoints() >= 1,
          () -> checkpointer.checkpoints() + " checkpoints, " + checkpointer.failures() + " failures");
      assertThat(checkpointer.failures()).isZero();
      // the database file itself now holds at least the rows of the first trigger's worth of batches
      long copied = Files.size(db) - before;
      assertThat(copied).as("bytes copied from the log into %s", db)
          .isGreaterThanOrEqualTo(WalCheckpointer.TRIGGER_BYTES * 3 / 4);
      assertThat(tier.get(0, ~0L)).isEqualTo(SqliteTestSupport.value(0, VALUE_BYTES));
      assertThat(tier.get(key - 1, ~(key - 1))).isEqualTo(SqliteTestSupport.value(key - 1, VALUE_BYTES));
      assertThat(tier.size()).isEqualTo(key);
    }
  }

  @Test
  void closingTheTierStopsTheCheckpointThread() {
    SqliteTier tier = SqliteTestSupport.open(dir, new AtomicLong(SqliteTestSupport.NOW));
    WalCheckpointer checkpointer = tier.checkpointer();
    assertThat(checkpointer.running()).isTrue();
    tier.close();
    assertThat(checkpointer.running()).isFalse();
  }
}
