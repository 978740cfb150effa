package io.metacache.counters;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.policy.PolicyKind;
import io.metacache.policy.ShadowHitRates;
import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import io.metacache.stats.CacheStats;
import io.metacache.stats.LatencySummary;
import io.metacache.writebehind.CircuitState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing and reading counters inside one JVM: what is published, when nothing is, and what is read back. */
class ProcessStatsReaderTest {
  @TempDir Path dir;

  private static MetaCache cache(Path dir, Function<String, String> properties, Tier... tiers) {
    MetaCache.Builder b = MetaCache.builder().config(CacheConfig.builder().cacheDirectory(dir).build())
        .memoryOnly().properties(properties);
    for (Tier t : tiers) {
      b.tier(t);
    }
    return b.build();
  }

  @Test
  void publishedFiguresReadBackEqualToTheFiguresGiven() throws IOException {
    CacheStats stats = new CacheStats(123, orderedHits(), 20, 7, 3, 2, 5, 1, 4096,
        new LatencySummary(103, 1_000, 2_000, 9_000, 12_000, 50_000, 1234.5678),
        new LatencySummary(7, 3_000, 4_000, 5_000, 6_000, 70_000, Math.PI));
    String longError = "java.io.IOException: " + "é".repeat(400); // two bytes a character: past the label budget
    ProcessFigures figures = new ProcessFigures(stats, 42, 1 << 20, 9, 250, 1, List.of(
        new TierState("memory", TierHealth.Status.UP, CircuitState.CLOSED, null, 0, 800, 0, 0, 0, 0),
        new TierState("disk", TierHealth.Status.DEGRADED, CircuitState.HALF_OPEN, "disk full", 1_700_000_000_000L,
            90_000, 5, 2, 3, 0),
        new TierState("sqlite", TierHealth.Status.DOWN, CircuitState.OPEN, longError, 1_700_000_000_123L,
            0, 8, 13, 21, 34)),
        new ShadowHitRates(64, 1_000, 70_000, Map.of(PolicyKind.LRU, 400L, PolicyKind.LFU, 500L,
            PolicyKind.WTINYLFU, 600L)));
    try (CountersWriter w = CountersWriter.create(CountersFileDescriptor.directory(dir), 4242, 77, 1000, "label ü",
        100, List.of("memory", "disk", "sqlite"), figures, 5000)) {
      ProcessRow row = ProcessStatsReader.of(dir).read().live().get(0);
      assertThat(row.pid()).isEqualTo(4242);
      assertThat(row.instanceId()).isEqualTo(77);
      assertThat(row.label()).isEqualTo("label ü");
      assertThat(row.startedAtMillis()).isEqualTo(1000);
      assertThat(row.heartbeatAtMillis()).isEqualTo(5000);
      assertThat(row.publications()).isEqualTo(1);
      assertThat(row.self()).isTrue();
      assertThat(row.figures().cache()).isEqualTo(stats);
      assertThat(row.figures().tiers().subList(0, 2)).isEqualTo(figures.tiers().subList(0, 2));
      TierState sqlite = row.figures().tier("sqlite");
      assertThat(longError).startsWith(sqlite.lastError());
      assertThat(sqlite.lastError().length()).isGreaterThan(100);
      assertThat(new TierState("sqlite", sqlite.status(), sqlite.circuit(), longError, sqlite.lastErrorAtMillis(),
          sqlite.readP99Nanos(), sqlite.writeBacklog(), sqlite.writeFailures(), sqlite.writeRetries(),
          sqlite.writeDrops())).isEqualTo(figures.tier("sqlite"));
      assertThat(row.figures()).isEqualTo(new ProcessFigures(stats, 42, 1 << 20, 9, 250, 1, row.figures().tiers(),
          figures.shadow()));
    }
  }

  private static Map<String, Long> orderedHits() {
    Map<String, Long> hits = new java.util.LinkedHashMap<>();
    hits.put("memory", 80L);
    hits.put("disk", 15L);
    hits.put("sqlite", 8L);
    return hits;
  }

  @Test
  void aCachesOwnRowShowsItsStatsAndATierThatFailsItsProbeAsDown() throws Exception {
    FailingTier failing = new FailingTier();
    Map<String, String> settings = Map.of(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, "20ms",
        io.metacache.writebehind.WriteBehindPipeline.Builder.CLOSE_TIMEOUT, "100ms"); // writes to it can never drain
    try (MetaCache cache = cache(dir, settings::get, failing)) {
      Path f = Files.writeString(dir.resolve("a.txt"), "a");
      cache.put(f, "basic", Map.of("k", "v"));
      cache.get(f, "basic");
      ProcessRow row = awaitSelfRow(cache, r -> r.figures().tier("remote").status() == TierHealth.Status.DOWN
          && r.figures().cache().requests() == 1);
      assertThat(row.figures().cache().hits("memory")).isEqualTo(1);
      assertThat(row.figures().cache().puts()).isEqualTo(1);
      assertThat(row.figures().tier("remote").lastError()).contains("remote unreachable");
      assertThat(row.figures().tier("memory").status()).isEqualTo(TierHealth.Status.UP);
      assertThat(row.pid()).isEqualTo(ProcessHandle.current().pid());
    }
    assertThat(ProcessStatsReader.of(dir).read().live()).isEmpty();
  }

  private ProcessRow awaitSelfRow(MetaCache cache, java.util.function.Predicate<ProcessRow> until)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // hang guard
    ProcessRow last = null;
    while (System.nanoTime() < deadline) {
      List<ProcessRow> live = ProcessStatsReader.of(dir).read().live();
      assertThat(live).hasSize(1);
      last = live.get(0);
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(10); // waiting for the publisher's next interval
    }
    throw new AssertionError("the row never reached the expected state; last: " + last);
  }

  @Test
  void sharedStatsFalsePublishesNothing() {
    try (MetaCache cache = cache(dir, name -> name.equals(MetaCache.SHARED_STATS_PROPERTY) ? "false" : null)) {
      assertThat(cache.stats().requests()).isZero();
      assertThat(CountersFileDescriptor.directory(dir)).doesNotExist();
    }
  }

  @Test
  void aCacheDirectoryNobodyCreatedGetsNoCountersFolder() {
    Path absent = dir.resolve("absent");
    try (MetaCache cache = cache(absent, name -> null)) {
      assertThat(cache.stats().requests()).isZero();
      assertThat(absent).doesNotExist();
    }
  }

  @Test
  void aCountersFolderThatCannotBeCreatedLeavesTheCacheWorking() throws IOException {
    Files.writeString(CountersFileDescriptor.directory(dir), "a file where the folder should be");
    try (MetaCache cache = cache(dir, name -> null)) {
      Path f = Files.writeString(dir.resolve("b.txt"), "b");
      cache.put(f, "basic", Map.of("k", 1L));
      assertThat(cache.get(f, "basic")).isPresent();
    }
    assertThat(ProcessStatsReader.of(dir).read().live()).isEmpty();
  }

  @Test
  void aBadSharedStatsValueIsRefusedWithItsName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cache(dir, name -> name.equals(MetaCache.SHARED_STATS_INTERVAL_PROPERTY) ? "0ms" : null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(MetaCache.SHARED_STATS_INTERVAL_PROPERTY);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cache(dir, name -> name.equals(MetaCache.SHARED_STATS_PROPERTY) ? "maybe" : null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(MetaCache.SHARED_STATS_PROPERTY);
  }

  @Test
  void twoCachesOfOneJvmAreTwoRowsAndTheTotalAddsThem() throws IOException, InterruptedException {
    try (MetaCache a = cache(dir, name -> null); MetaCache b = cache(dir, name -> null)) {
      Path f = Files.writeString(dir.resolve("c.txt"), "c");
      a.put(f, "basic", Map.of("k", 1L));
      b.put(f, "basic", Map.of("k", 2L));
      b.put(f, "basic", Map.of("k", 3L));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // hang guard
      ProcessTable table = ProcessStatsReader.of(dir).read();
      while (ProcessTable.total(table.live()).cache().puts() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10); // waiting for the publishers' next interval
        table = ProcessStatsReader.of(dir).read();
      }
      assertThat(table.live()).hasSize(2).allMatch(ProcessRow::self);
      assertThat(table.live()).extracting(r -> r.figures().cache().puts()).containsExactlyInAnyOrder(1L, 2L);
      assertThat(ProcessTable.total(table.live()).cache().puts()).isEqualTo(3);
      assertThat(table.others()).isEmpty();
    }
  }

  /** A lower tier whose every call fails, as an unreachable server would. */
  static final class FailingTier implements Tier {
    @Override public String name() { return "remote"; }
    @Override public byte[] get(long keyHigh, long keyLow) { throw new TierException("remote", "remote unreachable"); }
    @Override public void apply(List<TierOperation> batch) { throw new TierException("remote", "remote unreachable"); }
    @Override public long removeExpired(long nowMillis) { return 0; }
    @Override public void clear() { }
    @Override public void ping() { throw new TierException("remote", "remote unreachable"); }
    @Override public long size() { return 0; }
    @Override public void close() { }
  }
}
