package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.policy.PolicyKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class MemoryTierTest {

  private final FakeClock clock = new FakeClock(1_000_000);

  private MemoryTier tier(long maxEntries, long maxBytes, int maxEntryBytes) {
    return MemoryTier.builder()
        .maxEntries(maxEntries).maxBytes(maxBytes).maxEntryBytes(maxEntryBytes)
        .averageEntryBytes(Math.min(maxEntryBytes, 1024))
        .policy(PolicyKind.LRU).clock(clock).expirySweepInterval(Duration.ZERO)
        .build();
  }

  @Test
  void readsBackWhatWasPutThroughEveryBufferKind() {
    try (MemoryTier tier = tier(1000, 8 << 20, 64 << 10)) {
      byte[] a = TestEntries.entry(1024, 0, 1);
      byte[] b = TestEntries.entry(300, 0, 2);
      byte[] c = TestEntries.entry(5000, 0, 3);
      assertThat(tier.put(1, 2, a)).isTrue();

      UnsafeBuffer heapWithOffset = new UnsafeBuffer(new byte[b.length + 10]);
      heapWithOffset.putBytes(7, b);
      assertThat(tier.put(3, 4, heapWithOffset, 7, b.length)).isTrue();

      UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(c.length + 5));
      direct.putBytes(5, c);
      assertThat(tier.put(5, 6, direct, 5, c.length)).isTrue();

      assertThat(tier.get(1, 2)).isEqualTo(a);
      assertThat(tier.get(3, 4)).isEqualTo(b);
      assertThat(tier.get(5, 6)).isEqualTo(c);

      ExpandableArrayBuffer heapDst = new ExpandableArrayBuffer(16);
      assertThat(tier.get(5, 6, heapDst, 3)).isEqualTo(c.length);
      byte[] copy = new byte[c.length];
      heapDst.getBytes(3, copy);
      assertThat(copy).isEqualTo(c);

      ExpandableDirectByteBuffer directDst = new ExpandableDirectByteBuffer(16);
      assertThat(tier.get(1, 2, directDst, 0)).isEqualTo(a.length);
      copy = new byte[a.length];
      directDst.getBytes(0, copy);
      assertThat(copy).isEqualTo(a);

      UnsafeBuffer tooSmall = new UnsafeBuffer(new byte[10]);
      assertThatThrownBy(() -> tier.get(1, 2, tooSmall, 0)).isInstanceOf(IndexOutOfBoundsException.class);

      assertThat(tier.get(9, 9)).isNull();
      assertThat(tier.get(9, 9, heapDst, 0)).isEqualTo(-1);
      assertThat(tier.size()).isEqualTo(3);
    }
  }

  @Test
  void keysDifferingInOneHalfAreDistinct() {
    try (MemoryTier tier = tier(100, 1 << 20, 4096)) {
      tier.put(1, 2, TestEntries.entry(200, 0, 1));
      tier.put(2, 1, TestEntries.entry(200, 0, 2));
      tier.put(1, 3, TestEntries.entry(200, 0, 3));
      assertThat(tier.get(1, 2)).isEqualTo(TestEntries.entry(200, 0, 1));
      assertThat(tier.get(2, 1)).isEqualTo(TestEntries.entry(200, 0, 2));
      assertThat(tier.get(1, 3)).isEqualTo(TestEntries.entry(200, 0, 3));
    }
  }

  @Test
  void updatesReplaceRemovesForgetAndClearEmpties() {
    try (MemoryTier tier = tier(100, 1 << 20, 8192)) {
      tier.put(1, 1, TestEntries.entry(200, 0, 1));
      tier.put(1, 1, TestEntries.entry(4000, 0, 2));
      assertThat(tier.get(1, 1)).isEqualTo(TestEntries.entry(4000, 0, 2));
      tier.put(1, 1, TestEntries.entry(150, 0, 3));
      assertThat(tier.get(1, 1)).isEqualTo(TestEntries.entry(150, 0, 3));
      assertThat(tier.offHeapBytesUsed()).isEqualTo(tier.sizing().weight(150));

      assertThat(tier.contains(1, 1)).isTrue();
      assertThat(tier.remove(1, 1)).isTrue();
      assertThat(tier.remove(1, 1)).isFalse();
      assertThat(tier.contains(1, 1)).isFalse();
      assertThat(tier.offHeapBytesUsed()).isZero();

      for (int i = 0; i < 50; i++) {
        tier.put(i, -i, TestEntries.entry(200 + i, 0, i));
      }
      tier.clear();
      assertThat(tier.size()).isZero();
      assertThat(tier.offHeapBytesUsed()).isZero();
      assertThat(tier.policyWeightedSize()).isZero();
      assertThat(tier.stats().removals()).isEqualTo(1);
    }
  }

  /** Property 8 through the permit-free path: a same-weight, same-expiry update is an access. */
  @Test
  void replacingAnEntryOfTheSameWeightRefreshesItsRecency() {
    try (MemoryTier tier = tier(3, 1 << 20, 4096)) {
      for (int key = 1; key <= 3; key++) {
        tier.put(key, 0, TestEntries.entry(200, 0, key));
      }
      byte[] rewritten = TestEntries.entry(200, 0, 99);
      assertThat(tier.put(1, 0, rewritten)).isTrue(); // in place: 1 becomes the most recent
      tier.put(4, 0, TestEntries.entry(200, 0, 4));
      assertThat(tier.contains(2, 0)).as("least recent after the rewrite of 1").isFalse();
      assertThat(tier.get(1, 0)).isEqualTo(rewritten); // recency now 3, 4, 1

      byte[] expiring = TestEntries.entry(200, clock.getAsLong() + 10_000, 5);
      assertThat(tier.put(3, 0, expiring)).isTrue(); // same weight, new expiry: a logged write
      tier.put(5, 0, TestEntries.entry(200, 0, 5)); // recency was 4, 1, 3
      assertThat(tier.contains(4, 0)).isFalse();
      assertThat(tier.get(3, 0)).isEqualTo(expiring);
      assertThat(tier.size()).isEqualTo(3);
      assertThat(tier.offHeapBytesUsed()).isEqualTo(3L * tier.sizing().weight(200));
      assertThat(tier.stats().puts()).isEqualTo(7);
      assertThat(tier.stats().evictionsBySize()).isEqualTo(2);
    }
  }

  @Test
  void refusesEntriesAboveTheLimitAndCountsThem() {
    try (MemoryTier tier = tier(100, 1 << 20, 2048)) {
      assertThat(tier.put(1, 1, new byte[2049])).isFalse();
      assertThat(tier.put(1, 1, new UnsafeBuffer(new byte[4000]), 0, 4000)).isFalse();
      assertThat(tier.put(1, 1, new byte[2048])).isTrue();
      assertThat(tier.stats().refused()).isEqualTo(2);
      assertThat(tier.stats().puts()).isEqualTo(1);
    }
  }

  @Test
  void valuesWithoutAHeaderNeverExpire() {
    try (MemoryTier tier = tier(100, 1 << 20, 2048)) {
      byte[] raw = {1, 2, 3};
      tier.put(1, 1, raw);
      byte[] noMagic = new byte[200];
      java.util.Arrays.fill(noMagic, (byte) 0x7f);
      tier.put(2, 2, noMagic);
      clock.advance(Long.MAX_VALUE / 4);
      assertThat(tier.runExpiry()).isZero();
      assertThat(tier.get(1, 1)).isEqualTo(raw);
      assertThat(tier.get(2, 2)).isEqualTo(noMagic);
    }
  }

  @Test
  void builderRejectsBadSettingsNamingTheProperty() {
    assertThatThrownBy(() -> MemoryTier.builder().maxEntries(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEntries").hasMessageContaining("was 0");
    assertThatThrownBy(() -> MemoryTier.builder().maxEntries((1L << 27) + 1))
        .hasMessageContaining("between 1 and 134217728").hasMessageContaining("was 134217729");
    assertThat(MemoryTier.builder().maxEntries(1L << 27)).isNotNull(); // the limit itself is accepted
    assertThatThrownBy(() -> MemoryTier.builder().maxBytes(-1))
        .hasMessageContaining("maxBytes").hasMessageContaining("was -1");
    assertThatThrownBy(() -> MemoryTier.builder().maxEntryBytes(0)).hasMessageContaining("maxEntryBytes");
    assertThatThrownBy(() -> MemoryTier.builder().averageEntryBytes(0)).hasMessageContaining("averageEntryBytes");
    assertThatThrownBy(() -> MemoryTier.builder().expirySweepInterval(Duration.ofMillis(-5)))
        .hasMessageContaining("expirySweepInterval");
    assertThatThrownBy(() -> MemoryTier.builder().maxEntryBytes(100).averageEntryBytes(200).build())
        .hasMessageContaining("averageEntryBytes (200) must not exceed maxEntryBytes (100)");
    assertThatThrownBy(() -> MemoryTier.builder().maxBytes(1000).maxEntryBytes(4096).averageEntryBytes(100).build())
        .hasMessageContaining("maxBytes (1000) must hold at least one entry");
    assertThatThrownBy(() -> MemoryTierBuilder.parsePolicy("fifo"))
        .hasMessageContaining("metacache.memory.policy").hasMessageContaining("'fifo'");
    assertThat(MemoryTierBuilder.parsePolicy(" LRU ")).isEqualTo(PolicyKind.LRU);
  }

  @Test
  void theDefaultPolicyIsWindowTinyLfu() {
    try (MemoryTier tier = MemoryTier.builder().maxEntries(100).maxBytes(1 << 20).maxEntryBytes(4096)
        .averageEntryBytes(512).expirySweepInterval(Duration.ZERO).build()) {
      assertThat(tier.policy()).isEqualTo(PolicyKind.WTINYLFU);
      for (long k = 0; k < 1000; k++) {
        tier.put(k, k, TestEntries.entry(300, 0, k));
        tier.get(k % 7, k % 7);
      }
      TierInvariants.assertConsistentAndBounded(tier, 100, 1 << 20);
    }
  }

  @Test
  void sweeperThreadRemovesExpiredEntriesInTheBackground() throws Exception {
    try (MemoryTier tier = MemoryTier.builder().maxEntries(100).maxBytes(1 << 20).maxEntryBytes(4096)
        .averageEntryBytes(512).policy(PolicyKind.LRU).clock(clock)
        .expirySweepInterval(Duration.ofMillis(5)).build()) {
      tier.put(1, 1, TestEntries.entry(200, clock.getAsLong() + 10, 1));
      clock.advance(20);
      long guard = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60); // a hang guard
      while (tier.size() != 0 && System.nanoTime() - guard < 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      assertThat(tier.size()).isZero();
      assertThat(tier.stats().expirations()).isEqualTo(1);
    }
  }
}
