package io.metacache.tiers.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forEachEntry} yields every unexpired row once, with its value bytes. */
class SqliteTierWalkTest {
  @TempDir Path dir;

  @Test
  void walksUnexpiredRows() {
    AtomicLong clock = new AtomicLong(1_000_000);
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      long now = clock.get();
      tier.apply(List.of(TierOperation.put(1, -1, new byte[] {1}, 0), TierOperation.put(2, 2, new byte[] {2, 2}, now + 10),
          TierOperation.put(Long.MIN_VALUE, 3, new byte[] {3}, now + 100_000), TierOperation.put(4, 4, new byte[] {4}, 0)));
      tier.apply(List.of(TierOperation.delete(4, 4)));
      clock.addAndGet(10);
      Map<List<Long>, byte[]> seen = new HashMap<>();
      tier.forEachEntry((hi, lo, bytes) -> seen.put(List.of(hi, lo), bytes));
      assertThat(seen.keySet()).containsExactlyInAnyOrder(List.of(1L, -1L), List.of(Long.MIN_VALUE, 3L));
      assertThat(seen.get(List.of(1L, -1L))).containsExactly(1);
    }
  }
}
