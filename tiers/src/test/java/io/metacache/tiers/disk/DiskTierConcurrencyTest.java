package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers racing a writer (overwrites and evictions) see a whole value or none, never part of one. */
class DiskTierConcurrencyTest {
  static final int KEYS = 8;
  static final int READERS = 3;
  /** Writes and hits that must have raced before the run stops. */
  static final long ENOUGH = 300;
  /** Hang guard for the run. */
  static final long GUARD_SECONDS = 120;

  @TempDir Path dir;

  /**
   * Generation {@code g} of a value: its length depends on {@code g}, it starts with {@code g} and
   * the key, and every other byte is {@code (byte) g}. Any mix of two generations fails the check.
   */
  static byte[] generation(int key, int g) {
    byte[] v = new byte[8 + (g % 37) * 53];
    ByteBuffer.wrap(v).putInt(g).putInt(key);
    for (int i = 8; i < v.length; i++) {
      v[i] = (byte) g;
    }
    return v;
  }

  static boolean whole(int key, byte[] v) {
    if (v.length < 8) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    int g = b.getInt();
    return b.getInt() == key && Arrays.equals(v, generation(key, g));
  }

  @Test
  void readersNeverSeeAPartialValue() throws Exception {
    DiskTierFixture fx = new DiskTierFixture(dir);
    // Room for about half the keys at the largest generation, so evictions race reads too.
    try (DiskTier tier = fx.open(4L * (DiskFileHeader.LENGTH + 8 + 36 * 53))) {
      put(tier, 0, generation(0, 0));
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong hits = new AtomicLong();
      AtomicLong writes = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      futures.add(pool.submit(() -> {
        start.await();
        for (int g = 1; !stop.get(); g++) {
          put(tier, g % KEYS, generation(g % KEYS, g));
          writes.incrementAndGet();
        }
        return null;
      }));
      for (int r = 0; r < READERS; r++) {
        int first = r;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = first; !stop.get(); i++) {
            int key = i % KEYS;
            byte[] v = get(tier, key);
            if (v != null) {
              assertThat(whole(key, v)).as("value for key %d is whole", key).isTrue();
              hits.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      // Run until enough overwrites and hits have raced, however fast the machine is.
      long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
      while ((writes.get() < ENOUGH || hits.get() < ENOUGH) && System.nanoTime() - guard < 0
          && futures.stream().noneMatch(Future::isDone)) {
        Thread.sleep(10);
      }
      stop.set(true);
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);  // rethrows a reader's assertion failure
      }
      pool.shutdown();

      assertThat(writes.get()).isGreaterThanOrEqualTo(ENOUGH);
      assertThat(hits.get()).isGreaterThanOrEqualTo(ENOUGH);
      assertThat(tier.stats().corruptions()).isZero();
      assertThat(tier.stats().evictions()).isPositive();
      assertThat(tier.stats().bytes()).isLessThanOrEqualTo(tier.stats().maxBytes());
      assertThat(fx.tempFiles()).isEmpty();
    }
  }
}
