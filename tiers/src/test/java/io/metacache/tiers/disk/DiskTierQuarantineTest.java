package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.internal.StoreQuarantine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk-tier directory whose state or files cannot be used heals by itself: the unusable store
 * is kept aside under a {@code .corrupt-<time>} name, the tier starts (or goes on) with sound
 * files, and the event is counted.
 */
class DiskTierQuarantineTest {
  @TempDir Path parent;

  /** A fixture over {@code dir}, where a tier opened and closed with one entry. */
  private static DiskTierFixture withOneEntry(Path dir) throws Exception {
    DiskTierFixture f = new DiskTierFixture(dir);
    try (DiskTier tier = f.open(1 << 20)) {
      put(tier, 1, value(100, 1));
    }
    return f;
  }

  private static byte[] garbage(long seed) {
    byte[] garbage = new byte[DiskState.LENGTH];
    new Random(seed).nextBytes(garbage);
    return garbage;
  }

  @Test
  void aGarbageStateFileOfALoneProcessIsKeptAsideAndWrittenAfresh() throws Exception {
    Path dir = parent.resolve("disk");
    DiskTierFixture f = withOneEntry(dir);
    byte[] garbage = garbage(3);
    Files.write(dir.resolve(DiskLayout.STATE_FILE), garbage);
    long before = StoreQuarantine.events("disk");

    try (DiskTier tier = f.open(1 << 20)) {
      assertThat(get(tier, 1)).as("entries survive: the recovery recounts them").isEqualTo(value(100, 1));
      assertThat(tier.stats().entries()).isEqualTo(1);
    }
    assertThat(StoreQuarantine.events("disk") - before).isEqualTo(1);
    List<Path> kept = kept(dir, DiskLayout.STATE_FILE);
    assertThat(kept).hasSize(1);
    assertThat(Files.readAllBytes(kept.get(0))).isEqualTo(garbage);
  }

  /** A state file of version 1 (one page, one shared count of changes in flight) is upgraded, not set aside. */
  @Test
  void aStateFileOfAnEarlierVersionIsWrittenAfreshWithoutACopyAside() throws Exception {
    Path dir = parent.resolve("disk");
    DiskTierFixture f = withOneEntry(dir);
    java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.nativeOrder());
    v1.putInt(DiskState.MAGIC_OFFSET, DiskState.MAGIC).putInt(DiskState.VERSION_OFFSET, 1);
    v1.putLong(DiskState.IN_FLIGHT_OFFSET, 1);  // a version-1 count a killed process left
    Files.write(dir.resolve(DiskLayout.STATE_FILE), v1.array());
    long before = StoreQuarantine.events("disk");

    try (DiskTier tier = f.open(1 << 20)) {
      assertThat(get(tier, 1)).isEqualTo(value(100, 1));
      assertThat(tier.stats().entries()).isEqualTo(1);
    }
    assertThat(StoreQuarantine.events("disk") - before).as("nothing quarantined").isZero();
    assertThat(kept(dir, DiskLayout.STATE_FILE)).isEmpty();
    assertThat(Files.size(dir.resolve(DiskLayout.STATE_FILE))).isEqualTo(DiskState.LENGTH);
  }

  /**
   * Another process has the directory open (it holds the shared lock on {@code disk.lock}, as a
   * live tier does) and the state file is garbage: the joining tier cannot recover the directory
   * alone, so it writes the state afresh in place (the other process maps the same page) and
   * works; the next sweep recounts the totals.
   */
  @Test
  void aGarbageStateFileWhileAnotherProcessHasTheDirectoryOpenIsRepairedInPlace() throws Exception {
    Path dir = parent.resolve("disk");
    DiskTierFixture f = withOneEntry(dir);
    byte[] garbage = garbage(5);
    Files.write(dir.resolve(DiskLayout.STATE_FILE), garbage);
    long before = StoreQuarantine.events("disk");

    Process holder = holdSharedLock(dir.resolve(DiskLayout.LOCK_FILE));
    try {
      try (DiskTier tier = f.open(1 << 20)) {
        assertThat(get(tier, 1)).isEqualTo(value(100, 1));
        put(tier, 2, value(200, 2));
        assertThat(get(tier, 2)).isEqualTo(value(200, 2));
        tier.removeExpired(f.clock.get()); // a sweep: recounts the totals from the files
        assertThat(tier.stats().entries()).isEqualTo(2);
      }
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(StoreQuarantine.events("disk") - before).isEqualTo(1);
    assertThat(kept(dir, DiskLayout.STATE_FILE)).hasSize(1);
  }

  @Test
  void aDirectoryWhoseStateFileCannotBeOpenedIsMovedAsideAndTheTierStartsEmpty() throws Exception {
    Path dir = parent.resolve("disk");
    DiskTierFixture f = new DiskTierFixture(dir);
    try (DiskTier tier = f.open(1 << 20)) {
      put(tier, 1, value(100, 1));
    }
    Files.delete(dir.resolve(DiskLayout.STATE_FILE));
    Files.createDirectory(dir.resolve(DiskLayout.STATE_FILE)); // a restore gone wrong
    long before = StoreQuarantine.events("disk");

    try (DiskTier tier = f.open(1 << 20)) {
      assertThat(get(tier, 1)).as("a fresh, empty directory").isNull();
      put(tier, 2, value(200, 2));
      assertThat(get(tier, 2)).isEqualTo(value(200, 2));
      tier.ping();
    }
    assertThat(StoreQuarantine.events("disk") - before).isEqualTo(1);
    List<Path> kept = kept(parent, "disk");
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).getFileName().toString()).matches("disk\\.corrupt-\\d{8}T\\d{6}Z");
    assertThat(Files.isDirectory(kept.get(0).resolve(DiskLayout.STATE_FILE))).as("the old store, kept whole").isTrue();
  }

  /** A separate process holding a shared POSIX record lock on {@code file} until it is destroyed. */
  private static Process holdSharedLock(Path file) throws Exception {
    Process p = new ProcessBuilder("python3", "-c",
        "import fcntl,sys,time\n"
            + "f=open(sys.argv[1],'r+')\n"
            + "fcntl.lockf(f, fcntl.LOCK_SH)\n"
            + "print('locked', flush=True)\n"
            + "time.sleep(600)\n", file.toString())
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).as("the lock holder started").isEqualTo("locked");
    return p;
  }

  private static List<Path> kept(Path dir, String name) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(name + StoreQuarantine.MARK)).sorted().toList();
    }
  }
}
