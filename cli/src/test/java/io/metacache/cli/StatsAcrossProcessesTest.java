package io.metacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metacache stats} and {@code health} while another process holds a cache open on the
 * same directory: its live counters and its tiers appear, one row for it, this command's own cache
 * left out of the rows and the total; once it is SIGKILLed it is gone and its file removed.
 */
class StatsAcrossProcessesTest {
  static final int PUTS = 25;
  static final int MISSES = 5;

  @TempDir Path work;

  static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = MetacacheCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(status).as("%s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  @Test
  void statsShowsAnotherProcesssLiveCountersAndDropsItOnceKilled() throws Exception {
    Path cache = Files.createDirectories(work.resolve("cache"));
    Process child = startHolder(cache);
    try {
      String expected = "\"requests\":" + (2 * PUTS + MISSES) + ",\"hitsByTier\":{\"memory\":" + (2 * PUTS)
          + "},\"misses\":" + MISSES;
      String rowStart = "{\"pid\":" + child.pid() + ",\"label\":\"holder\"";
      String stats = "";
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); // hang guard
      while (System.nanoTime() < deadline) {
        stats = cli("stats", "--json", "--cache-dir", cache.toString());
        if (stats.contains(rowStart) && stats.contains(expected)) {
          break;
        }
        Thread.sleep(50); // the child publishes its figures every 100 ms
      }
      assertThat(stats).contains(rowStart);
      String row = stats.substring(stats.indexOf(rowStart));
      assertThat(row).contains(expected).contains("\"puts\":" + PUTS).contains("\"memoryEntries\":" + PUTS);
      assertThat(stats).as("one row: the holder; this command's own cache is not listed")
          .containsOnlyOnce("{\"pid\":").doesNotContain("{\"pid\":" + ProcessHandle.current().pid() + ",");
      assertThat(stats.substring(0, stats.indexOf("\"processes\"")))
          .as("the total, over the live processes").contains(expected);

      String health = cli("health", "--json", "--cache-dir", cache.toString());
      assertThat(health).contains("{\"pid\":" + child.pid() + ",\"self\":false,\"tier\":\"memory\",\"status\":\"UP\"")
          .contains("\"self\":true,\"tier\":\"disk\",\"status\":\"UP\"");

      String live = cli("stats", "--cache-dir", cache.toString());
      assertThat(live).contains("1 live process(es)")
          .containsPattern("(?m)^" + child.pid() + "\\s+" + (2 * PUTS + MISSES) + "\\s+90\\.9\\s+" + (2 * PUTS)
              + "\\s+0\\s+0\\s+" + MISSES + "\\s+" + PUTS + " .* holder$");

      child.destroyForcibly();
      assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
      String after = cli("stats", "--json", "--cache-dir", cache.toString());
      assertThat(after).contains("\"processes\":[]").contains("\"deadProcessesRemoved\":[" + child.pid() + "]")
          .contains("\"requests\":0,");
      String table = cli("stats", "--cache-dir", cache.toString());
      assertThat(table).contains("0 live process(es)").containsPattern("(?m)^total\\s+0 ");
    } finally {
      child.destroyForcibly();
    }
  }

  static Process startHolder(Path cache) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + jvmOptions());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CacheHolderMain.class.getName());
    command.add(cache.toString());
    command.add(String.valueOf(PUTS));
    command.add(String.valueOf(MISSES));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) { // blocks until READY or the child's exit
      output.add(line);
      if (line.equals("READY")) {
        Thread drain = new Thread(() -> {
          try {
            while (in.readLine() != null) {
              // keep the pipe from filling
            }
          } catch (java.io.IOException ignored) {
            // killed
          }
        });
        drain.setDaemon(true);
        drain.start();
        return child;
      }
    }
    throw new AssertionError("holder exited before READY: " + output);
  }

  private static Path jvmOptions() {
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.exists(at.resolve("jvm.options"))) {
        return at.resolve("jvm.options");
      }
    }
    throw new IllegalStateException("jvm.options not found above " + Path.of("").toAbsolutePath());
  }
}
