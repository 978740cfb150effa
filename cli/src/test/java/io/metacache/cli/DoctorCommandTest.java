package io.metacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metacache doctor}: on a directory nobody else uses it judges its own cache and finds
 * nothing wrong; with another process live it judges that process's published figures over the
 * window, raises the memory alert once the process holds close to the bound, and exits 2.
 */
class DoctorCommandTest {
  @TempDir Path work;

  private static int run(StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    int status = MetacacheCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(err.toString()).as("stderr of %s", String.join(" ", args)).doesNotContain("Exception");
    return status;
  }

  @Test
  void aDirectoryNobodyUsesIsJudgedOnThisProcesssOwnCacheAndIsHealthy() throws Exception {
    Path cache = Files.createDirectories(work.resolve("cache"));
    StringWriter out = new StringWriter();
    int status = run(out, "doctor", "--cache-dir", cache.toString());
    assertThat(out.toString()).startsWith("metacache doctor: this process: no other process uses")
        .contains("No alerts");
    assertThat(status).isZero();
  }

  @Test
  void aBadWindowIsOneLineNamingTheOptionAndTheValue() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = MetacacheCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), "doctor", "--window",
        "soon", "--cache-dir", Files.createDirectories(work.resolve("cache")).toString());
    assertThat(status).isNotZero();
    assertThat(err.toString().strip()).startsWith("metacache: ").contains("--window").contains("'soon'")
        .doesNotContain("\n\tat ");
  }

  @Test
  void anotherProcessNearTheMemoryBoundRaisesTheAlertAndExits2() throws Exception {
    Path cache = Files.createDirectories(work.resolve("cache"));
    Process child = StatsAcrossProcessesTest.startHolder(cache); // holds 25 entries
    String previous = System.getProperty(CacheConfig.MEMORY_MAX_ENTRIES);
    try {
      StringWriter healthy = new StringWriter();
      assertThat(run(healthy, "doctor", "--json", "--window", "200ms", "--cache-dir", cache.toString()))
          .as(healthy.toString()).isZero();
      assertThat(healthy.toString()).contains("\"scope\":\"1 live process(es) using ").contains("\"healthy\":true")
          .contains("\"alerts\":[]");

      System.setProperty(CacheConfig.MEMORY_MAX_ENTRIES, "26"); // 25 of 26: above the 90% alert
      StringWriter full = new StringWriter();
      int status = run(full, "doctor", "--json", "--window", "200ms", "--cache-dir", cache.toString());
      assertThat(full.toString()).contains("\"healthy\":false")
          .contains("\"kind\":\"MEMORY_NEAR_BOUND\"").contains("the memory tier holds 25 of its 26 entries");
      assertThat(status).isEqualTo(2);
    } finally {
      if (previous == null) {
        System.clearProperty(CacheConfig.MEMORY_MAX_ENTRIES);
      } else {
        System.setProperty(CacheConfig.MEMORY_MAX_ENTRIES, previous);
      }
      child.destroyForcibly();
      child.waitFor(1, TimeUnit.MINUTES);
    }
  }
}
