package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.Await;
import io.metacache.testkit.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis killed with SIGKILL under a stream of batches, then restarted on the same port. No
 * deadline: a call must end in a {@link TierException} rather than hang (a minute's hang guard),
 * and a tier whose command timeout is that minute shows that calls while Redis is down are
 * rejected at once instead of waiting the timeout out.
 */
class RedisTierFaultTest {
  /** The command timeout of the tier that rejects calls while down: a wait for it would be a hang. */
  private static final Duration PATIENT = Await.HANG_GUARD;
  private static RedisServerProcess server;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void killedRedisFailsFastAndTheSameTierRecoversAfterRestart() throws InterruptedException {
    try (RedisTier tier = RedisTiers.open("metacache.redis.uri", server.uri(), "metacache.redis.timeout", "500ms");
        RedisTier peer = RedisTiers.open("metacache.redis.uri", server.uri(), "metacache.redis.timeout", "500ms");
        RedisTier patient = RedisTiers.open("metacache.redis.uri", server.uri(),
            "metacache.redis.timeout", PATIENT.toSeconds() + "s")) {
      Set<Long> heardByPeer = ConcurrentHashMap.newKeySet();
      peer.onRemoteInvalidation((high, low) -> heardByPeer.add(high));

      // a stream of batch applies; Redis dies in the middle of it
      int applied = 0;
      TierException failure = null;
      long failedAfterNanos = 0;
      for (int round = 0; round < 10_000 && failure == null; round++) {
        if (round == 20) {
          server.stop();
        }
        List<TierOperation> batch = batch(round, 200);
        long start = System.nanoTime();
        try {
          tier.apply(batch);
          applied++;
        } catch (TierException e) {
          failure = e;
          failedAfterNanos = System.nanoTime() - start;
        }
      }
      assertThat(applied).isGreaterThanOrEqualTo(20);
      assertThat(failure).as("apply must fail once Redis is gone").isNotNull();
      assertThat(Duration.ofNanos(failedAfterNanos)).as("the failing apply ended (hang guard)").isLessThan(Await.HANG_GUARD);

      // while it is down every call fails, and at once: not by waiting out a minute's timeout
      for (RedisTier t : List.of(tier, patient)) {
        assertRejected(() -> t.apply(batch(99, 50)));
        assertRejected(() -> t.get(1, 1));
        assertRejected(t::ping);
      }
      peer.publishInvalidations(new long[] {1}, new long[] {1}, 1); // never throws, never blocks

      server.start();
      long restarted = System.nanoTime();
      Await.until("the tiers reconnect after the restart", () -> pings(tier) && pings(peer) && pings(patient));
      System.out.printf("redis tier: apply failed %.0f ms after Redis was killed mid-stream; reconnected %.0f ms after restart%n",
          failedAfterNanos / 1e6, (System.nanoTime() - restarted) / 1e6);
      // the same tier object works again
      tier.apply(batch(7, 100));
      assertThat(tier.get(7_000_000 + 5, 5)).isEqualTo(RedisTiers.value(5, 64));

      // and the pub/sub subscription came back with the connection
      long[] highs = {11, 12, 13};
      long[] lows = {0, 0, 0};
      // Published until heard: messages sent before the peer resubscribed are not kept by Redis.
      Await.until("the peer hears invalidations again", () -> {
        tier.publishInvalidations(highs, lows, 3);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        return heardByPeer.size() >= 3;
      }, heardByPeer::toString);
      assertThat(heardByPeer).containsExactlyInAnyOrder(11L, 12L, 13L);
    }
  }

  @Test
  void openingAgainstADeadServerIsATierException() {
    RedisServerProcess dead = RedisServerProcess.launch();
    String uri = dead.uri();
    dead.close();
    assertThatThrownBy(() -> RedisTiers.open("metacache.redis.uri", uri))
        .isInstanceOf(TierException.class).hasMessageContaining("redis").hasMessageContaining("cannot connect");
  }

  /** The call fails with a {@link TierException} before a tier with the patient timeout would give up. */
  private static void assertRejected(Runnable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOf(TierException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("rejected, not timed out").isLessThan(PATIENT);
  }

  private static boolean pings(RedisTier tier) {
    try {
      tier.ping();
      return true;
    } catch (TierException e) {
      return false;
    }
  }

  private static List<TierOperation> batch(int round, int size) {
    List<TierOperation> ops = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      ops.add(TierOperation.put(round * 1_000_000L + i, i, RedisTiers.value(i, 64), 0));
    }
    return ops;
  }
}
