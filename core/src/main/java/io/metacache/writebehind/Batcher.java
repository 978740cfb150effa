package io.metacache.writebehind;

import com.lmax.disruptor.EventHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The ring's single consumer. Copies each event into an {@link Op} (never keeping the event),
 * coalesces by key within a batch (a later write to a key replaces the earlier one, whatever
 * their kinds, so a delete after a put wins), and hands the batch to every tier lane when it
 * reached the configured size or the Disruptor says the available run ended.
 */
final class Batcher implements EventHandler<RingEvent> {
  private final TierLane[] lanes;
  private final java.util.concurrent.ConcurrentHashMap<Key128, PendingEntry> pending;
  private final int batchSize;
  private final LinkedHashMap<Key128, Op> batch = new LinkedHashMap<>();
  /** Test seam: runs before each event is copied; {@code null} in production. */
  private final java.util.function.LongConsumer beforeEvent;
  private int events;
  /** Ring sequence of the last event handed to the lanes; -1 before any. Guarded by this. */
  private long handedThrough = -1;
  /** Set by {@link #seal()}: nothing more is handed on. Guarded by this. */
  private boolean sealed;

  Batcher(TierLane[] lanes, java.util.concurrent.ConcurrentHashMap<Key128, PendingEntry> pending,
      int batchSize, java.util.function.LongConsumer beforeEvent) {
    this.lanes = lanes;
    this.pending = pending;
    this.batchSize = batchSize;
    this.beforeEvent = beforeEvent;
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    try {
      if (beforeEvent != null) {
        beforeEvent.accept(sequence);
      }
      Key128 key = new Key128(event.keyHigh, event.keyLow);
      byte[] value = event.value;
      event.value = null;
      io.metacache.spi.TierOperation operation = event.delete
          ? io.metacache.spi.TierOperation.delete(event.keyHigh, event.keyLow)
          : io.metacache.spi.TierOperation.put(event.keyHigh, event.keyLow, value, event.expiresAtMillis);
      // remove-then-put keeps the batch in publication order of each key's last write.
      batch.remove(key);
      batch.put(key, new Op(key, operation, event.version));
    } catch (RuntimeException e) {
      // The write is lost: take it out of the pending view, or readers would see it forever.
      long version = event.version;
      pending.computeIfPresent(new Key128(event.keyHigh, event.keyLow),
          (k, entry) -> entry.version == version ? null : entry);
      event.value = null;
      throw e;
    } finally {
      // Even if copying failed, the run must still be handed on so the watermark advances.
      events++;
      if (endOfBatch || events >= batchSize) {
        handOff(sequence);
      }
    }
  }

  private synchronized void handOff(long sequence) {
    if (sealed) {
      batch.clear(); // counted as unconsumed by close()
      events = 0;
      return;
    }
    List<Op> ops = new ArrayList<>(batch.values());
    batch.clear();
    events = 0;
    long through = Versions.through(sequence);
    for (TierLane lane : lanes) {
      lane.offer(ops, through);
    }
    handedThrough = sequence;
  }

  /**
   * Stops handing batches on and returns the ring sequence of the last event handed on (-1 if
   * none). Every later event stays out of the lanes, and close() reports it as not written, so a
   * batcher still inside a long run after a halt cannot hand on events already counted.
   */
  synchronized long seal() {
    sealed = true;
    return handedThrough;
  }
}
