package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static io.metacache.tiers.sqlite.SqliteTestSupport.busyTimeout;
import static io.metacache.tiers.sqlite.SqliteTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteFaultTest {
  static final Duration BUSY = Duration.ofMillis(200);

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);

  @Test
  void lockedByAnotherConnectionsExclusiveTransaction() throws Exception {
    byte[] before = value(1, 32);
    byte[] after = value(2, 32);
    List<TierOperation> batch = List.of(TierOperation.put(1, 1, after, 0), TierOperation.put(2, 2, value(3, 32), 0));
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock, busyTimeout(BUSY))) {
      tier.apply(List.of(TierOperation.put(1, 1, before, 0)));

      try (Connection other = SqliteTestSupport.foreign(dir); Statement s = other.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        s.executeUpdate("DELETE FROM entries"); // uncommitted: nobody else may see it

        long start = System.nanoTime();
        assertThatThrownBy(() -> tier.apply(batch))
            .isInstanceOf(TierException.class)
            .hasMessageStartingWith("sqlite: applying a batch of 2 operations in " + tier.file())
            .hasMessageContaining("locked by another connection")
            .hasMessageContaining("busy timeout of 200ms (metacache.sqlite.busy-timeout)")
            .hasMessageContaining("SQLITE_BUSY");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(BUSY.minusMillis(20));

        // WAL readers are not blocked by the writer lock: they see the last commit
        assertThat(tier.get(1, 1)).isEqualTo(before);
        assertThat(tier.get(2, 2)).isNull();
        assertThat(tier.size()).isEqualTo(1);
        assertThatThrownBy(tier::ping).isInstanceOf(TierException.class).hasMessageContaining("pinging the writer");

        s.execute("COMMIT");
      }

      // the same batch, retried, lands; nothing of the failed attempt was half-applied
      tier.apply(batch);
      tier.ping();
      assertThat(tier.get(1, 1)).isEqualTo(after);
      assertThat(tier.get(2, 2)).isEqualTo(value(3, 32));
      assertThat(tier.size()).isEqualTo(2);
    }
  }

  // A garbage file or a corrupt schema page at open: see SqliteQuarantineTest, which proves they
  // are moved aside and the tier starts empty.

  @Test
  void brokenConnectionsAreReplaced() throws Exception {
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      tier.apply(List.of(TierOperation.put(1, 1, value(1, 32), 0)));
      assertThat(tier.get(1, 1)).isNotNull();

      tier.writer().connection().close();
      tier.readers().peekIdle().connection.close();

      tier.apply(List.of(TierOperation.put(2, 2, value(2, 32), 0)));
      assertThat(tier.get(2, 2)).isEqualTo(value(2, 32));
      assertThat(tier.get(1, 1)).isEqualTo(value(1, 32));
      tier.ping();
    }
  }

  @Test
  void aClosedTierSaysSo() {
    SqliteTier tier = SqliteTestSupport.open(dir, clock);
    tier.close();
    tier.close();
    assertThatThrownBy(() -> tier.get(1, 1)).isInstanceOf(TierException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> tier.apply(List.of(TierOperation.delete(1, 1))))
        .isInstanceOf(TierException.class).hasMessageContaining("closed");
  }

  @Test
  void aMissingDirectoryIsAClearOpenFailure() {
    Path missing = dir.resolve("no/such/dir");
    assertThatThrownBy(() -> SqliteTestSupport.open(missing, clock))
        .isInstanceOf(TierException.class)
        .hasMessageStartingWith("sqlite: opening the database in " + missing.resolve(SqliteTier.FILE_NAME));
  }
}
