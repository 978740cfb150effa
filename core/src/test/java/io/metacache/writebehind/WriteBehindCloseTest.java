package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteBehindCloseTest {
  private static final int WRITES = 50_000;

  private static WriteBehindPipeline queue(MapTier slow, MapTier fast, Duration closeTimeout, int batchSize) {
    // Normal priority: these tests time the drain, and under the default idle priority a busy
    // machine (the JIT's own threads at start-up, other jobs) decides how fast the lanes run.
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(slow).tier(fast).nice(0)
        .ringSize(65_536).batchSize(batchSize).backlogBound(WRITES).closeTimeout(closeTimeout).build();
    for (int i = 0; i < WRITES; i++) {
      p.put(7, i, bytes("v"), 0);
    }
    return p;
  }

  @Test
  void closeDrainsFiftyThousandQueuedWritesIntoASlowTier() {
    MapTier slow = new MapTier("slow").latency(1);
    MapTier fast = new MapTier("fast");
    WriteBehindPipeline p = queue(slow, fast, Duration.ofSeconds(20), 512);
    WriteBehindReport report = p.close();
    assertThat(report.complete()).isTrue();
    assertThat(report.timedOut()).isFalse();
    assertThat(report.tier("slow").written()).isEqualTo(WRITES);
    assertThat(slow.store).hasSize(WRITES);
    assertThat(fast.store).hasSize(WRITES);
  }

  @Test
  void closeReportsEveryWriteItCouldNotFinishInTime() {
    MapTier slow = new MapTier("slow").latency(5);
    MapTier fast = new MapTier("fast");
    WriteBehindPipeline p = queue(slow, fast, Duration.ofMillis(100), 64);
    WriteBehindReport report = p.close();
    WriteBehindReport.TierReport s = report.tier("slow");
    assertThat(report.timedOut()).isTrue();
    assertThat(s.notWritten() + s.failed()).isGreaterThan(0);
    assertThat(s.written()).isEqualTo(slow.store.size());
    assertThat(s.written() + s.failed() + s.dropped() + s.notWritten()).isEqualTo(WRITES);
    WriteBehindReport.TierReport f = report.tier("fast");
    assertThat(f.written() + f.failed() + f.dropped() + f.notWritten()).isEqualTo(WRITES);
    assertThat(f.written()).isEqualTo(fast.store.size());
  }

  @Test
  void closeReportsWritesParkedForAFailingTierAsFailed() {
    MapTier down = new MapTier("down");
    down.failing = true;
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(down).retryAttempts(1)
        .backoffBase(Duration.ZERO).breakerWindow(2).breakerWait(Duration.ofSeconds(30))
        .closeTimeout(Duration.ofMillis(50)).build();
    for (int i = 0; i < 100; i++) {
      p.put(8, i, bytes("v"), 0);
    }
    // Every write tried and parked before close: an untried write is reported as not written, and
    // under the default idle priority the lane may not run at all within 50 ms on a busy machine.
    p.flush();
    WriteBehindReport report = p.close();
    assertThat(report.tier("down").failed()).as(report.toString()).isEqualTo(100);
    assertThat(report.tier("down").written()).isZero();
    assertThat(report.complete()).isFalse();
  }

  /**
   * A tier that is down does not hold the close for its whole timeout (30 s by default, an hour
   * here): once a batch has failed all its retries during the close, what the tier has left is
   * reported as failed, and the other tiers' writes are all written.
   */
  @Test
  void closeDoesNotWaitOutItsTimeoutForATierThatKeepsFailing() {
    MapTier down = new MapTier("down");
    down.failing = true;
    MapTier up = new MapTier("up");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(down).tier(up).backoffBase(Duration.ofMillis(1))
        .closeTimeout(Duration.ofHours(1)).build();
    for (int i = 0; i < 100; i++) {
      p.put(8, i, bytes("v"), 0);
    }
    WriteBehindReport report = assertTimeoutPreemptively(Duration.ofMinutes(10), p::close,
        "hang guard: the close waited for the failing tier");
    assertThat(report.tier("down").failed()).as(report.toString()).isEqualTo(100);
    assertThat(report.tier("up").written()).as(report.toString()).isEqualTo(100);
    assertThat(report.complete()).isFalse();
  }
}
