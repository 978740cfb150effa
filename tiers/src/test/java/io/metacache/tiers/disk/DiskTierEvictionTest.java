package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte cap and least-recently-used eviction, live and across a restart. */
class DiskTierEvictionTest {
  /** Four files of {@link #FILE} bytes fill the cap exactly. */
  static final int VALUE = 200;
  static final int FILE = DiskFileHeader.LENGTH + VALUE;
  static final long CAP = 4L * FILE;

  @TempDir Path dir;

  private List<Integer> present(DiskTierFixture fx, int upTo) {
    // Checks files, not get(), so that looking does not change the order under test.
    List<Integer> keys = new ArrayList<>();
    IntStream.range(0, upTo).filter(k -> Files.exists(fx.file(k))).forEach(keys::add);
    return keys;
  }

  @Test
  void evictsLeastRecentlyUsedInExactOrder() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
      }
      assertThat(tier.stats().bytes()).isEqualTo(CAP);
      assertThat(tier.stats().evictions()).isZero();

      get(tier, 0);                     // order, eldest first: 1 2 3 0
      put(tier, 4, value(VALUE, 4));    // evicts 1 -> 2 3 0 4
      assertThat(present(fx, 8)).containsExactly(0, 2, 3, 4);
      get(tier, 2);                     // 3 0 4 2
      put(tier, 3, value(VALUE, 33));   // overwrite counts as a use: 0 4 2 3
      put(tier, 5, value(VALUE, 5));    // evicts 0 -> 4 2 3 5
      assertThat(present(fx, 8)).containsExactly(2, 3, 4, 5);
      put(tier, 6, value(VALUE, 6));    // evicts 4
      put(tier, 7, value(VALUE, 7));    // evicts 2
      assertThat(present(fx, 8)).containsExactly(3, 5, 6, 7);
      assertThat(tier.stats().evictions()).isEqualTo(4);
      assertThat(tier.stats().bytes()).isEqualTo(CAP);
      assertThat(get(tier, 1)).isNull();
      assertThat(get(tier, 3)).isEqualTo(value(VALUE, 33));
    }
  }

  @Test
  void oneLargeEntryEvictsAsManyAsNeeded() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
      }
      put(tier, 9, value(2 * FILE + 1, 9));  // needs three files' room
      assertThat(present(fx, 10)).containsExactly(3, 9);
      assertThat(tier.stats().evictions()).isEqualTo(3);
      assertThat(tier.stats().bytes()).isLessThanOrEqualTo(CAP);
    }
  }

  @Test
  void entryLargerThanTheCapIsNotStoredAndDropsTheOlderValue() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      put(tier, 1, value(VALUE, 1));
      put(tier, 2, value(VALUE, 2));
      put(tier, 1, value((int) CAP, 1));
      assertThat(get(tier, 1)).isNull();
      assertThat(get(tier, 2)).isEqualTo(value(VALUE, 2));
      assertThat(tier.stats().evictions()).isZero();
    }
  }

  @Test
  void afterRestartTheOrderIsModificationTime() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
      }
    }
    long base = System.currentTimeMillis() - 100_000;
    int[] oldestFirst = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++) {
      Files.setLastModifiedTime(fx.file(oldestFirst[i]), FileTime.fromMillis(base + i * 1000L));
    }
    try (DiskTier tier = fx.open(CAP)) {
      put(tier, 4, value(VALUE, 4));
      assertThat(present(fx, 8)).containsExactly(0, 1, 3, 4);
      put(tier, 5, value(VALUE, 5));
      assertThat(present(fx, 8)).containsExactly(1, 3, 4, 5);
    }
  }

  @Test
  void lowerCapAtOpenEvictsTheOldest() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
      }
    }
    long base = System.currentTimeMillis() - 100_000;
    for (int k = 0; k < 4; k++) {
      Files.setLastModifiedTime(fx.file(k), FileTime.fromMillis(base + k * 1000L));
    }
    try (DiskTier tier = fx.open(2L * FILE)) {
      assertThat(present(fx, 4)).containsExactly(2, 3);
      assertThat(tier.stats()).isEqualTo(new DiskTierStats(2, 2L * FILE, 2L * FILE, 2, 0, 0));
    }
  }
}
