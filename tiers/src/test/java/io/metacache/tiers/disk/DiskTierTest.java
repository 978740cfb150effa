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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskTierTest {
  @TempDir Path dir;
  DiskTierFixture fx;
  DiskTier tier;

  @BeforeEach
  void open() {
    fx = new DiskTierFixture(dir.resolve("disk"));
    tier = fx.open(1L << 20);
  }

  @AfterEach
  void close() {
    tier.close();
  }

  @Test
  void roundTrip() {
    byte[] v = value(1000, 1);
    put(tier, 1, v);
    assertThat(get(tier, 1)).isEqualTo(v);
    assertThat(tier.size()).isEqualTo(1);
    assertThat(tier.stats()).isEqualTo(new DiskTierStats(1, DiskFileHeader.LENGTH + 1000, 1L << 20, 0, 0, 0));
    assertThat(Files.isRegularFile(fx.file(1))).isTrue();
  }

  @Test
  void emptyValueRoundTrips() {
    put(tier, 1, new byte[0]);
    assertThat(get(tier, 1)).isEmpty();
  }

  @Test
  void missingKeyIsNull() {
    assertThat(get(tier, 7)).isNull();
  }

  @Test
  void overwriteReplacesValueAndBytes() {
    put(tier, 1, value(1000, 1));
    put(tier, 1, value(10, 2));
    assertThat(get(tier, 1)).isEqualTo(value(10, 2));
    assertThat(tier.stats().entries()).isEqualTo(1);
    assertThat(tier.stats().bytes()).isEqualTo(DiskFileHeader.LENGTH + 10);
    assertThat(fx.tempFiles()).isEmpty();
  }

  @Test
  void overwriteLeavesOneEntryFileInTheShard() throws Exception {
    for (int round = 0; round < 3; round++) {
      put(tier, 1, value(500, round));
    }
    assertThat(get(tier, 1)).isEqualTo(value(500, 2));
    try (var files = Files.list(fx.file(1).getParent())) {
      assertThat(files).containsExactly(fx.file(1));
    }
  }

  @Test
  void aShardDirectoryRemovedBehindTheTiersBackIsCreatedAgain() throws Exception {
    put(tier, 1, value(100, 1));
    Path shard = fx.file(1).getParent();
    Files.delete(fx.file(1));
    Files.delete(shard); // the tier believes the directory exists
    put(tier, 1, value(100, 2));
    assertThat(get(tier, 1)).isEqualTo(value(100, 2));
    assertThat(fx.tempFiles()).isEmpty();
  }

  @Test
  void deleteRemovesFileAndIsIdempotent() {
    put(tier, 1, value(100, 1));
    tier.apply(List.of(TierOperation.delete(high(1), low(1))));
    assertThat(get(tier, 1)).isNull();
    assertThat(fx.file(1)).doesNotExist();
    tier.apply(List.of(TierOperation.delete(high(1), low(1))));
    assertThat(tier.stats().bytes()).isZero();
  }

  @Test
  void batchAppliesPutsAndDeletesInOrder() {
    put(tier, 3, value(5, 3));
    tier.apply(List.of(
        TierOperation.put(high(1), low(1), value(10, 1), 0),
        TierOperation.put(high(2), low(2), value(20, 2), 0),
        TierOperation.delete(high(3), low(3))));
    assertThat(get(tier, 1)).isEqualTo(value(10, 1));
    assertThat(get(tier, 2)).isEqualTo(value(20, 2));
    assertThat(get(tier, 3)).isNull();
    assertThat(tier.size()).isEqualTo(2);
  }

  @Test
  void expiredEntryIsNullAndDeletedOnRead() {
    long now = fx.clock.get();
    put(tier, 1, value(10, 1), now + 1000);
    assertThat(get(tier, 1)).isEqualTo(value(10, 1));
    fx.clock.addAndGet(1000);  // expires-at is inclusive
    assertThat(get(tier, 1)).isNull();
    assertThat(fx.file(1)).doesNotExist();
    assertThat(tier.stats().expirations()).isEqualTo(1);
    assertThat(tier.size()).isZero();
  }

  @Test
  void putThatHasAlreadyExpiredRemovesTheOlderValue() {
    put(tier, 1, value(10, 1));
    put(tier, 1, value(10, 2), fx.clock.get() - 1);
    assertThat(get(tier, 1)).isNull();
    assertThat(fx.file(1)).doesNotExist();
  }

  @Test
  void removeExpiredSweepsOnlyExpiredEntries() {
    long now = fx.clock.get();
    for (int i = 0; i < 600; i++) {  // more than one sweep chunk
      put(tier, i, value(8, i), now + 100 + (i % 3) * 100);  // 100, 200, 300 ms
    }
    put(tier, 1000, value(8, 0));
    assertThat(tier.removeExpired(now + 99)).isZero();
    assertThat(tier.removeExpired(now + 200)).isEqualTo(400);
    assertThat(tier.size()).isEqualTo(201);
    assertThat(get(tier, 0)).isNull();
    assertThat(get(tier, 2)).isEqualTo(value(8, 2));
    assertThat(fx.file(0)).doesNotExist();
    assertThat(tier.removeExpired(Long.MAX_VALUE)).isEqualTo(200);
    assertThat(get(tier, 1000)).isEqualTo(value(8, 0));
    assertThat(tier.stats().expirations()).isEqualTo(600);
  }

  @Test
  void overwriteWithoutExpiryIsNotSwept() {
    long now = fx.clock.get();
    put(tier, 1, value(8, 1), now + 10);
    put(tier, 1, value(8, 2));
    assertThat(tier.removeExpired(now + 1_000_000)).isZero();
    assertThat(get(tier, 1)).isEqualTo(value(8, 2));
  }

  @Test
  void clearRemovesEverything() {
    for (int i = 0; i < 10; i++) {
      put(tier, i, value(8, i));
    }
    tier.clear();
    assertThat(tier.size()).isZero();
    assertThat(tier.stats().bytes()).isZero();
    assertThat(DiskTierFixture.filesEndingWith(fx.directory, ".mce")).isEmpty();
    put(tier, 1, value(8, 1));
    assertThat(get(tier, 1)).isEqualTo(value(8, 1));
  }

  @Test
  void pingLeavesNothingBehind() {
    tier.ping();
    assertThat(fx.tempFiles()).isEmpty();
  }

  @Test
  void filesAre0600AndDirectories0700() throws Exception {
    put(tier, 1, value(8, 1));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.file(1)))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.shard(1)))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.shard(1).getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.directory))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.directory.resolve("disk.lock"))))
        .isEqualTo("rw-------");
  }

  @Test
  void everyFsyncPolicyWritesReadableEntries() {
    tier.close();
    for (FsyncPolicy policy : FsyncPolicy.values()) {
      DiskTier t = fx.open(1L << 20, policy);
      try {
        put(t, policy.ordinal(), value(100, policy.ordinal()));
        assertThat(get(t, policy.ordinal())).isEqualTo(value(100, policy.ordinal()));
        t.ping();
      } finally {
        t.close();
      }
    }
    tier = fx.open(1L << 20);
    assertThat(tier.size()).isEqualTo(FsyncPolicy.values().length);
  }

  @Test
  void secondOpenInTheSameProcessSharesTheDirectory() {
    try (DiskTier other = fx.open(1L << 20)) {
      put(tier, 1, value(100, 1));
      assertThat(get(other, 1)).as("a put through one tier is seen through the other").isEqualTo(value(100, 1));
      other.apply(List.of(TierOperation.delete(high(1), low(1))));
      assertThat(get(tier, 1)).as("a removal through one is seen through the other").isNull();
      put(other, 2, value(10, 2));
      assertThat(tier.stats().entries()).isEqualTo(1);
      assertThat(tier.stats().bytes()).isEqualTo(DiskFileHeader.LENGTH + 10);
    }
    assertThat(get(tier, 2)).as("closing one leaves the other working").isEqualTo(value(10, 2));
  }

  @Test
  void closedTierRefusesOperations() {
    tier.close();
    assertThatThrownBy(() -> get(tier, 1)).isInstanceOf(TierException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> put(tier, 1, value(1, 1))).isInstanceOf(TierException.class);
    assertThatThrownBy(tier::ping).isInstanceOf(TierException.class);
    tier.close();  // idempotent
  }
}
