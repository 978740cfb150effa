package io.metacache.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A benchmark parameter outside what a benchmark accepts names itself, its value and what is accepted. */
class BenchmarkParametersTest {

  @Test
  void memoryTierGetRejectsAnUnknownMap() {
    MemoryTierGetBenchmark b = new MemoryTierGetBenchmark();
    b.entries = 10;
    b.expiry = "none";
    b.map = "caffeine";
    assertThatThrownBy(b::setUp).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("map: caffeine (accepted: tier, chronicle)");
  }

  @Test
  void policyReplayRejectsABatchThatDoesNotDivideItsReads() {
    PolicyReplayBenchmark b = new PolicyReplayBenchmark();
    b.entries = 10;
    b.policy = "lru";
    b.batch = 5;
    assertThatThrownBy(b::setUp).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch: 5 (accepted: a divisor of 64)");
  }

  @Test
  void policyReplayRejectsAnUnknownPolicy() {
    PolicyReplayBenchmark b = new PolicyReplayBenchmark();
    b.entries = 10;
    b.policy = "arc";
    b.batch = 16;
    assertThatThrownBy(b::setUp).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy: arc (accepted: none, lru, lfu, wtinylfu)");
  }
}
