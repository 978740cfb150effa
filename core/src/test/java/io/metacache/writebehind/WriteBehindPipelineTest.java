package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static io.metacache.writebehind.Await.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierOperation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBehindPipelineTest {
  private WriteBehindPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void writesReachEveryTierAfterFlush() {
    MapTier a = new MapTier("a");
    MapTier b = new MapTier("b");
    pipeline = WriteBehindPipeline.builder().tier(a).tier(b).build();
    for (int i = 0; i < 100; i++) {
      pipeline.put(1, i, bytes("v" + i), 0);
    }
    pipeline.delete(1, 7);
    pipeline.flush();
    for (MapTier t : List.of(a, b)) {
      assertThat(t.store).hasSize(99);
      assertThat(text(t.store.get(new Key128(1, 42)))).isEqualTo("v42");
      assertThat(t.store).doesNotContainKey(new Key128(1, 7));
    }
    assertThat(pipeline.stats().pendingKeys()).isZero();
    assertThat(pipeline.stats().tier("a").opsApplied()).isGreaterThanOrEqualTo(100);
  }

  @Test
  void putPutDeleteWhileTheTierIsBusyReachesItAsOneDelete() {
    MapTier t = new MapTier("t").gate();
    pipeline = WriteBehindPipeline.builder().tier(t).build();
    pipeline.put(9, 9, bytes("warm-up"), 0);
    Await.until("the tier holds the warm-up batch", () -> t.entered.get() == 1);
    pipeline.put(1, 1, bytes("first"), 0);
    pipeline.put(1, 1, bytes("second"), 0);
    pipeline.delete(1, 1);
    Await.until("the batcher handed everything on", () -> pipeline.stats().ringOccupancy() == 0);
    t.open();
    pipeline.flush();
    assertThat(t.batches).hasSize(2);
    assertThat(t.batches.get(1)).containsExactly(TierOperation.delete(1, 1));
  }

  @Test
  void pendingAnswersBeforeTheSlowTierAppliedAndIsClearedAfter() {
    MapTier slow = new MapTier("slow").gate();
    pipeline = WriteBehindPipeline.builder().tier(slow).build();
    pipeline.put(5, 5, bytes("value"), 1234);
    PendingWrite w = pipeline.pending(5, 5);
    assertThat(w).isNotNull();
    assertThat(w.isDelete()).isFalse();
    assertThat(text(w.value())).isEqualTo("value");
    assertThat(w.expiresAtMillis()).isEqualTo(1234);
    assertThat(slow.store).isEmpty();

    pipeline.delete(5, 5);
    PendingWrite tombstone = pipeline.pending(5, 5);
    assertThat(tombstone.isDelete()).isTrue();
    assertThat(tombstone.sequence()).isGreaterThan(w.sequence());
    assertThat(pipeline.pending(5, 6)).isNull();

    slow.open();
    pipeline.flush();
    assertThat(pipeline.pending(5, 5)).isNull();
    assertThat(slow.store).doesNotContainKey(new Key128(5, 5));
  }

  @Test
  void anOlderCompletionNeverRemovesANewerPendingWrite() {
    MapTier t = new MapTier("t").gate();
    pipeline = WriteBehindPipeline.builder().tier(t).build();
    pipeline.put(3, 3, bytes("old"), 0);
    Await.until("the tier holds the old write", () -> t.entered.get() == 1);
    pipeline.put(3, 3, bytes("new"), 0);
    long newSequence = pipeline.pending(3, 3).sequence();
    t.release(1);
    Await.until("the old write is applied", () -> t.batches.size() == 1);
    assertThat(text(t.store.get(new Key128(3, 3)))).isEqualTo("old");
    PendingWrite stillPending = pipeline.pending(3, 3);
    assertThat(stillPending).isNotNull();
    assertThat(stillPending.sequence()).isEqualTo(newSequence);
    assertThat(text(stillPending.value())).isEqualTo("new");
    t.open();
    pipeline.flush();
    assertThat(text(t.store.get(new Key128(3, 3)))).isEqualTo("new");
    assertThat(pipeline.pending(3, 3)).isNull();
  }

  @Test
  void pendingStaysUntilEveryTierApplied() {
    MapTier fast = new MapTier("fast");
    MapTier slow = new MapTier("slow").gate();
    pipeline = WriteBehindPipeline.builder().tier(fast).tier(slow).build();
    pipeline.put(4, 4, bytes("x"), 0);
    Await.until("the fast tier applied", () -> fast.store.containsKey(new Key128(4, 4)));
    assertThat(pipeline.pending(4, 4)).isNotNull();
    slow.open();
    pipeline.flush();
    assertThat(pipeline.pending(4, 4)).isNull();
  }

  @Test
  void flushWaitsForASlowTierAndTimesOutOnAHeldOne() {
    MapTier slow = new MapTier("slow").latency(5);
    pipeline = WriteBehindPipeline.builder().tier(slow).batchSize(8).build();
    for (int i = 0; i < 200; i++) {
      pipeline.put(2, i, bytes("v"), 0);
    }
    pipeline.flush();
    assertThat(slow.store).hasSize(200);

    slow.latencyNanos = 0;
    slow.gate();
    pipeline.put(2, 1000, bytes("held"), 0);
    assertThat(pipeline.flush(Duration.ofMillis(50))).isFalse();
    slow.open();
    assertThat(pipeline.flush(Await.HANG_GUARD)).as("flush once the tier is open (hang guard)").isTrue();
    assertThat(slow.store).containsKey(new Key128(2, 1000));
  }

  @Test
  void statsShowDepthLagAndState() {
    MapTier t = new MapTier("t").gate();
    pipeline = WriteBehindPipeline.builder().tier(t).build();
    for (int i = 0; i < 10; i++) {
      pipeline.put(6, i, bytes("v"), 0);
    }
    Await.until("the batcher handed everything on", () -> pipeline.stats().ringOccupancy() == 0);
    Await.until("lag is measurable", () -> pipeline.stats().lagMillis() >= 20);
    WriteBehindStats s = pipeline.stats();
    assertThat(s.depth()).isEqualTo(10);
    assertThat(s.pendingKeys()).isEqualTo(10);
    assertThat(s.tier("t").circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(pipeline.circuitState("t")).isEqualTo(CircuitState.CLOSED);
    t.open();
    pipeline.flush();
    s = pipeline.stats();
    assertThat(s.depth()).isZero();
    assertThat(s.lagMillis()).isZero();
    assertThat(s.tier("t").batchesApplied()).isGreaterThanOrEqualTo(1);
    assertThat(s.tier("t").opsApplied()).isEqualTo(10);
  }

  @Test
  void writesAfterCloseAreRefused() {
    MapTier t = new MapTier("t");
    pipeline = WriteBehindPipeline.builder().tier(t).build();
    pipeline.put(1, 1, bytes("v"), 0);
    WriteBehindReport report = pipeline.close();
    assertThat(report.complete()).as(report.toString()).isTrue();
    assertThat(report.tier("t").written()).isEqualTo(1);
    assertThat(pipeline.close()).isSameAs(report);
    assertThatThrownBy(() -> pipeline.put(1, 2, bytes("v"), 0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pipeline.delete(1, 2)).isInstanceOf(IllegalStateException.class);
    assertThat(pipeline.flush(Duration.ofMillis(10))).isTrue();
  }
}
