package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.counters.ProcessFigures;
import io.metacache.doctor.AlertKind;
import io.metacache.doctor.CacheBounds;
import io.metacache.doctor.CacheDoctor;
import io.metacache.doctor.Diagnosis;
import io.metacache.doctor.DoctorThresholds;
import io.metacache.metrics.MetaCacheMetrics;
import io.metacache.stats.CacheStats;
import io.metacache.stats.LatencySummary;
import io.metacache.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live cache's doctor: the window it compares over grows to one window and then stays between
 * one and two; a diagnosis is reused for a second; a cache near its memory bound raises the alert
 * in {@link MetaCache#diagnose()} and in its Micrometer gauges; a bad window is refused by name.
 */
class CacheDiagnosticsTest {
  @TempDir Path dir;

  private static ProcessFigures figures(long misses) {
    CacheStats s = new CacheStats(misses, Map.of("memory", 0L), misses, 0, 0, 0, 0, 0, 0, LatencySummary.EMPTY,
        LatencySummary.EMPTY);
    return new ProcessFigures(s, 0, 0, 0, 0, 0, List.of());
  }

  @Test
  void theComparedWindowGrowsToOneWindowThenStaysBetweenOneAndTwo() {
    AtomicLong clock = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    CacheDoctor doctor = new CacheDoctor(new CacheBounds(100, 1 << 20, false, 1024, io.metacache.policy.PolicyKind.WTINYLFU), DoctorThresholds.DEFAULTS);
    CacheDiagnostics d = new CacheDiagnostics(() -> figures(samples.incrementAndGet()), doctor,
        Duration.ofSeconds(10), clock::get);
    assertThat(d.diagnose().window()).as("the first call has nothing to compare with").isZero();
    clock.set(Duration.ofMillis(500).toNanos());
    assertThat(samples.get()).isEqualTo(1);
    d.diagnose();
    assertThat(samples.get()).as("a diagnosis under a second old is reused").isEqualTo(1);
    for (long s = 1; s <= 60; s++) {
      clock.set(Duration.ofSeconds(s).toNanos());
      Duration w = d.diagnose().window();
      if (s <= 10) {
        assertThat(w).isEqualTo(Duration.ofSeconds(s));
      } else {
        assertThat(w).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
      }
    }
  }

  @Test
  void aCacheNearItsMemoryBoundRaisesTheAlertInDiagnoseAndItsGauges() throws Exception {
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir.resolve("cache")).memoryMaxEntries(20).build();
    try (MetaCache cache = MetaCache.builder().config(config).memoryOnly().properties(n -> null).build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new MetaCacheMetrics(cache).bindTo(registry);
      for (int i = 0; i < 19; i++) {
        cache.put(Files.writeString(dir.resolve("f" + i), "content " + i), "basic", Map.of("n", (long) i));
      }
      Await.until("the memory tier to count 19 entries", () -> cache.memoryStats().entries() == 19);
      Diagnosis d = cache.diagnose();
      assertThat(d.alerts(AlertKind.MEMORY_NEAR_BOUND)).singleElement()
          .satisfies(a -> assertThat(a.message()).contains("19 of its 20 entries"));
      assertThat(registry.get("metacache.doctor.alert").tag("kind", "MEMORY_NEAR_BOUND").gauge().value())
          .isEqualTo(1.0);
      assertThat(registry.get("metacache.doctor.alert").tag("kind", "CHURN").gauge().value()).isEqualTo(0.0);
      assertThat(registry.get("metacache.doctor.alerts").gauge().value()).isEqualTo(d.alerts().size());
    }
  }

  @Test
  void aBadWindowOrThresholdStopsTheCacheFromOpeningAndNamesTheProperty() {
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir.resolve("cache")).build();
    assertThatThrownBy(() -> MetaCache.builder().config(config).memoryOnly()
        .properties(Map.of(CacheDiagnostics.WINDOW, "10ms")::get).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CacheDiagnostics.WINDOW).hasMessageContaining("'10ms'")
        .hasMessageContaining("from 1s to 1h");
    assertThatThrownBy(() -> MetaCache.builder().config(config).memoryOnly()
        .properties(Map.of(DoctorThresholds.CHURN, "lots")::get).build())
        .hasMessageContaining(DoctorThresholds.CHURN).hasMessageContaining("'lots'");
  }
}
