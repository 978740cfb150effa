package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The read buffer's owned stripes: a live owner keeps its stripe, a dead one's stripe is taken
 * over with its events and hit count intact, and threads beyond the owned stripes fall back to
 * the shared ones without losing their events. (Concurrent drain: {@code ReadBufferStress}.)
 */
class ReadBufferTest {

  @Test
  void aStripeIsTakenOverOnlyOnceItsOwnerHasDiedAndKeepsWhatTheOwnerLeft() throws Exception {
    ReadBuffer buffer = new ReadBuffer();
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> owners = new ArrayList<>();
    // Claim every owned stripe from threads that stay alive; each offers one event and counts one hit.
    while (true) {
      AtomicReference<ReadBuffer.Stripe> got = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      long key = owners.size() + 1;
      Thread t = new Thread(() -> {
        ReadBuffer.Stripe s = buffer.claim();
        got.set(s);
        if (s != null) {
          s.hit();
          buffer.offer(s, key, ~key);
        }
        done.countDown();
        if (s != null) {
          await(release);
        }
      });
      t.start();
      done.await();
      if (got.get() == null) {
        t.join();
        break;
      }
      owners.add(t);
    }
    int stripes = owners.size();
    assertThat(stripes).isGreaterThanOrEqualTo(4);
    assertThat(buffer.ownedHits()).isEqualTo(stripes);

    // Every owner is alive: a newcomer gets none and offers to a shared stripe instead.
    assertThat(buffer.claim()).isNull();
    buffer.offer(null, 1000, ~1000L);

    // Once the owners have died, their stripes are free again, and nothing they left is lost.
    release.countDown();
    for (Thread t : owners) {
      t.join();
    }
    ReadBuffer.Stripe taken = buffer.claim();
    assertThat(taken).isNotNull();
    taken.hit();
    assertThat(buffer.ownedHits()).isEqualTo(stripes + 1);
    List<Long> drained = new ArrayList<>();
    buffer.drainTo((high, low) -> {
      assertThat(low).isEqualTo(~high);
      drained.add(high);
    });
    assertThat(drained).hasSize(stripes + 1).contains(1000L);
    for (long k = 1; k <= stripes; k++) {
      assertThat(drained).contains(k);
    }
  }

  @Test
  void anOwnedStripeDropsWhenFullAndAsksForADrainFromHalfFull() {
    ReadBuffer buffer = new ReadBuffer();
    ReadBuffer.Stripe own = buffer.claim();
    for (int i = 1; i < ReadBuffer.DRAIN_THRESHOLD; i++) {
      assertThat(buffer.offer(own, i, ~(long) i)).as("offer %d", i).isFalse();
    }
    for (int i = ReadBuffer.DRAIN_THRESHOLD; i <= ReadBuffer.CAPACITY + 5; i++) {
      assertThat(buffer.offer(own, i, ~(long) i)).as("offer %d", i).isTrue();
    }
    List<Long> drained = new ArrayList<>();
    buffer.drainTo((high, low) -> drained.add(high));
    assertThat(drained).hasSize(ReadBuffer.CAPACITY);
    assertThat(drained.get(0)).isEqualTo(1L);
    assertThat(drained.get(ReadBuffer.CAPACITY - 1)).isEqualTo((long) ReadBuffer.CAPACITY);
    // Drained, the ring takes events again, past the wrap.
    assertThat(buffer.offer(own, 77, ~77L)).isFalse();
    drained.clear();
    buffer.drainTo((high, low) -> drained.add(high));
    assertThat(drained).containsExactly(77L);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
