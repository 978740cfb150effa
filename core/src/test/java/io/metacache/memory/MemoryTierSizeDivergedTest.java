package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed between a segment's entry counter and its hash lookup leaves the counter above
 * what the segment holds, and Chronicle's walk over that segment ends with "Size diverged" after
 * it has visited every entry the segment holds. A walk over the shared tier (an enumeration, a
 * clear, an owner's rebuild) goes on past it with nothing missed, marks the map dirty, and the next
 * process to open the map alone repairs the counter with Chronicle's recovery.
 */
class MemoryTierSizeDivergedTest {
  private static final int ENTRIES = 200;

  @TempDir Path dir;

  @Test
  void aSegmentCountingMoreEntriesThanItHolds_isWalkedWhole_andRepairedByTheNextLoneOpen() throws Exception {
    Path file = dir.resolve("memory.cmap");
    try (MemoryTier tier = MemoryTierSharedTest.sharedTier(file, 10_000, PolicyKind.LRU)) {
      for (long k = 0; k < ENTRIES; k++) {
        assertThat(tier.put(k, ~k, TestEntries.entryForKey(k, ~k, 200, 0, k))).isTrue();
      }
      VanillaChronicleHash<?, ?, ?, ?> map = map(tier);
      long address = map.segmentHeaderAddress(0);
      long counted = BigSegmentHeader.INSTANCE.entries(address);
      BigSegmentHeader.INSTANCE.entries(address, counted + 1);  // as a process killed mid-insert leaves it

      Set<Long> seen = new HashSet<>();
      tier.forEachEntry((high, low, bytes) -> {
        assertThat(TestEntries.intactFor(bytes, high, low)).isTrue();
        seen.add(high);
      });
      assertThat(seen).as("every entry, those of the diverged segment included").hasSize(ENTRIES);
    }
    assertThat(Files.exists(MemoryTier.cleanMarker(file))).as("closed dirty: no clean marker").isFalse();

    try (MemoryTier reopened = MemoryTierSharedTest.sharedTier(file, 10_000, PolicyKind.LRU)) {
      long address = map(reopened).segmentHeaderAddress(0);
      Set<Long> seen = new HashSet<>();
      reopened.forEachEntry((high, low, bytes) -> seen.add(high));
      assertThat(seen).hasSize(ENTRIES);
      assertThat(reopened.size()).as("the counters repaired by the recovery").isEqualTo(ENTRIES);
      long held = 0;
      for (long k = 0; k < ENTRIES; k++) {
        held += reopened.get(k, ~k) != null ? 1 : 0;
      }
      assertThat(held).isEqualTo(ENTRIES);
      assertThat(BigSegmentHeader.INSTANCE.entries(address)).as("segment 0's counter").isLessThanOrEqualTo(ENTRIES);
    }
    assertThat(Files.exists(MemoryTier.cleanMarker(file))).as("closed clean after the repair").isTrue();
  }

  private static VanillaChronicleHash<?, ?, ?, ?> map(MemoryTier tier) throws ReflectiveOperationException {
    Field f = MemoryTier.class.getDeclaredField("map");
    f.setAccessible(true);
    return (VanillaChronicleHash<?, ?, ?, ?>) f.get(tier);
  }
}
