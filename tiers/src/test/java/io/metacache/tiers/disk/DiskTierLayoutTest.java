package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.high;
import static io.metacache.tiers.disk.DiskTierFixture.low;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new directory keeps its entries one shard level deep ({@code ab/<key>.mce}): 256 directories
 * at most, so a fresh cache does not create a directory for nearly every entry. A directory of an
 * earlier version, two levels deep ({@code ab/cd/<key>.mce}), keeps its layout and its entries.
 */
class DiskTierLayoutTest {
  @TempDir Path parent;

  @Test
  void aNewDirectoryHasOneShardLevel() throws Exception {
    Path dir = parent.resolve("disk");
    DiskTierFixture f = new DiskTierFixture(dir);
    try (DiskTier tier = f.open(1 << 20)) {
      for (int k = 0; k < 300; k++) {
        put(tier, k, value(50, k));
      }
      for (int k = 0; k < 300; k++) {
        assertThat(get(tier, k)).isEqualTo(value(50, k));
      }
      assertThat(Files.isRegularFile(f.file(7))).isTrue();
      assertThat(tier.stats().entries()).isEqualTo(300);
    }
    try (var shards = Files.list(dir)) {
      List<Path> dirs = shards.filter(Files::isDirectory).toList();
      assertThat(dirs).hasSizeLessThanOrEqualTo(256);
      for (Path d : dirs) {
        try (var inside = Files.list(d)) {
          assertThat(inside.filter(Files::isDirectory).toList()).as("no second level in %s", d).isEmpty();
        }
      }
    }
  }

  @Test
  void aDirectoryOfTwoShardLevelsKeepsItsLayoutAndItsEntries() throws Exception {
    Path dir = parent.resolve("disk");
    DiskTierFixture f = new DiskTierFixture(dir);
    try (DiskTier tier = f.open(1 << 20)) {
      for (int k = 0; k < 20; k++) {
        put(tier, k, value(50, k));
      }
    }
    // move every entry two levels deep, as an earlier version kept them; and a version-1 state
    List<Path> moved = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      String hex = Keys.hex(high(k), low(k));
      Path deep = dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex + ".mce");
      Files.createDirectories(deep.getParent());
      Files.move(f.file(k), deep);
      moved.add(deep);
    }
    java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.nativeOrder());
    v1.putInt(DiskState.MAGIC_OFFSET, DiskState.MAGIC).putInt(DiskState.VERSION_OFFSET, 1);
    Files.write(dir.resolve(DiskLayout.STATE_FILE), v1.array());

    try (DiskTier tier = f.open(1 << 20)) {
      for (int k = 0; k < 20; k++) {
        assertThat(get(tier, k)).as("key %d", k).isEqualTo(value(50, k));
      }
      assertThat(tier.stats().entries()).isEqualTo(20);
      put(tier, 100, value(60, 100));
      String hex = Keys.hex(high(100), low(100));
      assertThat(dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex + ".mce")).isRegularFile();
    }
    for (Path p : moved) {
      assertThat(p).isRegularFile();
    }
  }
}
