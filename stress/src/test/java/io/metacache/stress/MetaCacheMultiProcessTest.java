package io.metacache.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's multi-process proof at the {@code MetaCache} level: four JVMs on one cache directory
 * (the default shared memory tier, disk and SQLite) run mixed gets, puts, rewrites of the shared
 * files and invalidations of a file and profile, of a file and of a pattern, each appending what
 * it did to its own ledger; {@link Ledger} decides every read against the order the ledgers
 * record. See {@link MultiProcessRun} for the run and {@link LedgerWorker} for the order.
 */
class MetaCacheMultiProcessTest {
  static final int WORKERS = 4;
  static final int FILES = 16;

  static Path jvmOptions() {
    String options = System.getProperty("metacache.stress.jvm-options");
    Path file = options != null ? Path.of(options) : Path.of("..", "jvm.options");
    assertThat(file).as("jvm.options (metacache.stress.jvm-options)").exists();
    return file.toAbsolutePath();
  }

  @Test
  void fourProcessesOnOneDirectory_noStaleRead_noLostWrite_noResurrection() throws Exception {
    MultiProcessRun.Report report = MultiProcessRun.run(
        new MultiProcessRun.Settings(WORKERS, FILES, 150, 0, null, 20261207L, jvmOptions()));
    System.out.println(report.summary());
    assertThat(report.violations()).isEmpty();
  }

  @Test
  void oneProcessSigkilledAtRandomPoints_survivorsFinishWithinTheBound_theLedgerHolds_andTheNextOpenRecovers()
      throws Exception {
    MultiProcessRun.Report report = MultiProcessRun.run(
        new MultiProcessRun.Settings(WORKERS, FILES, 150, 3, null, 7_001L, jvmOptions()));
    System.out.println(report.summary());
    assertThat(report.killed()).isEqualTo(3);
    assertThat(report.violations()).isEmpty();
  }
}
