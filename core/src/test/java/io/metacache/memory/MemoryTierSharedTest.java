package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared memory tier: several tier instances over one map file (in one JVM here; the
 * multi-process proof is {@link MemoryTierSharedProcessesTest}) see each other's writes and
 * removals at once, one of them runs the policy for all, and eviction holds the bounds whatever
 * instance writes.
 */
class MemoryTierSharedTest {
  @TempDir Path dir;

  static MemoryTier sharedTier(Path file, long maxEntries, PolicyKind policy) {
    return MemoryTier.builder()
        .maxEntries(maxEntries)
        .maxBytes(64L << 20)
        .maxEntryBytes(4096)
        .averageEntryBytes(256)
        .policy(policy)
        .persistTo(file)
        .shared(true)
        .expirySweepInterval(Duration.ZERO)
        .build();
  }

  @Test
  void aPutOrRemovalInOneInstanceIsWhatTheOtherReadsNext() {
    Path file = dir.resolve("memory.cmap");
    try (MemoryTier a = sharedTier(file, 10_000, PolicyKind.WTINYLFU);
         MemoryTier b = sharedTier(file, 10_000, PolicyKind.WTINYLFU)) {
      assertThat(a.isShared()).isTrue();
      assertThat(a.isEvictionOwner()).as("the first user owns eviction").isTrue();
      assertThat(b.isEvictionOwner()).isFalse();
      byte[] v1 = TestEntries.entryForKey(1, 2, 300, 0, 7);
      assertThat(a.put(1, 2, v1)).isTrue();
      assertThat(b.get(1, 2)).isEqualTo(v1);
      byte[] v2 = TestEntries.entryForKey(1, 2, 500, 0, 8);
      assertThat(b.put(1, 2, v2)).isTrue();
      assertThat(a.get(1, 2)).isEqualTo(v2);
      assertThat(b.remove(1, 2)).isTrue();
      assertThat(a.get(1, 2)).isNull();
      assertThat(a.contains(1, 2)).isFalse();
    }
  }

  @Test
  void writesOfANonOwnerAreEvictedByTheOwnerWithinTheBounds() {
    Path file = dir.resolve("memory.cmap");
    int max = 2_000;
    try (MemoryTier owner = sharedTier(file, max, PolicyKind.WTINYLFU);
         MemoryTier other = sharedTier(file, max, PolicyKind.WTINYLFU)) {
      for (long k = 0; k < 20_000; k++) {
        assertThat(other.put(k, ~k, TestEntries.entryForKey(k, ~k, 200, 0, k))).isTrue();
      }
      // the owner's maintenance thread replays the other's events and evicts
      awaitTrue(() -> owner.size() <= max, "the owner evicts the other instance's writes down to " + max);
      assertThat(owner.stats().evictions()).isGreaterThanOrEqualTo(20_000 - max);
      assertThat(owner.capacityRefusals()).isZero();
    }
  }

  @Test
  void whenTheOwnerClosesAnotherUserTakesOverAndKeepsEvicting() {
    Path file = dir.resolve("memory.cmap");
    int max = 1_000;
    MemoryTier first = sharedTier(file, max, PolicyKind.LRU);
    try (MemoryTier second = sharedTier(file, max, PolicyKind.LRU)) {
      for (long k = 0; k < 500; k++) {
        first.put(k, k, TestEntries.entryForKey(k, k, 200, 0, k));
      }
      first.close();
      awaitTrue(second::isEvictionOwner, "the second user takes over eviction");
      assertThat(second.size()).isEqualTo(500);
      for (long k = 500; k < 5_000; k++) {
        second.put(k, k, TestEntries.entryForKey(k, k, 200, 0, k));
      }
      assertThat(second.size()).isLessThanOrEqualTo(max + second.sizing().writePermits);
      awaitTrue(() -> second.size() <= max, "evicted to the bound");
      // exact LRU survives the takeover: the most recent puts are the ones held
      assertThat(second.get(4_999, 4_999)).isNotNull();
      assertThat(second.get(0, 0)).isNull();
    }
  }

  @Test
  void aNewUserStartsWarmAndTheLastCloseLeavesTheMapClean() {
    Path file = dir.resolve("memory.cmap");
    try (MemoryTier a = sharedTier(file, 10_000, PolicyKind.WTINYLFU)) {
      for (long k = 0; k < 100; k++) {
        a.put(k, k, TestEntries.entryForKey(k, k, 200, 0, k));
      }
    }
    assertThat(Files.exists(MemoryTier.cleanMarker(file))).isTrue();
    try (MemoryTier b = sharedTier(file, 10_000, PolicyKind.WTINYLFU)) {
      assertThat(b.size()).isEqualTo(100);
      assertThat(b.get(42, 42)).isEqualTo(TestEntries.entryForKey(42, 42, 200, 0, 42));
      assertThat(b.offHeapBytesUsed()).isEqualTo(100L * b.sizing().weight(200));
    }
  }

  @Test
  void aUserWithAnotherGeometryIsRefusedWithTheReason() {
    Path file = dir.resolve("memory.cmap");
    try (MemoryTier a = sharedTier(file, 10_000, PolicyKind.WTINYLFU)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> sharedTier(file, 50_000, PolicyKind.WTINYLFU))
          .isInstanceOf(IncompatibleSharedTierException.class)
          .hasMessageContaining("another geometry");
      assertThat(a.size()).isZero();
    }
  }

  @Test
  void aSharedTierWithoutAFileOrWithABadRecordBoundIsRefusedNamingTheSetting() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MemoryTier.builder().shared(true).persistTo(null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a shared memory tier needs a file").hasMessageContaining("metacache.memory.file");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MemoryTier.builder().sharedStatRecords(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sharedStatRecords must be 1 to 2^27, was 0");
  }

  @Test
  void theMapFileCostsWhatItHolds() throws Exception {
    Path file = dir.resolve("memory.cmap");
    try (MemoryTier a = sharedTier(file, 100_000, PolicyKind.WTINYLFU)) {
      assertThat(Files.size(file)).isGreaterThan(64L << 20); // the file's length covers the bound ...
      assertThat(diskUsage(file)).as("... but an empty map takes almost no disk").isLessThan(4L << 20);
    }
  }

  /** Bytes the file occupies on disk (du), which a sparse file keeps to what was written. */
  static long diskUsage(Path file) throws Exception {
    Process du = new ProcessBuilder("du", "-k", "--", file.toString()).redirectErrorStream(true).start();
    String out = new String(du.getInputStream().readAllBytes()).trim();
    assertThat(du.waitFor()).isZero();
    return Long.parseLong(out.split("\\s+")[0]) * 1024;
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    long guard = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - guard > 0) {
        throw new AssertionError("never happened (60 s hang guard): " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
