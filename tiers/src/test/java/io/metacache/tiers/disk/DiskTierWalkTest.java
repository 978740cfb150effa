package io.metacache.tiers.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forEachEntry} yields every unexpired entry once, with its bytes, and leaves the LRU order alone. */
class DiskTierWalkTest {
  @TempDir Path dir;

  @Test
  void walksUnexpiredEntries() {
    DiskTierFixture fx = new DiskTierFixture(dir.resolve("disk"));
    try (DiskTier tier = fx.open(1L << 20)) {
      long now = fx.clock.get();
      tier.apply(List.of(TierOperation.put(1, 1, new byte[] {1}, 0), TierOperation.put(2, 2, new byte[] {2, 2}, now + 10),
          TierOperation.put(3, 3, new byte[] {3}, now + 100_000), TierOperation.put(4, 4, new byte[] {4}, 0)));
      tier.apply(List.of(TierOperation.delete(4, 4)));
      fx.clock.addAndGet(10);
      Map<Long, byte[]> seen = new HashMap<>();
      tier.forEachEntry((hi, lo, bytes) -> seen.put(hi, bytes));
      assertThat(seen.keySet()).containsExactlyInAnyOrder(1L, 3L);
      assertThat(seen.get(1L)).containsExactly(1);
      assertThat(seen.get(3L)).containsExactly(3);
    }
  }
}
