package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBehindFailureTest {
  private WriteBehindPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private WriteBehindPipeline.Builder fastFailing() {
    return WriteBehindPipeline.builder()
        .retryAttempts(2)
        .backoffBase(Duration.ofMillis(1))
        .backoffMax(Duration.ofMillis(2))
        .breakerWindow(4)
        .breakerFailureRate(50)
        .closeTimeout(Duration.ofMillis(200));
  }

  @Test
  void retriesWithExponentialBackoffThenSucceeds() {
    MapTier t = new MapTier("t");
    t.failNext.set(2);
    pipeline = WriteBehindPipeline.builder().tier(t)
        .retryAttempts(3)
        .backoffBase(Duration.ofMillis(20))
        .backoffMax(Duration.ofMillis(200))
        .breakerWindow(100)
        .build();
    pipeline.put(1, 1, bytes("v"), 0);
    pipeline.flush();
    assertThat(t.store).containsKey(new Key128(1, 1));
    assertThat(t.applyCalls.get()).isEqualTo(3);
    List<Long> at = t.attemptNanos;
    long first = at.get(1) - at.get(0);
    long second = at.get(2) - at.get(1);
    assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
    assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    TierWriteStats s = pipeline.stats().tier("t");
    assertThat(s.retries()).isEqualTo(2);
    assertThat(s.failures()).isEqualTo(2);
    assertThat(s.lastError()).contains("injected failure");
    assertThat(s.circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void breakerOpensOnAFailingTierWhileTheOthersKeepReceivingWrites() {
    MapTier down = new MapTier("down");
    down.failing = true;
    MapTier up = new MapTier("up");
    pipeline = fastFailing().tier(down).tier(up).breakerWait(Duration.ofSeconds(30)).build();
    for (int i = 0; i < 5; i++) {
      pipeline.put(1, i, bytes("v"), 0);
      pipeline.flush();
    }
    assertThat(pipeline.circuitState("down")).isEqualTo(CircuitState.OPEN);
    int callsWhenOpen = down.applyCalls.get();
    for (int i = 5; i < 50; i++) {
      pipeline.put(1, i, bytes("v"), 0);
    }
    pipeline.flush();
    assertThat(up.store).hasSize(50);
    assertThat(down.store).isEmpty();
    assertThat(down.applyCalls.get()).isEqualTo(callsWhenOpen);
    TierWriteStats s = pipeline.stats().tier("down");
    assertThat(s.parked()).isEqualTo(50);
    assertThat(s.backlog()).isEqualTo(50);
    assertThat(s.failures()).isGreaterThanOrEqualTo(4);
    assertThat(pipeline.stats().tier("up").circuitState()).isEqualTo(CircuitState.CLOSED);
    // Read-your-writes holds while the tier is down.
    assertThat(pipeline.pending(1, 49)).isNotNull();
  }

  @Test
  void aBoundedBacklogDropsTheOldestAndCountsExactlyWhatIsMissing() {
    MapTier down = new MapTier("down");
    down.failing = true;
    pipeline = fastFailing().tier(down).backlogBound(100).breakerWait(Duration.ofMillis(30)).build();
    for (int i = 0; i < 1000; i++) {
      pipeline.put(2, i, bytes("v" + i), 0);
    }
    pipeline.flush();
    down.failing = false;
    Await.until("the backlog drained", () -> pipeline.stats().tier("down").backlog() == 0);
    pipeline.flush();
    TierWriteStats s = pipeline.stats().tier("down");
    assertThat(s.drops()).isGreaterThanOrEqualTo(900);
    assertThat(down.store.size() + s.drops()).isEqualTo(1000);
    // The newest writes survive: the last one is never the one dropped.
    assertThat(down.store).containsKey(new Key128(2, 999));
    assertThat(pipeline.stats().pendingKeys()).isZero();
  }

  @Test
  void recoveryDrainsTheBacklogAndClosesTheCircuit() {
    MapTier down = new MapTier("down");
    down.failing = true;
    MapTier up = new MapTier("up");
    pipeline = fastFailing().tier(down).tier(up).breakerWait(Duration.ofMillis(30)).build();
    for (int i = 0; i < 300; i++) {
      pipeline.put(3, i, bytes("v"), 0);
      if (i % 50 == 0) {
        pipeline.flush();
      }
    }
    pipeline.delete(3, 0);
    pipeline.flush();
    assertThat(pipeline.stats().tier("down").parked()).isGreaterThan(0);
    down.failing = false;
    Await.until("the parked writes arrived", () -> down.store.size() == 299);
    Await.until("the circuit closed", () -> pipeline.circuitState("down") == CircuitState.CLOSED);
    pipeline.flush();
    assertThat(down.store).isEqualTo(up.store);
    assertThat(pipeline.stats().tier("down").drops()).isZero();
    assertThat(pipeline.stats().pendingKeys()).isZero();
  }

  @Test
  void aTierThatComesBackIsUsedAgainWithoutARestart() {
    MapTier down = new MapTier("down");
    down.failing = true;
    pipeline = fastFailing().tier(down).breakerWait(Duration.ofMillis(20)).build();
    for (int i = 0; i < 3; i++) {
      pipeline.put(4, i, bytes("v"), 0);
      pipeline.flush();
    }
    Await.until("the circuit opened", () -> pipeline.circuitState("down") != CircuitState.CLOSED);
    down.failing = false;
    Await.until("the circuit closed by itself", () -> pipeline.circuitState("down") == CircuitState.CLOSED);
    Await.until("the parked writes arrived", () -> down.store.size() == 3);
  }

  @Test
  void aTierThrowingSomethingElseThanTierExceptionDoesNotStopItsWorker() {
    MapTier t = new MapTier("t");
    t.throwNext = () -> new IllegalStateException("bug in a tier");
    pipeline = WriteBehindPipeline.builder().tier(t).retryAttempts(1).breakerWindow(100)
        .backoffBase(Duration.ZERO).build();
    pipeline.put(5, 1, bytes("v"), 0);
    pipeline.flush();
    assertThat(pipeline.stats().tier("t").lastError()).contains("IllegalStateException", "bug in a tier");
    // The parked write goes with the next batch.
    pipeline.put(5, 2, bytes("v"), 0);
    pipeline.flush();
    Await.until("both writes arrived", () -> t.store.size() == 2);
  }

  @Test
  void theRingsExceptionHandlerKeepsTheBatcherAliveAndReportsTheSkippedEvent() {
    MapTier t = new MapTier("t");
    WriteBehindPipeline.Builder b = WriteBehindPipeline.builder().tier(t);
    b.beforeEvent = sequence -> {
      if (sequence == 1) {
        throw new IllegalStateException("injected batcher failure");
      }
    };
    // The handler's report goes to the log (slf4j-simple writes to System.err, looked up per line).
    String log = capturingSystemErr(() -> {
      pipeline = b.build();
      pipeline.put(6, 0, bytes("v"), 0);
      pipeline.put(6, 1, bytes("lost"), 0);
      pipeline.put(6, 2, bytes("v"), 0);
      pipeline.flush();
      for (int i = 3; i < 10; i++) {
        pipeline.put(6, i, bytes("v"), 0);
      }
      pipeline.flush();
    });
    assertThat(t.store).hasSize(9).doesNotContainKey(new Key128(6, 1));
    assertThat(pipeline.pending(6, 1)).isNull();
    assertThat(log).as("the skipped event is reported with its sequence and cause")
        .contains("write-behind: event at sequence 1 failed in the batcher; skipped")
        .contains("injected batcher failure");
  }

  private static String capturingSystemErr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }
}
