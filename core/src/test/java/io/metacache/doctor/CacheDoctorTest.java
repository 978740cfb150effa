package io.metacache.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.CacheConfig;
import io.metacache.TierHealth;
import io.metacache.counters.ProcessFigures;
import io.metacache.counters.TierState;
import io.metacache.policy.PolicyKind;
import io.metacache.policy.ShadowHitRates;
import io.metacache.stats.CacheStats;
import io.metacache.stats.LatencySummary;
import io.metacache.writebehind.CircuitState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each alert fires on its threshold and not below it; each piece of advice names its property and figures. */
class CacheDoctorTest {
  private static final CacheBounds BOUNDS = new CacheBounds(1_000, 1L << 20, true, 1024, PolicyKind.WTINYLFU);
  private static final CacheDoctor DOCTOR = new CacheDoctor(BOUNDS, DoctorThresholds.DEFAULTS);
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  /** A figures builder: counters, memory use, pipeline and tiers, each defaulting to a quiet, healthy cache. */
  private static final class Figures {
    long memoryHits;
    long diskHits;
    long misses;
    long puts;
    long evictions;
    long invalidations;
    long corruptions;
    long saved;
    long entries = 10;
    long bytes = 10_000;
    long depth;
    long lag;
    TierHealth.Status diskStatus = TierHealth.Status.UP;
    String diskError;
    long diskP99 = 50_000;
    long diskFailures;

    ProcessFigures build() {
      Map<String, Long> hits = new LinkedHashMap<>();
      hits.put("memory", memoryHits);
      hits.put("disk", diskHits);
      CacheStats stats = new CacheStats(memoryHits + diskHits + misses, hits, misses, puts, evictions, 0,
          invalidations, corruptions, saved, LatencySummary.EMPTY, LatencySummary.EMPTY);
      List<TierState> tiers = List.of(
          new TierState("memory", TierHealth.Status.UP, CircuitState.CLOSED, null, 0, 1_000, 0, 0, 0, 0),
          new TierState("disk", diskStatus, CircuitState.CLOSED, diskError, diskError == null ? 0 : 1, diskP99,
              depth, diskFailures, 0, 0));
      return new ProcessFigures(stats, entries, bytes, depth, lag, 0, tiers);
    }
  }

  @Test
  void aQuietHealthyCacheHasNoAlertsAndNoAdvice() {
    Figures f = new Figures();
    f.memoryHits = 500;
    f.misses = 50;
    ProcessFigures earlier = f.build();
    f.memoryHits = 1_000;
    f.misses = 100;
    Diagnosis d = DOCTOR.examine(earlier, f.build(), TEN_SECONDS);
    assertThat(d.alerts()).isEmpty();
    assertThat(d.advice()).isEmpty();
    assertThat(d.healthy()).isTrue();
    assertThat(d.toText()).startsWith("No alerts over the last 10.0 s");
  }

  @Test
  void aDownTierIsCriticalWithItsReasonAndADegradedOneAWarning() {
    Figures f = new Figures();
    f.diskStatus = TierHealth.Status.DOWN;
    f.diskError = "disk full";
    Diagnosis down = DOCTOR.examine(f.build());
    assertThat(down.critical()).isTrue();
    assertThat(down.alerts(AlertKind.TIER_UNHEALTHY)).singleElement()
        .satisfies(a -> assertThat(a.message()).isEqualTo("tier disk is DOWN: disk full"));
    f.diskStatus = TierHealth.Status.DEGRADED;
    Diagnosis degraded = DOCTOR.examine(f.build());
    assertThat(degraded.alerts(AlertKind.TIER_UNHEALTHY)).singleElement()
        .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));
  }

  @Test
  void memoryUseAlertsAtTheThresholdOfEitherBound() {
    Figures f = new Figures();
    f.entries = 899;
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.MEMORY_NEAR_BOUND)).isEmpty();
    f.entries = 900;
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.MEMORY_NEAR_BOUND)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("900 of its 1,000 entries"));
    f.entries = 10;
    f.bytes = (long) (0.95 * (1 << 20));
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.MEMORY_NEAR_BOUND)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("of its 1.0 MiB"));
  }

  @Test
  void aFullTierWhoseEvictionsComeBackGetsAdviceToRaiseTheBoundItIsNear() {
    Figures f = new Figures();
    f.entries = 1_000;
    f.memoryHits = 1_000;
    ProcessFigures earlier = f.build();
    f.evictions = 400;
    f.diskHits = 350;
    f.memoryHits = 2_000;
    Diagnosis d = DOCTOR.examine(earlier, f.build(), TEN_SECONDS);
    assertThat(d.advice()).singleElement().satisfies(a -> {
      assertThat(a.code()).isEqualTo("RAISE_MEMORY_MAX_ENTRIES");
      assertThat(a.property()).isEqualTo(CacheConfig.MEMORY_MAX_ENTRIES);
      assertThat(a.text()).contains("from 1,000 to 2,000");
      assertThat(a.evidence()).contains("400 evictions").contains("350 hits");
    });
    // full, but nothing evicted comes back: no advice
    f.diskHits = 0;
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).advice()).isEmpty();
  }

  @Test
  void churnAlertsAboveItsRatePerSecond() {
    Figures f = new Figures();
    ProcessFigures earlier = f.build();
    f.evictions = 6_000;
    f.invalidations = 4_000; // 1,000/s over 10 s: at the bound, not above
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).alerts(AlertKind.CHURN)).isEmpty();
    f.invalidations = 4_011;
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).alerts(AlertKind.CHURN)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("6,000 evicted, 4,011 invalidated"));
  }

  @Test
  void aHitRatioDropAlertsOnlyWithEnoughRequestsOnBothSides() {
    Figures f = new Figures();
    f.memoryHits = 900;
    f.misses = 100; // 90% before
    ProcessFigures earlier = f.build();
    f.memoryHits = 950;
    f.misses = 250; // window: 50 hits of 200 = 25%
    Diagnosis d = DOCTOR.examine(earlier, f.build(), TEN_SECONDS);
    assertThat(d.alerts(AlertKind.HIT_RATIO_DROP)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("25.0%").contains("90.0%"));
    f.misses = 140; // window: 50 of 90 requests, under min-requests
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).alerts(AlertKind.HIT_RATIO_DROP)).isEmpty();
    // with no earlier sample the ratio is not judged
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.HIT_RATIO_DROP)).isEmpty();
  }

  @Test
  void aGrowingBacklogWithWorkingTiersAdvisesABiggerBatchButAFailingTierDoesNot() {
    Figures f = new Figures();
    f.depth = 1_000;
    ProcessFigures earlier = f.build();
    f.depth = 9_000;
    f.lag = 1_200;
    Diagnosis d = DOCTOR.examine(earlier, f.build(), TEN_SECONDS);
    assertThat(d.alerts(AlertKind.WRITE_BEHIND_LAG)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("grew from 1,000 to 9,000"));
    assertThat(d.advice()).singleElement().satisfies(a -> {
      assertThat(a.code()).isEqualTo("RAISE_BATCH_SIZE");
      assertThat(a.text()).contains("from 1024 to 4096");
    });
    f.diskFailures = 3;
    Diagnosis failing = DOCTOR.examine(earlier, f.build(), TEN_SECONDS);
    assertThat(failing.alerts(AlertKind.WRITE_BEHIND_LAG)).hasSize(1);
    assertThat(failing.advice()).isEmpty();
  }

  @Test
  void anOldPendingWriteAlertsWithoutAWindow() {
    Figures f = new Figures();
    f.depth = 10;
    f.lag = 5_001;
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.WRITE_BEHIND_LAG)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("5.0 s old"));
  }

  @Test
  void aSlowTierAlertsAboveItsP99Bound() {
    Figures f = new Figures();
    f.diskP99 = 20_000_000;
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.SLOW_TIER)).isEmpty();
    f.diskP99 = 35_200_000;
    assertThat(DOCTOR.examine(f.build()).alerts(AlertKind.SLOW_TIER)).singleElement()
        .satisfies(a -> assertThat(a.message()).contains("35.2 ms").contains("20.0 ms"));
  }

  @Test
  void corruptEntriesInTheWindowAlert() {
    Figures f = new Figures();
    f.corruptions = 2;
    ProcessFigures earlier = f.build();
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).alerts(AlertKind.CORRUPT_ENTRIES)).isEmpty();
    f.corruptions = 5;
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).alerts(AlertKind.CORRUPT_ENTRIES)).singleElement()
        .satisfies(a -> assertThat(a.message()).startsWith("3 stored entries were corrupt in the last 10.0 s"));
  }

  @Test
  void compressionThatSavesLittleGetsAdviceAndIsNotJudgedWhenOff() {
    Figures f = new Figures();
    f.entries = 100;
    f.bytes = 100_000; // 1,000 bytes per stored entry
    ProcessFigures earlier = f.build();
    f.puts = 1_000;
    f.saved = 40_000; // 40 KB of about 1,040 KB: 3.8%
    Diagnosis d = DOCTOR.examine(earlier, f.build(), TEN_SECONDS);
    assertThat(d.advice()).singleElement().satisfies(a -> {
      assertThat(a.code()).isEqualTo("COMPRESSION_LOW_SAVINGS");
      assertThat(a.evidence()).contains("3.8%");
    });
    f.saved = 100_000; // 9.1%
    assertThat(DOCTOR.examine(earlier, f.build(), TEN_SECONDS).advice()).isEmpty();
    f.saved = 0;
    CacheDoctor off = new CacheDoctor(new CacheBounds(1_000, 1L << 20, false, 1024, PolicyKind.WTINYLFU), DoctorThresholds.DEFAULTS);
    assertThat(off.examine(earlier, f.build(), TEN_SECONDS).advice()).isEmpty();
  }

  @Test
  void aShadowPolicyThatHitsTwoPointsMoreIsAdvisedAndOneThatHitsLessIsNot() {
    Figures f = new Figures();
    ProcessFigures base = f.build();
    ShadowHitRates lruWins = new ShadowHitRates(64, 2_000, 128_000,
        Map.of(PolicyKind.LRU, 1_300L, PolicyKind.LFU, 1_000L, PolicyKind.WTINYLFU, 1_250L));
    Diagnosis d = DOCTOR.examine(withShadow(base, lruWins));
    assertThat(d.advice()).singleElement().satisfies(a -> {
      assertThat(a.code()).isEqualTo("SWITCH_POLICY");
      assertThat(a.property()).isEqualTo(CacheConfig.MEMORY_POLICY);
      assertThat(a.text()).contains("metacache.memory.policy=lru (now wtinylfu)");
      assertThat(a.evidence()).contains("65.0%").contains("62.5%").contains("one key in 64").contains("2,000");
    });
    ShadowHitRates close = new ShadowHitRates(64, 2_000, 128_000,
        Map.of(PolicyKind.LRU, 1_280L, PolicyKind.LFU, 1_000L, PolicyKind.WTINYLFU, 1_250L)); // 1.5 points
    assertThat(DOCTOR.examine(withShadow(base, close)).advice()).isEmpty();
    ShadowHitRates few = new ShadowHitRates(64, 999, 63_936,
        Map.of(PolicyKind.LRU, 900L, PolicyKind.LFU, 0L, PolicyKind.WTINYLFU, 0L));
    assertThat(DOCTOR.examine(withShadow(base, few)).advice()).as("too few sampled requests").isEmpty();
    // over a window, only the requests in it count
    ProcessFigures earlier = withShadow(base, lruWins);
    ShadowHitRates later = new ShadowHitRates(64, 4_000, 256_000,
        Map.of(PolicyKind.LRU, 1_900L, PolicyKind.LFU, 1_500L, PolicyKind.WTINYLFU, 2_600L));
    assertThat(DOCTOR.examine(earlier, withShadow(base, later), TEN_SECONDS).advice())
        .as("in the window W-TinyLFU hit 67.5%, LRU 30%").isEmpty();
  }

  private static ProcessFigures withShadow(ProcessFigures f, ShadowHitRates shadow) {
    return new ProcessFigures(f.cache(), f.memoryEntries(), f.memoryOffHeapBytes(), f.writeBehindDepth(),
        f.writeBehindLagMillis(), f.writeBehindRingDrops(), f.tiers(), shadow);
  }

  @Test
  void thresholdsComeFromPropertiesAndABadOneNamesPropertyValueAndWhatIsAccepted() {
    Map<String, String> props = Map.of(DoctorThresholds.MEMORY_USE, "0.5", DoctorThresholds.WRITE_LAG, "2s");
    DoctorThresholds t = DoctorThresholds.from(props::get);
    assertThat(t.memoryUse()).isEqualTo(0.5);
    assertThat(t.writeLag()).isEqualTo(Duration.ofSeconds(2));
    assertThat(t.churnPerSecond()).isEqualTo(DoctorThresholds.DEFAULTS.churnPerSecond());
    Map<String, String> bad = Map.of(DoctorThresholds.MEMORY_USE, "1.5");
    assertThatThrownBy(() -> DoctorThresholds.from(bad::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DoctorThresholds.MEMORY_USE).hasMessageContaining("'1.5'")
        .hasMessageContaining("from 0.0 to 1.0");
    Map<String, String> badLag = Map.of(DoctorThresholds.WRITE_LAG, "0s");
    assertThatThrownBy(() -> DoctorThresholds.from(badLag::get))
        .hasMessageContaining(DoctorThresholds.WRITE_LAG).hasMessageContaining("positive duration");
  }
}
