package io.metacache.metrics;

import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.doctor.AlertKind;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds a cache's statistics to a Micrometer registry (Micrometer is an optional dependency of
 * this library: add {@code io.micrometer:micrometer-core} to use this class).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code metacache.requests}</td><td>counter</td><td></td></tr>
 *   <tr><td>{@code metacache.hits}</td><td>counter</td><td>{@code tier}</td></tr>
 *   <tr><td>{@code metacache.misses}</td><td>counter</td><td></td></tr>
 *   <tr><td>{@code metacache.puts}</td><td>counter</td><td></td></tr>
 *   <tr><td>{@code metacache.evictions}</td><td>counter</td><td>{@code tier=memory}</td></tr>
 *   <tr><td>{@code metacache.expirations}</td><td>counter</td><td>{@code tier=memory}</td></tr>
 *   <tr><td>{@code metacache.invalidations}</td><td>counter</td><td></td></tr>
 *   <tr><td>{@code metacache.entries}</td><td>gauge</td><td>{@code tier}</td></tr>
 *   <tr><td>{@code metacache.writebehind.depth}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code metacache.writebehind.lag}</td><td>time gauge</td><td></td></tr>
 *   <tr><td>{@code metacache.writebehind.backlog}</td><td>gauge</td><td>{@code tier}</td></tr>
 *   <tr><td>{@code metacache.writebehind.failures}</td><td>counter</td><td>{@code tier}</td></tr>
 *   <tr><td>{@code metacache.tier.up}</td><td>gauge (1 up, 0.5 degraded, 0 down)</td><td>{@code tier}</td></tr>
 *   <tr><td>{@code metacache.doctor.alerts}</td><td>gauge: alerts the cache doctor raises now</td><td></td></tr>
 *   <tr><td>{@code metacache.doctor.alert}</td><td>gauge: 1 while an alert of the kind is raised, else 0</td><td>{@code kind}</td></tr>
 * </table>
 *
 * Every meter also carries the tags given to the constructor. Values are read from the cache when
 * the registry polls; nothing is recorded on the cache's hot path.
 */
public final class MetaCacheMetrics implements MeterBinder {
  private final MetaCache cache;
  private final Iterable<Tag> tags;

  /** Metrics of {@code cache} with extra tags (e.g. {@code Tags.of("cache", "extraction")}). */
  public MetaCacheMetrics(MetaCache cache, Iterable<Tag> tags) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.tags = Tags.concat(tags == null ? Tags.empty() : tags);
  }

  /** Metrics of {@code cache} without extra tags. */
  public MetaCacheMetrics(MetaCache cache) {
    this(cache, Tags.empty());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    MetaCache c = cache;
    counter(registry, "metacache.requests", "lookups made", Tags.empty(), () -> c.stats().requests());
    counter(registry, "metacache.misses", "lookups no tier served", Tags.empty(), () -> c.stats().misses());
    counter(registry, "metacache.puts", "entries written", Tags.empty(), () -> c.stats().puts());
    counter(registry, "metacache.invalidations", "entries invalidated", Tags.empty(), () -> c.stats().invalidations());
    Tags memory = Tags.of("tier", "memory");
    counter(registry, "metacache.evictions", "entries evicted", memory, () -> c.stats().evictions());
    counter(registry, "metacache.expirations", "entries expired", memory, () -> c.stats().expirations());
    for (String tier : c.tierNames()) {
      Tags t = Tags.of("tier", tier);
      counter(registry, "metacache.hits", "lookups served by the tier", t, () -> c.stats().hits(tier));
      Gauge.builder("metacache.entries", c, x -> x.entriesByTier().getOrDefault(tier, -1L))
          .description("entries held by the tier (-1: cannot count)").tags(tags).tags(t).register(registry);
      Gauge.builder("metacache.tier.up", c, x -> up(x, tier))
          .description("1 up, 0.5 degraded, 0 down").tags(tags).tags(t).register(registry);
    }
    Gauge.builder("metacache.writebehind.depth", c,
            x -> x.writeBehindStats().map(WriteBehindStats::depth).orElse(0L))
        .description("writes not yet settled in the lower tiers").tags(tags).register(registry);
    TimeGauge.builder("metacache.writebehind.lag", c, TimeUnit.MILLISECONDS,
            x -> x.writeBehindStats().map(WriteBehindStats::lagMillis).orElse(0L))
        .description("age of the oldest pending write").tags(tags).register(registry);
    Gauge.builder("metacache.doctor.alerts", c, x -> x.diagnose().alerts().size())
        .description("alerts the cache doctor raises now").tags(tags).register(registry);
    for (AlertKind kind : AlertKind.values()) {
      Gauge.builder("metacache.doctor.alert", c, x -> x.diagnose().alerts(kind).isEmpty() ? 0 : 1)
          .description("1 while the cache doctor raises an alert of the kind").tags(tags)
          .tags(Tags.of("kind", kind.name())).register(registry);
    }
    c.writeBehindStats().ifPresent(w -> {
      for (TierWriteStats ts : w.tiers()) {
        String tier = ts.tier();
        Tags t = Tags.of("tier", tier);
        Gauge.builder("metacache.writebehind.backlog", c, x -> tierWrites(x, tier, true))
            .description("writes waiting for the tier").tags(tags).tags(t).register(registry);
        counter(registry, "metacache.writebehind.failures", "failed batch applications", t,
            () -> (long) tierWrites(c, tier, false));
      }
    });
  }

  private void counter(MeterRegistry registry, String name, String description, Tags extra,
      java.util.function.LongSupplier value) {
    FunctionCounter.builder(name, value, v -> v.getAsLong())
        .description(description).tags(tags).tags(extra).register(registry);
  }

  private static double tierWrites(MetaCache c, String tier, boolean backlog) {
    return c.writeBehindStats().map(w -> {
      TierWriteStats t = w.tier(tier);
      return (double) (backlog ? t.backlog() : t.failures());
    }).orElse(0.0);
  }

  private static double up(MetaCache c, String tier) {
    for (TierHealth h : c.health()) {
      if (h.tier().equals(tier)) {
        switch (h.status()) {
          case UP: return 1.0;
          case DEGRADED: return 0.5;
          default: return 0.0;
        }
      }
    }
    return 0.0;
  }
}
