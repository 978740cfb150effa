package io.metacache.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The soak's multi-process mode: {@link MultiProcessRun} for {@code metacache.stress.multiprocess-soak-seconds}
 * (a short smoke in CI, 10 minutes under the {@code stress} profile), four JVMs on one cache
 * directory, a worker SIGKILLed at a random point and replaced again and again, the ledgers checked.
 */
class MultiProcessSoakTest {

  @Test
  void workersSigkilledAndRestartedForTheWholeSoak_theLedgerHolds_andSurvivorsNeverBlockPastTheBound()
      throws Exception {
    long seconds = Long.getLong("metacache.stress.multiprocess-soak-seconds", 10);
    MultiProcessRun.Report report = MultiProcessRun.run(new MultiProcessRun.Settings(
        4, 24, 0, Integer.MAX_VALUE, Duration.ofSeconds(seconds), System.nanoTime(),
        MetaCacheMultiProcessTest.jvmOptions()));
    System.out.println(report.summary());
    assertThat(report.killed()).as("workers SIGKILLed").isPositive();
    assertThat(report.violations()).isEmpty();
  }
}
