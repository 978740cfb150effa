package io.metacache;

import io.metacache.config.ConfigValues;
import io.metacache.counters.ProcessFigures;
import io.metacache.doctor.CacheBounds;
import io.metacache.doctor.CacheDoctor;
import io.metacache.doctor.Diagnosis;
import io.metacache.doctor.DoctorThresholds;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The doctor of a live cache ({@link MetaCache#diagnose()}): samples the cache's figures and
 * compares them with a sample at least one window old, so that rates, drops and the advice that
 * rests on them cover between one and two windows once the cache has run one. Before that they
 * cover the time since the first call. A diagnosis is kept for a second, so that gauges polled
 * often (Micrometer, JMX) cost one sample per second at most.
 */
final class CacheDiagnostics {
  /** The window property; default {@link #DEFAULT_WINDOW}. */
  static final String WINDOW = "metacache.doctor.window";
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
  private static final long REUSE_NANOS = 1_000_000_000L;

  private final Supplier<ProcessFigures> figures;
  private final CacheDoctor doctor;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private ProcessFigures older;
  private long olderAt;
  private ProcessFigures newer;
  private long newerAt;
  private Diagnosis last;
  private long lastAt;

  CacheDiagnostics(Supplier<ProcessFigures> figures, CacheDoctor doctor, Duration window, LongSupplier nanoClock) {
    this.figures = figures;
    this.doctor = doctor;
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
  }

  /** The doctor and window a cache's diagnostics use, read and validated before the cache opens anything. */
  record Settings(CacheDoctor doctor, Duration window) {}

  /**
   * Reads the thresholds, the batch size and the window from {@code properties}.
   *
   * @throws IllegalArgumentException naming a bad property, its value and what is accepted
   */
  static Settings settings(CacheConfig config, Function<String, String> properties) {
    return new Settings(new CacheDoctor(CacheBounds.of(config, properties), DoctorThresholds.from(properties)),
        window(properties));
  }

  /** The diagnostics of {@code cache}. */
  static CacheDiagnostics of(MetaCache cache, Settings settings) {
    return new CacheDiagnostics(() -> SharedStats.figures(cache), settings.doctor(), settings.window(),
        System::nanoTime);
  }

  /** {@value #WINDOW}: from 1s to 1h. */
  static Duration window(Function<String, String> properties) {
    String raw = properties.apply(WINDOW);
    if (raw == null || raw.isBlank()) {
      return DEFAULT_WINDOW;
    }
    Duration d = ConfigValues.parseDuration(WINDOW, raw);
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
      throw ConfigValues.invalid(WINDOW, raw, "a duration from 1s to 1h");
    }
    return d;
  }

  synchronized Diagnosis diagnose() {
    long now = nanoClock.getAsLong();
    if (last != null && now - lastAt < REUSE_NANOS) {
      return last;
    }
    ProcessFigures f = figures.get();
    Diagnosis d;
    if (older == null) {
      d = doctor.examine(f);
      older = f;
      olderAt = now;
    } else {
      d = doctor.examine(older, f, Duration.ofNanos(now - olderAt));
      if (newer == null || now - newerAt >= windowNanos) {
        // the newer sample becomes the base once it is a window old; the one taken now waits its turn
        if (newer != null) {
          older = newer;
          olderAt = newerAt;
        }
        newer = f;
        newerAt = now;
      }
    }
    last = d;
    lastAt = now;
    return d;
  }
}
