package io.metacache.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The soak in short form: {@code metacache.stress.soak-seconds} (75 s in CI, 30 minutes under the
 * {@code stress} profile) against memory, a real Redis, disk and SQLite with faults injected.
 */
class SoakTest {

  @Test
  void properties4and5_mixedWorkloadUnderRedisDiskAndSqliteFaultsKeepsEveryTierInStepWithTheLedger() throws Exception {
    long seconds = Long.getLong("metacache.stress.soak-seconds", 75);
    Path results = Path.of(System.getProperty("metacache.stress.results", "target/stress-results"));
    Soak.Report report = Soak.run(Soak.Settings.of(seconds, results.resolve("soak-summary.txt")));
    System.out.println(report.summary());
    assertThat(report.violations()).isEmpty();
    assertThat(report.passed()).isTrue();
  }
}
