package io.metacache.metrics;

import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.stats.CacheStats;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The MXBean implementations: thin views that read the cache on each attribute access. */
final class CacheMBeans {
  private CacheMBeans() {}

  static final class Stats implements CacheStatsMXBean {
    private final MetaCache cache;

    Stats(MetaCache cache) {
      this.cache = cache;
    }

    private CacheStats s() {
      return cache.stats();
    }

    @Override public long getRequests() { return s().requests(); }
    @Override public long getHits() { return s().hits(); }
    @Override public Map<String, Long> getHitsByTier() { return s().hitsByTier(); }
    @Override public long getMisses() { return s().misses(); }
    @Override public double getHitRate() { return s().hitRate(); }
    @Override public long getPuts() { return s().puts(); }
    @Override public long getEvictions() { return s().evictions(); }
    @Override public long getExpirations() { return s().expirations(); }
    @Override public long getInvalidations() { return s().invalidations(); }
    @Override public long getCorruptions() { return s().corruptions(); }
    @Override public long getCompressionSavedBytes() { return s().compressionSavedBytes(); }
    @Override public long getWriteBehindDepth() { return cache.writeBehindStats().map(WriteBehindStats::depth).orElse(0L); }
    @Override public long getWriteBehindLagMillis() { return cache.writeBehindStats().map(WriteBehindStats::lagMillis).orElse(0L); }

    @Override
    public Map<String, Long> getWriteBehindBacklogByTier() {
      Map<String, Long> out = new LinkedHashMap<>();
      cache.writeBehindStats().ifPresent(w -> {
        for (TierWriteStats t : w.tiers()) {
          out.put(t.tier(), t.backlog());
        }
      });
      return out;
    }

    @Override public Map<String, Long> getEntriesByTier() { return cache.entriesByTier(); }
    @Override public long getGetLatencyP99Nanos() { return s().getLatency().p99(); }
    @Override public long getPutLatencyP99Nanos() { return s().putLatency().p99(); }
  }

  static final class Health implements CacheHealthMXBean {
    private final MetaCache cache;

    Health(MetaCache cache) {
      this.cache = cache;
    }

    @Override
    public boolean isHealthy() {
      return cache.health().stream().allMatch(h -> h.status() == TierHealth.Status.UP);
    }

    @Override
    public Map<String, String> getStatusByTier() {
      Map<String, String> out = new LinkedHashMap<>();
      for (TierHealth h : cache.health()) {
        out.put(h.tier(), h.status().name());
      }
      return out;
    }

    @Override
    public int getAlertCount() {
      return cache.diagnose().alerts().size();
    }

    @Override
    public List<String> getAlerts() {
      return cache.diagnose().alerts().stream()
          .map(a -> a.severity() + " " + a.kind() + " (" + a.subject() + "): " + a.message()).toList();
    }

    @Override
    public List<String> getAdvice() {
      return cache.diagnose().advice().stream()
          .map(a -> a.code() + ": " + a.text() + " (" + a.evidence() + ")").toList();
    }

    @Override
    public Map<String, String> getLastErrorByTier() {
      Map<String, String> out = new LinkedHashMap<>();
      for (TierHealth h : cache.health()) {
        out.put(h.tier(), h.lastError() == null ? "" : h.lastError());
      }
      return out;
    }
  }
}
