package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static io.metacache.writebehind.Await.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher is held on its first event so the ring (8 slots) fills up. */
class RingFullPolicyTest {
  private final CountDownLatch hold = new CountDownLatch(1);
  private WriteBehindPipeline pipeline;

  @AfterEach
  void close() {
    hold.countDown();
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private WriteBehindPipeline.Builder held(MapTier tier, RingFullPolicy policy) {
    WriteBehindPipeline.Builder b = WriteBehindPipeline.builder().tier(tier).ringSize(8).fullPolicy(policy);
    b.beforeEvent = sequence -> {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    return b;
  }

  @Test
  void blockWaitsForSpace() throws Exception {
    MapTier t = new MapTier("t");
    pipeline = held(t, RingFullPolicy.BLOCK).build();
    AtomicInteger published = new AtomicInteger();
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 20; i++) {
        pipeline.put(1, i, bytes("v" + i), 0);
        published.incrementAndGet();
      }
    });
    producer.start();
    Await.until("the ring is full", () -> published.get() == 8);
    TimeUnit.MILLISECONDS.sleep(50);
    assertThat(producer.isAlive()).isTrue();
    assertThat(published.get()).isEqualTo(8);
    hold.countDown();
    producer.join(5_000);
    assertThat(published.get()).isEqualTo(20);
    pipeline.flush();
    assertThat(t.store).hasSize(20);
  }

  @Test
  void dropDiscardsAndCounts() {
    MapTier t = new MapTier("t");
    pipeline = held(t, RingFullPolicy.DROP).build();
    int accepted = 0;
    for (int i = 0; i < 20; i++) {
      if (pipeline.put(2, i, bytes("v"), 0)) {
        accepted++;
      } else {
        assertThat(pipeline.pending(2, i)).isNull();
      }
    }
    assertThat(accepted).isEqualTo(8);
    assertThat(pipeline.stats().ringDrops()).isEqualTo(12);
    hold.countDown();
    pipeline.flush();
    assertThat(t.store).hasSize(8);
    assertThat(pipeline.close().ringDrops()).isEqualTo(12);
  }

  @Test
  void writeThroughAppliesOnTheCallersThreadAndOlderRingWritesDoNotOverwriteIt() {
    MapTier a = new MapTier("a");
    MapTier b = new MapTier("b");
    WriteBehindPipeline.Builder builder = held(a, RingFullPolicy.WRITE_THROUGH).tier(b);
    pipeline = builder.build();
    pipeline.put(3, 0, bytes("old"), 0);
    for (int i = 1; i < 8; i++) {
      pipeline.put(3, i, bytes("ring"), 0);
    }
    assertThat(a.store).isEmpty();
    assertThat(pipeline.put(3, 0, bytes("new"), 0)).isTrue();
    assertThat(pipeline.put(3, 100, bytes("through"), 0)).isTrue();
    // Applied synchronously, while the ring is still held.
    for (MapTier t : new MapTier[] {a, b}) {
      assertThat(text(t.store.get(new Key128(3, 0)))).isEqualTo("new");
      assertThat(text(t.store.get(new Key128(3, 100)))).isEqualTo("through");
    }
    assertThat(pipeline.stats().writeThroughs()).isEqualTo(2);
    assertThat(text(pipeline.pending(3, 0).value())).isEqualTo("new");
    hold.countDown();
    pipeline.flush();
    for (MapTier t : new MapTier[] {a, b}) {
      assertThat(text(t.store.get(new Key128(3, 0)))).isEqualTo("new");
      assertThat(t.store).hasSize(9);
    }
    Await.until("the write-through entries are released", () -> pipeline.stats().pendingKeys() == 0);
  }
}
