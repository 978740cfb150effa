package io.metacache.counters;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.TierHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters of a cache in another JVM, read live through {@link ProcessStatsReader}: exactly the
 * figures that process reports, and gone from the live rows the moment it is SIGKILLed (its lock
 * dies with it), after which its file is reaped.
 */
class ProcessCountersAcrossProcessesTest {
  static final int PUTS = 37;
  static final int MISSES = 11;

  @TempDir Path dir;

  @Test
  void aLiveChildsCountersAreItsOwnFiguresAndASigkilledChildIsDeadAtOnce() throws Exception {
    try (ChildJvm child = ChildJvm.start(CacheHolderMain.class, dir.toString(), String.valueOf(PUTS),
        String.valueOf(MISSES))) {
      String reported = child.awaitLine("STATS ").substring("STATS ".length());
      child.awaitLine("READY");
      ProcessStatsReader reader = ProcessStatsReader.of(dir);

      // A publication that began after READY carries the final figures: wait for two more to complete.
      long seen = awaitRow(reader, child.pid()).publications();
      ProcessRow row = awaitRow(reader, child.pid());
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); // hang guard
      while (row.publications() < seen + 2 && System.nanoTime() < deadline) {
        Thread.sleep(20); // waiting on another process's publisher
        row = awaitRow(reader, child.pid());
      }
      assertThat(row.publications()).isGreaterThanOrEqualTo(seen + 2);

      assertThat(row.figures().cache().toString()).isEqualTo(reported);
      assertThat(row.figures().cache().puts()).isEqualTo(PUTS);
      assertThat(row.figures().cache().requests()).isEqualTo(2L * PUTS + MISSES);
      assertThat(row.figures().cache().hits("memory")).isEqualTo(2L * PUTS);
      assertThat(row.figures().cache().misses()).isEqualTo(MISSES);
      assertThat(row.figures().memoryEntries()).isEqualTo(PUTS);
      assertThat(row.figures().tiers()).extracting(TierState::tier, TierState::status)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("memory", TierHealth.Status.UP));
      assertThat(row.label()).isEqualTo("cache-holder " + PUTS);
      assertThat(row.self()).isFalse();
      assertThat(row.file()).exists();
      assertThat(ProcessTable.total(reader.read().live()).cache().requests()).isEqualTo(2L * PUTS + MISSES);

      child.kill();
      ProcessTable afterKill = reader.read();
      assertThat(afterKill.live()).extracting(ProcessRow::pid).doesNotContain(child.pid());
      assertThat(afterKill.dead()).extracting(ProcessRow::pid).containsExactly(child.pid());
      assertThat(afterKill.dead().get(0).figures().cache().toString()).isEqualTo(reported);
      assertThat(row.file()).doesNotExist();
      ProcessTable later = reader.read();
      assertThat(later.live()).isEmpty();
      assertThat(later.dead()).isEmpty();
    }
  }

  @Test
  void aSigkilledChildsFileIsReapedByTheNextCacheToOpenTheDirectory() throws Exception {
    Path file;
    try (ChildJvm child = ChildJvm.start(CacheHolderMain.class, dir.toString(), "3", "1")) {
      child.awaitLine("READY");
      file = awaitRow(ProcessStatsReader.of(dir), child.pid()).file();
      child.kill();
    }
    assertThat(file).exists(); // nobody has looked yet
    try (io.metacache.MetaCache cache = io.metacache.MetaCache.builder()
        .config(io.metacache.CacheConfig.builder().cacheDirectory(dir).build()).memoryOnly()
        .properties(name -> null).build()) {
      assertThat(file).doesNotExist();
      List<ProcessRow> live = ProcessStatsReader.of(dir).read().live();
      assertThat(live).extracting(ProcessRow::pid).containsExactly(ProcessHandle.current().pid());
      assertThat(live.get(0).self()).isTrue();
    }
    try (var files = Files.list(CountersFileDescriptor.directory(dir))) {
      assertThat(files).as("a closed cache removes its own file").isEmpty();
    }
  }

  /** The live row of {@code pid}; fails if it never appears (hang guard). */
  static ProcessRow awaitRow(ProcessStatsReader reader, long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      for (ProcessRow r : reader.read().live()) {
        if (r.pid() == pid) {
          return r;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no live row for pid " + pid + " from " + reader);
      }
      Thread.sleep(20); // the child publishes its file after READY at the latest
    }
  }
}
