package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The batcher's linger: writes published while it sleeps cost the writer no wake-up and reach the
 * tiers together; a quiet pipeline still applies every write; {@code flush()} does not wait out a
 * linger. (The no-lost-wake-up race itself is the jcstress test {@code LingeringWaitStrategyStress}.)
 */
class LingerTest {
  private static final Duration LINGER = Duration.ofSeconds(1);

  /**
   * The batcher's state in the wait strategy: {@code TIMED_WAITING} while it sleeps out a linger,
   * {@code WAITING} once it parked until a writer signals it, null while it is elsewhere.
   */
  private static Thread.State waiting(WriteBehindPipeline p) {
    Thread t = p.batcherThread();
    if (t == null) {
      return null;
    }
    Thread.State state = t.getState();
    return LockSupport.getBlocker(t) instanceof LingeringWaitStrategy
        && (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING) ? state : null;
  }

  /**
   * Once the batcher lingers, a hundred writes reach the tier as at most two batches (one, but for
   * a spurious return from {@code parkNanos}). The claim needs the hundred published within the
   * linger that follows the first write; an attempt in which the machine held this thread for
   * longer than a linger cannot judge it and is repeated, counted, with a fresh pipeline.
   */
  @Test
  void writesDuringALingerReachTheTierAsOneBatch() {
    int attempts = 0;
    while (true) {
      attempts++;
      MapTier tier = new MapTier("t");
      WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).linger(LINGER).build();
      try {
        // The batcher's linger after the first write starts after this instant.
        long before = System.nanoTime();
        p.put(1, 0, bytes("first"), 0); // wakes the parked batcher: a batch of its own
        Await.until("the first write applied", () -> tier.store.containsKey(new Key128(1, 0)));
        Await.until("the batcher waits after the first write", () -> waiting(p) != null);
        boolean lingered = waiting(p) == Thread.State.TIMED_WAITING;
        for (int i = 1; i <= 100; i++) {
          p.put(1, i, bytes("v" + i), 0); // the batcher lingers: no wake-up, one batch later
        }
        long published = System.nanoTime() - before;
        Await.until("all writes applied", () -> tier.store.size() == 101);
        if (!lingered || published >= LINGER.toNanos()) {
          assertThat(attempts).as("attempts in which the hundred writes fitted in no linger; last took %d ms",
              published / 1_000_000).isLessThan(10);
          continue;
        }
        List<List<io.metacache.spi.TierOperation>> batches = tier.batches;
        assertThat(batches.get(0)).hasSize(1);
        assertThat(batches.subList(1, batches.size())).as("batches of the hundred").hasSizeBetween(1, 2);
        return;
      } finally {
        p.close();
      }
    }
  }

  /**
   * With a linger of an hour, a flush returns only if it ends the linger: the hang guard, a
   * minute, is the only bound.
   */
  @Test
  void flushEndsALingerInsteadOfWaitingItOut() {
    MapTier tier = new MapTier("t");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).lingerBeyondBound(Duration.ofHours(1)).build();
    try {
      for (int round = 0; round < 5; round++) {
        p.put(2, round, bytes("v" + round), 0);
        assertTimeoutPreemptively(Await.HANG_GUARD, () -> {
          p.flush();
        },
            "flush waited out an hour-long linger instead of ending it");
        assertThat(tier.store).containsKey(new Key128(2, round));
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
