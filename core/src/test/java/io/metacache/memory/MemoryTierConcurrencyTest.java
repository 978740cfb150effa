package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Threads mix gets, puts and removes on overlapping keys while a sweeper expires entries. At the
 * end, once the buffers are drained, the map is within its bounds, the policy holds exactly the
 * map's keys, no read ever saw a torn entry, and every key owned by one writer holds that
 * writer's last value (or, where eviction is possible, nothing).
 */
class MemoryTierConcurrencyTest {

  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 12_000;
  private static final int OWNED_KEYS = 200;
  private static final int SHARED_KEYS = 300;
  private static final long REMOVED = -1;

  @ParameterizedTest(name = "{2}: maxEntries={0} maxBytes={1}")
  @CsvSource({
      // roomy: nothing is evicted, every owned key must hold its last value
      "5000,    67108864, WTINYLFU",
      // tight: both bounds bind; owned keys hold their last value or nothing
      "300,       262144, LRU",
      "300,       262144, LFU",
      "300,       262144, WTINYLFU",
  })
  void mixedOperationsOnOverlappingKeysKeepPolicyAndMapInStep(long maxEntries, long maxBytes, PolicyKind policy)
      throws Exception {
    FakeClock clock = new FakeClock(1_000_000);
    try (MemoryTier tier = MemoryTier.builder().maxEntries(maxEntries).maxBytes(maxBytes)
        .maxEntryBytes(8192).averageEntryBytes(1024).policy(policy).clock(clock)
        .expirySweepInterval(Duration.ZERO).build()) {
      long[][] lastWritten = new long[THREADS][OWNED_KEYS];
      int[][] lastSize = new int[THREADS][OWNED_KEYS];
      CyclicBarrier start = new CyclicBarrier(THREADS + 1);
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(pool.submit(() -> work(tier, clock, thread, lastWritten[thread], lastSize[thread], start)));
      }
      Future<?> sweeper = pool.submit(() -> {
        start.await();
        while (running.get()) {
          clock.advance(3);
          tier.runExpiry();
          Thread.yield();
        }
        return null;
      });
      int tornReads = 0;
      for (Future<Integer> worker : workers) {
        tornReads += worker.get(60, TimeUnit.SECONDS);
      }
      running.set(false);
      sweeper.get(10, TimeUnit.SECONDS);
      pool.shutdown();

      assertThat(tornReads).as("reads that returned a torn or misplaced entry").isZero();
      TierInvariants.assertConsistentAndBounded(tier, maxEntries, maxBytes);
      MemoryTierStats stats = tier.stats();
      boolean evicting = stats.evictionsBySize() + stats.evictionsByBytes() > 0;
      assertThat(evicting).isEqualTo(maxEntries < 1000);
      assertThat(stats.expirations()).isPositive();

      for (int t = 0; t < THREADS; t++) {
        for (int k = 0; k < OWNED_KEYS; k++) {
          long high = t + 1;
          byte[] held = tier.get(high, k);
          if (lastWritten[t][k] == REMOVED) {
            assertThat(held).as("owned key %s/%s was removed last", high, k).isNull();
          } else if (held != null || !evicting) {
            assertThat(held).as("owned key %s/%s holds its writer's last value", high, k)
                .isEqualTo(TestEntries.entryForKey(high, k, lastSize[t][k], 0, lastWritten[t][k]));
          }
        }
      }
    }
  }

  private static int work(MemoryTier tier, FakeClock clock, int thread, long[] lastWritten,
      int[] lastSize, CyclicBarrier start) throws Exception {
    java.util.Arrays.fill(lastWritten, REMOVED);
    SplittableRandom random = new SplittableRandom(thread * 7919L);
    ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8192);
    long high = thread + 1;
    int torn = 0;
    start.await();
    for (int i = 0; i < OPS_PER_THREAD; i++) {
      int dice = random.nextInt(100);
      if (dice < 30) { // put an owned key, no expiry
        int k = random.nextInt(OWNED_KEYS);
        long seed = ((long) thread << 40) | i;
        int size = 104 + random.nextInt(3000);
        tier.put(high, k, TestEntries.entryForKey(high, k, size, 0, seed));
        lastWritten[k] = seed;
        lastSize[k] = size;
      } else if (dice < 38) { // remove an owned key
        int k = random.nextInt(OWNED_KEYS);
        tier.remove(high, k);
        lastWritten[k] = REMOVED;
      } else if (dice < 55) { // put a shared key, often with a short time-to-live
        int k = random.nextInt(SHARED_KEYS);
        long expiresAt = random.nextBoolean() ? clock.getAsLong() + random.nextInt(50) : 0;
        tier.put(0, k, TestEntries.entryForKey(0, k, 104 + random.nextInt(8000), expiresAt, i));
      } else if (dice < 62) { // remove a shared key
        tier.remove(0, random.nextInt(SHARED_KEYS));
      } else { // read an owned or shared key through the zero-copy path
        long h = random.nextBoolean() ? 0 : 1 + random.nextInt(THREADS);
        long k = random.nextInt(h == 0 ? SHARED_KEYS : OWNED_KEYS);
        int length = tier.get(h, k, buffer, 0);
        if (length >= 0) {
          byte[] bytes = new byte[length];
          buffer.getBytes(0, bytes);
          if (!TestEntries.intactFor(bytes, h, k)) {
            torn++;
          }
        }
      }
    }
    return torn;
  }
}
