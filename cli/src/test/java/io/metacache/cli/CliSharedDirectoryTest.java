package io.metacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on one cache directory from several processes at once, as build tools run it: two scans
 * into one directory at once both succeed; {@code query}, {@code stats} and {@code health} while a
 * scan runs succeed, and {@code stats} shows the scanning process's live counters; a scan in a new
 * process afterwards re-extracts nothing (the shared memory tier and stat records start it warm).
 * Scans run as real child JVMs ({@link MetacacheCommand#main}).
 */
class CliSharedDirectoryTest {
  @TempDir Path work;

  /** A tree of {@code files} small Python sources, each with its own function name. */
  static Path tree(Path root, int files) throws IOException {
    for (int i = 0; i < files; i++) {
      Path file = root.resolve("pkg" + (i % 50)).resolve("mod" + i + ".py");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "\"\"\"Module " + i + ".\"\"\"\n\ndef function_" + i + "(x):\n    return x + " + i + "\n");
    }
    return root;
  }

  @Test
  void twoScansAtOnceBothSucceedAndANewProcessReExtractsNothing() throws Exception {
    Path src = tree(work.resolve("src"), 400);
    Path cache = work.resolve("cache");
    Process a = scan(src, cache);
    Process b = scan(src, cache);
    String outA = finish(a);
    String outB = finish(b);
    assertThat(a.exitValue()).as(outA).isZero();
    assertThat(b.exitValue()).as(outB).isZero();
    assertThat(outA).contains("scanned 400 files");
    assertThat(outB).contains("scanned 400 files");
    // between them every file was extracted at least once; a third process finds all of it
    Process c = scan(src, cache);
    String outC = finish(c);
    assertThat(c.exitValue()).as(outC).isZero();
    assertThat(outC).contains("400 hits, 0 extracted");
  }

  @Test
  void queryStatsAndHealthDuringAScanSucceedAndStatsShowsTheScanner() throws Exception {
    Path cache = work.resolve("cache");
    // A scan long enough to be caught running; on a machine fast enough to finish first, a larger tree.
    for (int files = 5_000; ; files *= 2) {
      Path src = tree(work.resolve("src-" + files), files);
      Process scanner = scan(src, cache);
      try {
        String statsRow = "{\"pid\":" + scanner.pid() + ",";
        String stats = "";
        while (scanner.isAlive() && !(stats.contains(statsRow) && requestsOf(stats, scanner.pid()) > 0)) {
          CliEndToEndTest.Run s = CliEndToEndTest.cli("stats", "--json", "--cache-dir", cache.toString());
          assertThat(s.status()).as(s.err()).isZero();
          stats = s.out();
          Thread.sleep(20); // the scanner publishes its counters every 100 ms
        }
        CliEndToEndTest.Run query = CliEndToEndTest.cli("query", "--language", "python", "--limit", "5", "--cache-dir", cache.toString());
        CliEndToEndTest.Run health = CliEndToEndTest.cli("health", "--json", "--cache-dir", cache.toString());
        boolean during = scanner.isAlive();
        if (!during && files < 80_000) {
          finish(scanner);
          continue; // it finished before we were done: try a larger tree
        }
        assertThat(during).as("the scan was still running while query, stats and health ran").isTrue();
        assertThat(query.status()).as(query.err()).isZero();
        assertThat(health.status()).as(health.err() + health.out()).isIn(0, 2);
        assertThat(health.out()).contains("{\"pid\":" + scanner.pid() + ",\"self\":false,\"tier\":\"memory\"");
        assertThat(requestsOf(stats, scanner.pid())).as("the scanner's live request count").isPositive();
        String out = finish(scanner);
        assertThat(scanner.exitValue()).as(out).isZero();
        return;
      } finally {
        scanner.destroyForcibly();
      }
    }
  }

  private static long requestsOf(String statsJson, long pid) {
    int at = statsJson.indexOf("{\"pid\":" + pid + ",");
    if (at < 0) {
      return -1;
    }
    Matcher m = Pattern.compile("\"requests\":(\\d+)").matcher(statsJson.substring(at));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static Process scan(Path src, Path cache) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + jvmOptions());
    command.add("-Xmx512m");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MetacacheCommand.class.getName());
    command.add("scan");
    command.add(src.toString());
    command.add("--profile");
    command.add("full");
    command.add("--no-progress");
    command.add("--cache-dir");
    command.add(cache.toString());
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for the process (a 10-minute hang guard) and returns its output. */
  private static String finish(Process p) throws Exception {
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("exits").isTrue();
    return new String(out, StandardCharsets.UTF_8);
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
