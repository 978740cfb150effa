package io.metacache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsExportTest {
  @TempDir Path dir;

  private MetaCache cache() {
    return MetaCache.builder().config(CacheConfig.builder().cacheDirectory(dir).build()).memoryOnly().build();
  }

  @Test
  void jmxExposesStatsAndHealthAndUnregisters() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try (MetaCache cache = cache(); JmxExporter.Registration jmx = JmxExporter.register(cache, "jmx-test")) {
      Path f = Files.writeString(dir.resolve("a.txt"), "a");
      cache.put(f, "basic", Map.of("k", 1));
      cache.get(f, "basic");
      cache.get(Files.writeString(dir.resolve("b.txt"), "b"), "basic");
      ObjectName stats = JmxExporter.objectName("CacheStats", "jmx-test");
      ObjectName health = JmxExporter.objectName("CacheHealth", "jmx-test");
      assertThat(jmx.names()).containsExactly(stats, health);
      assertThat(server.getAttribute(stats, "Requests")).isEqualTo(2L);
      assertThat(server.getAttribute(stats, "Hits")).isEqualTo(1L);
      assertThat(server.getAttribute(stats, "Misses")).isEqualTo(1L);
      assertThat(server.getAttribute(stats, "Puts")).isEqualTo(1L);
      assertThat((Double) server.getAttribute(stats, "HitRate")).isEqualTo(0.5);
      assertThat(((TabularData) server.getAttribute(stats, "HitsByTier")).size()).isEqualTo(1);
      assertThat(server.getAttribute(health, "Healthy")).isEqualTo(true);
      assertThatThrownBy(() -> JmxExporter.register(cache, "jmx-test")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already registered");
    }
    assertThat(server.isRegistered(JmxExporter.objectName("CacheStats", "jmx-test"))).isFalse();
  }

  @Test
  void micrometerBinderExposesCountersAndGauges() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MetaCache cache = cache()) {
      new MetaCacheMetrics(cache, Tags.of("cache", "test")).bindTo(registry);
      Path f = Files.writeString(dir.resolve("a.txt"), "a");
      cache.put(f, "basic", Map.of("k", 1), Duration.ZERO);
      cache.get(f, "basic");
      cache.get(f, "basic");
      cache.get(Files.writeString(dir.resolve("b.txt"), "b"), "basic");
      assertThat(registry.get("metacache.hits").tags("tier", "memory", "cache", "test").functionCounter().count()).isEqualTo(2.0);
      assertThat(registry.get("metacache.misses").functionCounter().count()).isEqualTo(1.0);
      assertThat(registry.get("metacache.requests").functionCounter().count()).isEqualTo(3.0);
      assertThat(registry.get("metacache.evictions").tags("tier", "memory").functionCounter().count()).isEqualTo(0.0);
      assertThat(registry.get("metacache.entries").tags("tier", "memory").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get("metacache.writebehind.depth").gauge().value()).isEqualTo(0.0);
      assertThat(registry.get("metacache.writebehind.lag").timeGauge()).isNotNull();
      assertThat(registry.get("metacache.tier.up").tags("tier", "memory").gauge().value()).isEqualTo(1.0);
    }
  }
}
