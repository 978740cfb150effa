package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The batcher's linger: writes published while it sleeps cost the writer no wake-up and reach the
 * tiers together; a quiet pipeline still applies every write; {@code flush()} does not wait out a
 * linger. (The no-lost-wake-up race itself is the jcstress test {@code LingeringWaitStrategyStress}.)
 */
class LingerTest {

  @Test
  void writesDuringALingerReachTheTierAsOneBatch() {
    MapTier tier = new MapTier("t");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).linger(Duration.ofMillis(300)).build();
    try {
      p.put(1, 0, bytes("first"), 0); // wakes the parked batcher: a batch of its own
      Await.until("the first write applied", () -> tier.store.containsKey(new Key128(1, 0)));
      for (int i = 1; i <= 100; i++) {
        p.put(1, i, bytes("v" + i), 0); // the batcher lingers: no wake-up, one batch later
      }
      Await.until("all writes applied", () -> tier.store.size() == 101);
      assertThat(tier.batches).hasSizeLessThanOrEqualTo(3);
      assertThat(tier.batches.stream().mapToInt(java.util.List::size).max().orElse(0)).isGreaterThanOrEqualTo(50);
    } finally {
      p.close();
    }
  }

  @Test
  void flushEndsALingerInsteadOfWaitingItOut() {
    MapTier tier = new MapTier("t");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).linger(Duration.ofSeconds(1)).build();
    try {
      for (int round = 0; round < 5; round++) {
        p.put(2, round, bytes("v" + round), 0);
        long start = System.nanoTime();
        p.flush();
        assertThat(tier.store).containsKey(new Key128(2, round));
        // Five lingers would be five seconds; the bound is loose for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
      }
    } finally {
      p.close();
    }
  }

  @Test
  void aZeroLingerWakesTheBatcherOnEveryWrite() {
    MapTier tier = new MapTier("t");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).linger(Duration.ZERO).build();
    try {
      for (int i = 0; i < 20; i++) {
        p.put(3, i, bytes("v" + i), 0);
        int expected = i + 1;
        Await.until("write " + i + " applied without a flush", () -> tier.store.size() == expected);
      }
    } finally {
      p.close();
    }
  }
}
