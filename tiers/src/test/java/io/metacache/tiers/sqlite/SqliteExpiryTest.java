package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static io.metacache.tiers.sqlite.SqliteTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteExpiryTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);

  @Test
  void sweepRemovesExactlyTheExpiredRowsInChunks() {
    // chunk of 7 rows: 100 expired rows take 15 transactions
    SqliteSettings settings = new SqliteSettings(Duration.ofSeconds(2), 2, 7);
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock, settings)) {
      List<TierOperation> batch = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        long expiresAt = i < 100 ? 0 : i < 200 ? NOW - i : NOW + i; // never, expired, live
        batch.add(TierOperation.put(i, i, value(i, 16), expiresAt));
      }
      batch.add(TierOperation.put(1000, 1000, value(1000, 16), NOW)); // at now: expired
      tier.apply(batch);
      long commitsBefore = tier.writer().commits();

      assertThat(tier.removeExpired(NOW)).isEqualTo(101);

      assertThat(tier.writer().commits() - commitsBefore).isEqualTo(101 / 7 + 1);
      assertThat(tier.size()).isEqualTo(200);
      for (int i = 0; i < 300; i++) {
        assertThat(tier.get(i, i) != null).as("key %d", i).isEqualTo(i < 100 || i >= 200);
      }
      assertThat(tier.removeExpired(NOW)).isZero();
      assertThat(tier.removeExpired(NOW + 250)).isEqualTo(51); // NOW+200 .. NOW+250
    }
  }

  @Test
  void sweepUsesThePartialExpiryIndex() throws Exception {
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      List<TierOperation> batch = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        batch.add(TierOperation.put(i, i, value(i, 16), i % 10 == 0 ? NOW + i : 0));
      }
      tier.apply(batch);
      try (PreparedStatement analyze = tier.writer().connection().prepareStatement("ANALYZE")) {
        analyze.execute();
      }
      String plan = plan(tier, Schema.SWEEP_CHUNK);
      System.out.println("sqlite: expiry sweep plan:\n" + plan);
      assertThat(plan).contains("USING COVERING INDEX entries_expires_at").doesNotContain("SCAN entries");
    }
  }

  private static String plan(SqliteTier tier, String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (PreparedStatement ps = tier.writer().connection().prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      ps.setLong(1, NOW);
      ps.setInt(2, 1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.append(rs.getString("detail")).append('\n');
        }
      }
    }
    return out.toString();
  }
}
