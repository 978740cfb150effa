package io.metacache.stress;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.MetaCache;
import io.metacache.stats.CacheStats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property 5 across a crash: a child JVM putting entries into a cache with a persisted memory
 * tier, disk and SQLite is killed with SIGKILL mid-write; a new cache on the same directory and
 * memory file reads back every entry the child reported flushed, and never returns a corrupt one.
 */
class CrashRecoveryTest {
  static final int FLUSHED_BEFORE_KILL = 600;

  @TempDir Path dir;

  @Test
  void property5_errorRecovery_everythingFlushedBeforeSigkillIsReadableAndNothingCorruptIsReturned() throws Exception {
    Path cacheDir = dir.resolve("cache");
    Path filesDir = dir.resolve("files");
    int flushed = runChildUntilFlushedThenKill(cacheDir, filesDir);
    assertThat(flushed).isGreaterThanOrEqualTo(FLUSHED_BEFORE_KILL);

    int found = 0;
    int beyond = 0;
    try (MetaCache cache = MetaCache.builder().config(CrashWriter.config(cacheDir)).properties(name -> null).build()) {
      for (int i = 0; ; i++) {
        Path file = CrashWriter.file(filesDir, i);
        if (!Files.exists(file)) {
          break;
        }
        Optional<Map<String, Object>> back = cache.get(file, CrashWriter.PROFILE);
        if (i < flushed) {
          assertThat(back).as("entry %d was reported flushed before the kill", i)
              .contains(CrashWriter.metadata(i));
          found++;
        } else if (back.isPresent()) {
          assertThat(back.get()).as("entry %d, written after the last flush, is whole if present", i)
              .isEqualTo(CrashWriter.metadata(i));
          beyond++;
        }
      }
      CacheStats stats = cache.stats();
      System.out.printf("crash test: %d flushed entries read back, %d later ones survived, %d corrupt entries"
          + " detected and dropped, hits by tier %s%n", found, beyond, stats.corruptions(), stats.hitsByTier());
    }
    assertThat(found).isEqualTo(flushed);
  }

  /** Starts the writer, waits for its report of enough flushed entries, kills it; the count reported. */
  private int runChildUntilFlushedThenKill(Path cacheDir, Path filesDir) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String options = System.getProperty("metacache.stress.jvm-options");
    if (options != null) {
      command.add("@" + options);
    }
    command.addAll(List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
        cacheDir.toString(), filesDir.toString()));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    int flushed = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String line;
      while (flushed < FLUSHED_BEFORE_KILL && System.nanoTime() < deadline && (line = out.readLine()) != null) {
        if (line.startsWith("FLUSHED ")) {
          flushed = Integer.parseInt(line.substring(8).trim());
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, segment locks left held
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    return flushed;
  }
}
