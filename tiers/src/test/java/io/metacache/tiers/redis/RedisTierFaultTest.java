package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redis killed with SIGKILL under a stream of batches, then restarted on the same port. */
class RedisTierFaultTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  /** Slack on top of the timeout for a loaded machine; a hang would take far longer. */
  private static final Duration SLACK = Duration.ofMillis(1500);
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
        RedisTier peer = RedisTiers.open("metacache.redis.uri", server.uri(), "metacache.redis.timeout", "500ms")) {
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
      assertThat(Duration.ofNanos(failedAfterNanos)).isLessThan(TIMEOUT.plus(SLACK));

      // while it is down every call fails fast: apply, get, ping
      assertFailsFast(() -> tier.apply(batch(99, 50)));
      assertFailsFast(() -> tier.get(1, 1));
      assertFailsFast(tier::ping);
      peer.publishInvalidations(new long[] {1}, new long[] {1}, 1); // never throws, never blocks

      server.start();
      long restarted = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!pings(tier) || !pings(peer)) {
        if (System.nanoTime() > deadline) {
          fail("the tier did not reconnect within 15 s of the restart");
        }
        Thread.sleep(50);
      }
      System.out.printf("redis tier: apply failed %.0f ms after Redis was killed mid-stream; reconnected %.0f ms after restart%n",
          failedAfterNanos / 1e6, (System.nanoTime() - restarted) / 1e6);
      // the same tier object works again
      tier.apply(batch(7, 100));
      assertThat(tier.get(7_000_000 + 5, 5)).isEqualTo(RedisTiers.value(5, 64));

      // and the pub/sub subscription came back with the connection
      long[] highs = {11, 12, 13};
      long[] lows = {0, 0, 0};
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (heardByPeer.size() < 3 && System.nanoTime() < deadline) {
        tier.publishInvalidations(highs, lows, 3);
        Thread.sleep(100);
      }
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

  private static void assertFailsFast(Runnable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOf(TierException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
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
