package io.metacache.writebehind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteBehindBuilderTest {

  @Test
  void everySetterNamesThePropertyTheValueAndTheRange() {
    WriteBehindPipeline.Builder b = WriteBehindPipeline.builder();
    assertThatThrownBy(() -> b.ringSize(1000))
        .hasMessageContaining("metacache.writebehind.ring-size").hasMessageContaining("1000")
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> b.ringSize(4)).hasMessageContaining("ring-size");
    assertThatThrownBy(() -> b.batchSize(0))
        .hasMessageContaining("metacache.writebehind.batch-size").hasMessageContaining("'0'")
        .hasMessageContaining("1 to 65536");
    assertThatThrownBy(() -> b.fullPolicy(null)).hasMessageContaining("metacache.writebehind.full-policy");
    assertThatThrownBy(() -> b.retryAttempts(0)).hasMessageContaining("metacache.writebehind.retry.attempts");
    assertThatThrownBy(() -> b.backoffBase(Duration.ofMillis(-1)))
        .hasMessageContaining("metacache.writebehind.retry.backoff-base").hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> b.backoffMax(Duration.ofHours(1)))
        .hasMessageContaining("metacache.writebehind.retry.backoff-max");
    assertThatThrownBy(() -> b.breakerFailureRate(0))
        .hasMessageContaining("metacache.writebehind.breaker.failure-rate").hasMessageContaining("at most 100");
    assertThatThrownBy(() -> b.breakerFailureRate(101)).hasMessageContaining("101");
    assertThatThrownBy(() -> b.breakerWait(Duration.ZERO)).hasMessageContaining("metacache.writebehind.breaker.wait");
    assertThatThrownBy(() -> b.breakerWindow(0)).hasMessageContaining("metacache.writebehind.breaker.window");
    assertThatThrownBy(() -> b.backlogBound(0)).hasMessageContaining("metacache.writebehind.backlog.max-entries");
    assertThatThrownBy(() -> b.closeTimeout(Duration.ofDays(2))).hasMessageContaining("metacache.writebehind.close-timeout");
    assertThatThrownBy(() -> b.nice(20)).hasMessageContaining("metacache.writebehind.nice").hasMessageContaining("20");
    assertThatThrownBy(() -> b.set("metacache.writebehind.nice", "lazy"))
        .hasMessageContaining("metacache.writebehind.nice").hasMessageContaining("lazy").hasMessageContaining("idle");
    b.set("metacache.writebehind.nice", "IDLE");
    b.set("metacache.writebehind.nice", "12");
    assertThatThrownBy(() -> b.linger(Duration.ofSeconds(2)))
        .hasMessageContaining("metacache.writebehind.linger").hasMessageContaining("PT1S");
  }

  @Test
  void buildRefusesConflicts() {
    assertThatThrownBy(() -> WriteBehindPipeline.builder().build()).hasMessageContaining("at least one tier");
    assertThatThrownBy(() -> WriteBehindPipeline.builder().tier(new MapTier("x")).tier(new MapTier("x")).build())
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> WriteBehindPipeline.builder().tier(new MapTier("x"))
        .backoffBase(Duration.ofSeconds(1)).backoffMax(Duration.ofMillis(10)).build())
        .hasMessageContaining("metacache.writebehind.retry.backoff-max").hasMessageContaining("backoff-base");
  }

  @Test
  void propertiesAreAppliedByName() {
    WriteBehindPipeline.Builder b = WriteBehindPipeline.builder().tier(new MapTier("t"));
    b.set(WriteBehindPipeline.Builder.RING_SIZE, "64")
        .set(WriteBehindPipeline.Builder.BATCH_SIZE, "16")
        .set(WriteBehindPipeline.Builder.FULL_POLICY, "write-through")
        .set(WriteBehindPipeline.Builder.RETRY_ATTEMPTS, "5")
        .set(WriteBehindPipeline.Builder.BACKOFF_BASE, "10ms")
        .set(WriteBehindPipeline.Builder.BACKOFF_MAX, "1s")
        .set(WriteBehindPipeline.Builder.BREAKER_FAILURE_RATE, "25")
        .set(WriteBehindPipeline.Builder.BREAKER_WAIT, "2s")
        .set(WriteBehindPipeline.Builder.BREAKER_WINDOW, "20")
        .set(WriteBehindPipeline.Builder.BACKLOG_MAX, "1000")
        .set(WriteBehindPipeline.Builder.CLOSE_TIMEOUT, "5s")
        .set(WriteBehindPipeline.Builder.LINGER, "2ms")
        .set(WriteBehindPipeline.Builder.NICE, "5");
    assertThatThrownBy(() -> b.set(WriteBehindPipeline.Builder.FULL_POLICY, "spin"))
        .hasMessageContaining("block, drop or write-through");
    assertThatThrownBy(() -> b.set("metacache.writebehind.nope", "1")).hasMessageContaining("nope");
    WriteBehindPipeline p = b.build();
    assertThat(p.put(1, 1, new byte[] {1}, 0)).isTrue();
    assertThat(p.close().complete()).isTrue();
  }

  @Test
  void writesAreValidatedOnTheCallersThread() {
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(new MapTier("t")).build();
    try {
      assertThatThrownBy(() -> p.put(1, 1, null, 0)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> p.put(1, 1, new byte[0], -1)).hasMessageContaining("expiresAtMillis");
    } finally {
      p.close();
    }
  }
}
