package io.metacache.writebehind;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Each tier ends in the state of the last write per key, whatever the batching and coalescing. */
class LastWriteWinsPropertiesTest {

  record Write(int key, boolean delete, int value) {}

  @Provide
  Arbitrary<Write> writes() {
    return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.of(true, false, false),
        Arbitraries.integers().between(0, 1000)).as(Write::new);
  }

  @Property(tries = 40)
  void lastWriteWinsForASingleProducer(@ForAll @Size(max = 200) List<@From("writes") Write> writes,
      @ForAll("batchSizes") int batchSize) {
    MapTier a = new MapTier("a");
    MapTier b = new MapTier("b");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(a).tier(b).batchSize(batchSize).build();
    Map<Key128, Integer> expected = new HashMap<>();
    try {
      for (Write w : writes) {
        Key128 key = new Key128(0, w.key());
        if (w.delete()) {
          p.delete(0, w.key());
          expected.remove(key);
        } else {
          p.put(0, w.key(), value(w.value()), 0);
          expected.put(key, w.value());
        }
      }
      p.flush();
      assertThat(decode(a.snapshot())).isEqualTo(expected);
      assertThat(decode(b.snapshot())).isEqualTo(expected);
      assertThat(p.stats().pendingKeys()).isZero();
    } finally {
      p.close();
    }
  }

  @Provide
  Arbitrary<Integer> batchSizes() {
    return Arbitraries.of(1, 3, 64);
  }

  @Test
  void lastWriteWinsPerKeyUnderManyProducers() throws Exception {
    MapTier a = new MapTier("a");
    MapTier b = new MapTier("b").latency(1);
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(a).tier(b).ringSize(256).batchSize(32)
        .closeTimeout(Duration.ofSeconds(10)).build();
    int producers = 4;
    int keysEach = 64;
    int opsEach = 20_000;
    List<Map<Key128, Integer>> expected = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < producers; t++) {
        int id = t;
        Map<Key128, Integer> mine = new HashMap<>();
        expected.add(mine);
        // Each producer owns the keys (id, *): nobody else writes them, so its own newest write is
        // exactly what a reader must see for them.
        done.add(pool.submit(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          start.await();
          for (int i = 0; i < opsEach; i++) {
            int k = random.nextInt(keysEach);
            Key128 key = new Key128(id, k);
            if (random.nextInt(5) == 0) {
              p.delete(id, k);
              mine.remove(key);
            } else {
              p.put(id, k, value(i), 0);
              mine.put(key, i);
            }
            // Read-your-writes: this producer's newest write is visible at once, pending until
            // every tier has settled it, and in every tier after that.
            Integer newest = mine.get(key);
            PendingWrite w = p.pending(id, k);
            if (w != null) {
              assertThat(w.isDelete()).as("pending kind of %s", key).isEqualTo(newest == null);
              if (newest != null) {
                assertThat(ByteBuffer.wrap(w.value()).getInt()).as("pending value of %s", key)
                    .isEqualTo(newest);
              }
            } else {
              for (MapTier tier : List.of(a, b)) {
                byte[] stored = tier.get(id, k);
                assertThat(stored == null ? null : ByteBuffer.wrap(stored).getInt())
                    .as("settled value of %s in tier %s", key, tier.name()).isEqualTo(newest);
              }
            }
          }
          return null;
        }));
      }
      start.countDown();
      // Future.get rethrows a producer's AssertionError (as the cause) on the test thread.
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    p.flush();
    Map<Key128, Integer> all = new HashMap<>();
    for (Map<Key128, Integer> e : expected) {
      all.putAll(e);
    }
    assertThat(decode(a.snapshot())).isEqualTo(all);
    assertThat(decode(b.snapshot())).isEqualTo(all);
    assertThat(p.stats().pendingKeys()).isZero();
    assertThat(p.close().complete()).isTrue();
  }

  private static byte[] value(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  private static Map<Key128, Integer> decode(Map<Key128, byte[]> store) {
    Map<Key128, Integer> out = new HashMap<>();
    store.forEach((k, v) -> out.put(k, ByteBuffer.wrap(v).getInt()));
    return out;
  }
}
