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

/**
 * The byte cap and least-recently-used eviction by file modification time (in the cache's clock),
 * down to the low-water mark, live and across a restart.
 */
class DiskTierEvictionTest {
  /** Four files of {@link #FILE} bytes fill the cap exactly; the low-water mark (90%) holds three. */
  static final int VALUE = 200;
  static final int FILE = DiskFileHeader.LENGTH + VALUE;
  static final long CAP = 4L * FILE;
  /** More than the touch interval: each step is more recent than the last. */
  static final long STEP = 2 * DiskTier.TOUCH_INTERVAL_MILLIS;

  @TempDir Path dir;

  private List<Integer> present(DiskTierFixture fx, int upTo) {
    // Checks files, not get(), so that looking does not change the order under test.
    List<Integer> keys = new ArrayList<>();
    IntStream.range(0, upTo).filter(k -> Files.exists(fx.file(k))).forEach(keys::add);
    return keys;
  }

  @Test
  void evictsLeastRecentlyUsedDownToTheLowWaterMark() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
        fx.clock.addAndGet(STEP);
      }
      assertThat(tier.stats().bytes()).isEqualTo(CAP);
      assertThat(tier.stats().evictions()).isZero();

      get(tier, 0);                     // order, eldest first: 1 2 3 0
      fx.clock.addAndGet(STEP);
      put(tier, 4, value(VALUE, 4));    // over the cap: evicts 1 and 2, down to three files -> 3 0 4
      assertThat(present(fx, 8)).containsExactly(0, 3, 4);
      fx.clock.addAndGet(STEP);
      get(tier, 3);                     // 0 4 3
      fx.clock.addAndGet(STEP);
      put(tier, 5, value(VALUE, 5));    // at the cap, not over it: 0 4 3 5
      assertThat(present(fx, 8)).containsExactly(0, 3, 4, 5);
      fx.clock.addAndGet(STEP);
      put(tier, 4, value(VALUE, 44));   // an overwrite is a use: 0 3 5 4
      fx.clock.addAndGet(STEP);
      put(tier, 6, value(VALUE, 6));    // evicts 0 and 3 -> 5 4 6
      assertThat(present(fx, 8)).containsExactly(4, 5, 6);
      assertThat(tier.stats().evictions()).isEqualTo(4);
      assertThat(tier.stats().bytes()).isEqualTo(3L * FILE);
      assertThat(tier.stats().entries()).isEqualTo(3);
      assertThat(get(tier, 1)).isNull();
      assertThat(get(tier, 4)).isEqualTo(value(VALUE, 44));
    }
  }

  @Test
  void aReadMovesRecencyOnlyOncePerTouchInterval() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      long written = fx.clock.get();
      put(tier, 0, value(VALUE, 0));
      assertThat(Files.getLastModifiedTime(fx.file(0)).toMillis()).as("a put sets it").isEqualTo(written);
      fx.clock.addAndGet(DiskTier.TOUCH_INTERVAL_MILLIS - 1);
      get(tier, 0);
      assertThat(Files.getLastModifiedTime(fx.file(0)).toMillis()).as("too soon to touch").isEqualTo(written);
      long read = fx.clock.addAndGet(1);
      get(tier, 0);
      assertThat(Files.getLastModifiedTime(fx.file(0)).toMillis()).as("touched").isEqualTo(read);
    }
  }

  @Test
  void oneLargeEntryEvictsAsManyAsNeeded() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
        fx.clock.addAndGet(STEP);
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
  void afterRestartTheOrderIsTheSame() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(CAP)) {
      for (int k = 0; k < 4; k++) {
        put(tier, k, value(VALUE, k));
      }
    }
    long base = fx.clock.get() - 100_000;
    int[] oldestFirst = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++) {
      Files.setLastModifiedTime(fx.file(oldestFirst[i]), FileTime.fromMillis(base + i * 1000L));
    }
    try (DiskTier tier = fx.open(CAP)) {
      put(tier, 4, value(VALUE, 4));
      assertThat(present(fx, 8)).containsExactly(1, 3, 4);
      fx.clock.addAndGet(STEP);
      put(tier, 5, value(VALUE, 5));
      fx.clock.addAndGet(STEP);
      put(tier, 6, value(VALUE, 6));
      assertThat(present(fx, 8)).containsExactly(4, 5, 6);
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
    long base = fx.clock.get() - 100_000;
    for (int k = 0; k < 4; k++) {
      Files.setLastModifiedTime(fx.file(k), FileTime.fromMillis(base + k * 1000L));
    }
    try (DiskTier tier = fx.open(2L * FILE)) {
      assertThat(present(fx, 4)).containsExactly(2, 3);
      assertThat(tier.stats()).isEqualTo(new DiskTierStats(2, 2L * FILE, 2L * FILE, 2, 0, 0));
    }
  }
}
