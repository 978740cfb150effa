package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reopened tier finds: its entries, and nothing a crash left half done. */
class DiskTierRestartTest {
  @TempDir Path dir;

  @Test
  void reopenRebuildsTheIndexAndServesEveryEntry() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    long now = fx.clock.get();
    try (DiskTier tier = fx.open(1L << 20, FsyncPolicy.FILE)) {
      for (int k = 0; k < 50; k++) {
        put(tier, k, value(k * 7, k), k % 2 == 0 ? 0 : now + 60_000);
      }
    }
    try (DiskTier tier = fx.open(1L << 20)) {
      assertThat(tier.size()).isEqualTo(50);
      long expectedBytes = 0;
      for (int k = 0; k < 50; k++) {
        expectedBytes += DiskFileHeader.LENGTH + k * 7;
        assertThat(get(tier, k)).isEqualTo(value(k * 7, k));
      }
      assertThat(tier.stats().bytes()).isEqualTo(expectedBytes);
      // Expires-at came back from the headers: the sweep finds the 25 that expire.
      assertThat(tier.removeExpired(now + 60_000)).isEqualTo(25);
    }
  }

  @Test
  void entriesThatExpiredWhileClosedAreDeletedAtOpen() {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(1L << 20)) {
      put(tier, 1, value(10, 1), fx.clock.get() + 10);
      put(tier, 2, value(10, 2));
    }
    fx.clock.addAndGet(10);
    try (DiskTier tier = fx.open(1L << 20)) {
      assertThat(tier.size()).isEqualTo(1);
      assertThat(tier.stats().expirations()).isEqualTo(1);
      assertThat(fx.file(1)).doesNotExist();
    }
  }

  @Test
  void staleTemporaryFilesAreDeletedAtOpen() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    try (DiskTier tier = fx.open(1L << 20)) {
      put(tier, 1, value(10, 1));
    }
    // What a crash mid-put and mid-ping leaves: temporary files, one of them half written.
    String stem = fx.file(1).getFileName().toString().replace(".mce", "");
    Path halfWritten = fx.shard(1).resolve(stem + ".k3x.tmp");
    Files.write(halfWritten, new byte[] {'M', 'C'});
    Path other = fx.shard(1).resolve(stem + ".zz.tmp");
    Files.write(other, value(500, 3));
    Path probe = fx.directory.resolve("ping.1.tmp");
    Files.write(probe, new byte[4]);
    Path foreign = fx.directory.resolve("README");
    Files.writeString(foreign, "not ours");

    try (DiskTier tier = fx.open(1L << 20)) {
      assertThat(fx.tempFiles()).isEmpty();
      assertThat(foreign).exists();
      assertThat(tier.size()).isEqualTo(1);
      assertThat(get(tier, 1)).isEqualTo(value(10, 1));
      assertThat(tier.stats().corruptions()).isZero();
    }
  }

  @Test
  void aSweepDeletesTemporaryFilesOfDeadProcessesOnlyAndALoneOpenDeletesAll() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(gone.waitFor()).isZero();
    String stem = fx.file(1).getFileName().toString().replace(".mce", "");
    Path dead = fx.shard(1).resolve(stem + "." + Long.toString(gone.pid(), 36) + "-1.tmp");
    Path live = fx.shard(1).resolve(stem + "." + Long.toString(ProcessHandle.current().pid(), 36) + "-999999.tmp");
    try (DiskTier tier = fx.open(1L << 20)) {
      put(tier, 1, value(10, 1));
      // As a killed writer and a live one in the middle of a put would leave them.
      Files.write(dead, value(100, 2));
      Files.write(live, value(100, 3));
      tier.removeExpired(fx.clock.get());
      assertThat(dead).as("temporary file of a dead process").doesNotExist();
      assertThat(live).as("temporary file of a live process").exists();
    }
    try (DiskTier tier = fx.open(1L << 20)) {
      assertThat(fx.tempFiles()).as("a process that has the directory to itself deletes every one").isEmpty();
      assertThat(get(tier, 1)).isEqualTo(value(10, 1));
    }
  }
}
