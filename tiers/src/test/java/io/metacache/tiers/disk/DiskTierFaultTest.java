package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.high;
import static io.metacache.tiers.disk.DiskTierFixture.low;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.Unprivileged;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk writes failing: every failure is a {@link TierException} naming the tier, no temporary file
 * is left behind, and the tier works again once the fault is removed. The faults are ones root
 * cannot write through (a file where a directory should be), and read-only directories, which
 * bind root too on a thread without its permission-bypassing capabilities ({@link Unprivileged}).
 */
class DiskTierFaultTest {
  @TempDir Path dir;
  DiskTierFixture fx;
  DiskTier tier;

  @BeforeEach
  void open() {
    fx = new DiskTierFixture(dir.resolve("disk"));
    tier = fx.open(1L << 20);
    put(tier, 1, value(100, 1));
  }

  @AfterEach
  void close() throws IOException {
    tier.close();
    for (Path p : List.of(fx.shard(1), fx.directory)) {
      if (Files.isDirectory(p)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
      }
    }
  }

  private void assertWorksAgain() {
    put(tier, 2, value(100, 2));
    put(tier, 3, value(100, 3));
    tier.ping();
    assertThat(get(tier, 1)).isEqualTo(value(100, 1));
    assertThat(get(tier, 2)).isEqualTo(value(100, 2));
    assertThat(fx.tempFiles()).isEmpty();
  }

  @Test
  void tierDirectoryReplacedByARegularFile() throws Exception {
    Path aside = dir.resolve("disk.aside");
    Files.move(fx.directory, aside);
    Files.write(fx.directory, new byte[] {1});

    assertThatThrownBy(() -> put(tier, 2, value(100, 2)))
        .isInstanceOf(TierException.class)
        .hasMessageStartingWith("disk: cannot write entry")
        .hasCauseInstanceOf(IOException.class);
    assertThatThrownBy(tier::ping).isInstanceOf(TierException.class).hasMessageStartingWith("disk: ");
    assertThatThrownBy(() -> get(tier, 1)).isInstanceOf(TierException.class);
    assertThatThrownBy(() -> tier.apply(List.of(TierOperation.delete(high(1), low(1)))))
        .isInstanceOf(TierException.class);
    assertThat(DiskTierFixture.filesEndingWith(aside, ".tmp")).isEmpty();
    assertThat(tier.size()).isEqualTo(1);  // the failed delete left the index as the disk is

    Files.delete(fx.directory);
    Files.move(aside, fx.directory);
    assertWorksAgain();
  }

  @Test
  void shardDirectoryReplacedByARegularFile() throws Exception {
    Path shard = fx.shard(1);
    Path aside = shard.resolveSibling("aside");
    Files.move(shard, aside);
    Files.write(shard, new byte[] {1});

    assertThatThrownBy(() -> put(tier, 2, value(100, 2)))  // same shard as key 1
        .isInstanceOf(TierException.class)
        .hasMessageContaining("disk: cannot write entry");
    assertThatThrownBy(() -> get(tier, 1)).isInstanceOf(TierException.class);
    tier.ping();  // the rest of the directory is fine
    assertThat(fx.tempFiles()).isEmpty();

    Files.delete(shard);
    Files.move(aside, shard);
    assertWorksAgain();
  }

  @Test
  void failedRenameLeavesNoTemporaryFile() throws Exception {
    // A non-empty directory where the entry file goes: the rename fails after the write, even as root.
    Path blocker = fx.file(2);
    Files.createDirectories(blocker);
    Files.write(blocker.resolve("x"), new byte[] {1});

    assertThatThrownBy(() -> put(tier, 2, value(100, 2))).isInstanceOf(TierException.class);
    assertThat(fx.tempFiles()).isEmpty();
    assertThat(get(tier, 2)).isNull();
    assertThat(get(tier, 1)).isEqualTo(value(100, 1));

    DiskTierFixture.deleteRecursively(blocker);
    assertWorksAgain();
  }

  @Test
  void unwritableShardAndTierDirectories() throws Exception {
    Path shard = fx.shard(1);
    Files.setPosixFilePermissions(shard, PosixFilePermissions.fromString("r-x------"));
    Files.setPosixFilePermissions(fx.directory, PosixFilePermissions.fromString("r-x------"));
    // Root (as in CI) writes any directory through CAP_DAC_OVERRIDE; Unprivileged runs the case on a
    // thread without it, where the permission bits bind root as they bind any other user. The disk
    // tier does its file work on the caller's thread.
    Unprivileged.run(() -> {
      assertThatThrownBy(() -> Files.createFile(shard.resolve("probe"))).as("the fault is in place")
          .isInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> put(tier, 2, value(100, 2))).isInstanceOf(TierException.class)
          .hasMessageContaining("disk: cannot write entry");
      assertThatThrownBy(() -> put(tier, 1, value(100, 9))).isInstanceOf(TierException.class);
      assertThatThrownBy(tier::ping).isInstanceOf(TierException.class);
      assertThat(get(tier, 1)).isEqualTo(value(100, 1));  // reads still work
      assertThat(fx.tempFiles()).isEmpty();
    });

    Files.setPosixFilePermissions(shard, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(fx.directory, PosixFilePermissions.fromString("rwx------"));
    assertWorksAgain();
  }
}
