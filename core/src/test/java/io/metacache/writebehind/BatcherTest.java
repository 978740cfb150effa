package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.metacache.spi.TierOperation;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The batcher on its own: events fed by hand, one lane behind it. */
class BatcherTest {
  private final ConcurrentHashMap<Key128, PendingEntry> pending = new ConcurrentHashMap<>();
  private final MapTier tier = new MapTier("t");
  private final TierLane lane = new TierLane(tier, pending, new TierLane.Listener() {
    @Override
    public void settled(Op op) {}

    @Override
    public void progressed() {}
  }, CircuitBreaker.ofDefaults("t"), 100, 1, 0, 0, 1000, 1_000_000, 0);

  private static RingEvent event(long low, boolean delete, String value, long sequence) {
    RingEvent e = new RingEvent();
    e.set(1, low, delete, value == null ? null : bytes(value), 0, Versions.ofRing(sequence));
    return e;
  }

  @Test
  void putPutDeleteInOneBatchBecomesOneDelete() {
    Batcher batcher = new Batcher(new TierLane[] {lane}, pending, 100, null);
    RingEvent first = event(1, false, "a", 0);
    batcher.onEvent(first, 0, false);
    assertThat(first.value).as("the batcher clears what it copied").isNull();
    batcher.onEvent(event(1, false, "b", 1), 1, false);
    batcher.onEvent(event(2, false, "c", 2), 2, false);
    batcher.onEvent(event(1, true, null, 3), 3, true);
    lane.start();
    Await.until("the batch is applied", () -> tier.batches.size() == 1);
    assertThat(tier.batches.get(0)).containsExactly(
        TierOperation.put(1, 2, tier.batches.get(0).get(0).value(), 0), TierOperation.delete(1, 1));
    assertThat(lane.watermark()).isEqualTo(Versions.through(3));
  }

  @Test
  void aFullBatchIsHandedOnBeforeTheEndOfTheRun() {
    Batcher batcher = new Batcher(new TierLane[] {lane}, pending, 2, null);
    batcher.onEvent(event(1, false, "a", 0), 0, false);
    assertThat(lane.backlog()).isZero();
    batcher.onEvent(event(2, false, "b", 1), 1, false);
    assertThat(lane.backlog()).isEqualTo(2);
  }
}
