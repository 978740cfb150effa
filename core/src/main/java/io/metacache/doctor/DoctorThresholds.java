package io.metacache.doctor;

import io.metacache.config.ConfigValues;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The bounds the doctor alerts on. Each has a system property and a default:
 *
 * <table>
 *   <caption>Thresholds</caption>
 *   <tr><th>Property</th><th>Default</th><th>Alert</th></tr>
 *   <tr><td>{@value #MEMORY_USE}</td><td>0.9</td><td>memory tier entries or bytes over this fraction of its bound</td></tr>
 *   <tr><td>{@value #TIER_READ_P99}</td><td>20ms</td><td>a tier's read p99 above this</td></tr>
 *   <tr><td>{@value #CHURN}</td><td>1000</td><td>evictions plus invalidations per second above this</td></tr>
 *   <tr><td>{@value #HIT_RATIO_DROP}</td><td>0.2</td><td>the window's hit ratio below the ratio since start by this much</td></tr>
 *   <tr><td>{@value #MIN_REQUESTS}</td><td>100</td><td>requests a window needs before its hit ratio is judged</td></tr>
 *   <tr><td>{@value #WRITE_LAG}</td><td>5s</td><td>the oldest write waiting in the pipeline older than this</td></tr>
 *   <tr><td>{@value #COMPRESSION_MIN_SAVINGS}</td><td>0.05</td><td>advice: compression saving less than this fraction</td></tr>
 * </table>
 *
 * @param memoryUse fraction of the memory tier's entry or byte bound that raises an alert
 * @param tierReadP99 read p99 of a tier that raises an alert
 * @param churnPerSecond evictions plus invalidations per second that raise an alert
 * @param hitRatioDrop drop of the window's hit ratio below the ratio since start that raises an alert
 * @param minRequests requests a window needs before its hit ratio is judged
 * @param writeLag age of the oldest pending write that raises an alert
 * @param compressionMinSavings saving of compression under which the doctor advises against it
 */
public record DoctorThresholds(
    double memoryUse,
    Duration tierReadP99,
    double churnPerSecond,
    double hitRatioDrop,
    long minRequests,
    Duration writeLag,
    double compressionMinSavings) {

  /** Property of {@link #memoryUse}. */
  public static final String MEMORY_USE = "metacache.doctor.memory-use";
  /** Property of {@link #tierReadP99}. */
  public static final String TIER_READ_P99 = "metacache.doctor.tier-read-p99";
  /** Property of {@link #churnPerSecond}. */
  public static final String CHURN = "metacache.doctor.churn-per-second";
  /** Property of {@link #hitRatioDrop}. */
  public static final String HIT_RATIO_DROP = "metacache.doctor.hit-ratio-drop";
  /** Property of {@link #minRequests}. */
  public static final String MIN_REQUESTS = "metacache.doctor.min-requests";
  /** Property of {@link #writeLag}. */
  public static final String WRITE_LAG = "metacache.doctor.write-lag";
  /** Property of {@link #compressionMinSavings}. */
  public static final String COMPRESSION_MIN_SAVINGS = "metacache.doctor.compression-min-savings";

  /** The defaults of the table above. */
  public static final DoctorThresholds DEFAULTS = new DoctorThresholds(0.9, Duration.ofMillis(20), 1000, 0.2, 100,
      Duration.ofSeconds(5), 0.05);

  /** Checks the ranges. */
  public DoctorThresholds {
    Objects.requireNonNull(tierReadP99, "tierReadP99");
    Objects.requireNonNull(writeLag, "writeLag");
    check(MEMORY_USE, memoryUse, 0.0, 1.0, "a fraction from 0 to 1");
    check(CHURN, churnPerSecond, 0.0, Double.MAX_VALUE, "a rate of zero or more");
    check(HIT_RATIO_DROP, hitRatioDrop, 0.0, 1.0, "a fraction from 0 to 1");
    check(COMPRESSION_MIN_SAVINGS, compressionMinSavings, 0.0, 1.0, "a fraction from 0 to 1");
    ConfigValues.checkRange(MIN_REQUESTS, minRequests, 1, Long.MAX_VALUE);
    if (tierReadP99.isNegative() || tierReadP99.isZero()) {
      throw ConfigValues.invalid(TIER_READ_P99, tierReadP99.toString(), "a positive duration");
    }
    if (writeLag.isNegative() || writeLag.isZero()) {
      throw ConfigValues.invalid(WRITE_LAG, writeLag.toString(), "a positive duration");
    }
  }

  /** The thresholds from the system properties, each missing one at its default. */
  public static DoctorThresholds fromSystemProperties() {
    return from(System::getProperty);
  }

  /**
   * The thresholds from {@code properties}, each missing one at its default.
   *
   * @throws IllegalArgumentException naming the property, the value and what is accepted
   */
  public static DoctorThresholds from(Function<String, String> properties) {
    DoctorThresholds d = DEFAULTS;
    return new DoctorThresholds(
        fraction(properties, MEMORY_USE, d.memoryUse),
        duration(properties, TIER_READ_P99, d.tierReadP99),
        number(properties, CHURN, d.churnPerSecond),
        fraction(properties, HIT_RATIO_DROP, d.hitRatioDrop),
        count(properties, MIN_REQUESTS, d.minRequests),
        duration(properties, WRITE_LAG, d.writeLag),
        fraction(properties, COMPRESSION_MIN_SAVINGS, d.compressionMinSavings));
  }

  private static void check(String property, double value, double min, double max, String accepted) {
    if (!(value >= min && value <= max)) {
      throw ConfigValues.invalid(property, Double.toString(value), accepted);
    }
  }

  private static String raw(Function<String, String> properties, String property) {
    String raw = properties.apply(property);
    return raw == null || raw.isBlank() ? null : raw.trim();
  }

  private static double fraction(Function<String, String> properties, String property, double fallback) {
    String raw = raw(properties, property);
    return raw == null ? fallback : ConfigValues.parseDouble(property, raw, 0.0, 1.0);
  }

  private static double number(Function<String, String> properties, String property, double fallback) {
    String raw = raw(properties, property);
    return raw == null ? fallback : ConfigValues.parseDouble(property, raw, 0.0, Double.MAX_VALUE);
  }

  private static long count(Function<String, String> properties, String property, long fallback) {
    String raw = raw(properties, property);
    return raw == null ? fallback : ConfigValues.parseLong(property, raw, 1, Long.MAX_VALUE);
  }

  private static Duration duration(Function<String, String> properties, String property, Duration fallback) {
    String raw = raw(properties, property);
    if (raw == null) {
      return fallback;
    }
    Duration d = ConfigValues.parseDuration(property, raw);
    if (d.isZero() || d.isNegative()) {
      throw ConfigValues.invalid(property, raw, "a positive duration such as 20ms or 5s");
    }
    return d;
  }
}
