package io.metacache.policy;

/**
 * Adapts the admission window's share of the cache by hill climbing on the hit rate.
 *
 * <p>Hits and misses are counted over a sample period. At the end of each period the hit rate is
 * compared with the previous period's: if it did not drop, the last step is repeated in the same
 * direction, otherwise the direction reverses. The step decays geometrically so the window
 * settles, and restarts at full size when the hit rate jumps by more than a threshold (the
 * workload changed phase). The first step shrinks the window, as frequency-biased workloads are
 * the common case; a recency-biased workload reverses it within two periods.
 */
final class HillClimber {

  /** The window's share at the start: 1 %, so the filter guards the cache from the first scan. */
  static final double INITIAL_WINDOW = 0.01;
  /** A full step: 6.25 % of the cache. */
  static final double STEP = 0.0625;
  /** Each step is this fraction of the previous one while the hit rate changes little. */
  static final double STEP_DECAY = 0.98;
  /** A hit rate change this large (5 points) restarts with a full step. */
  static final double RESTART_THRESHOLD = 0.05;
  /** Sample period in multiples of the cache's capacity in keys. */
  static final int SAMPLE_FACTOR = 10;

  private final double minimum;
  private final double maximum;
  private double window;
  private double stepSize;
  private double previousHitRate;
  private long hits;
  private long misses;

  /**
   * A climber moving the window fraction within [{@code minimum}, {@code maximum}].
   */
  HillClimber(double minimum, double maximum) {
    this.minimum = minimum;
    this.maximum = maximum;
    this.window = Math.max(minimum, Math.min(maximum, INITIAL_WINDOW));
    this.stepSize = -STEP;
  }

  /** The window's current share of the cache, 0 to 1. */
  double window() {
    return window;
  }

  void recordHit() {
    hits++;
  }

  void recordMiss() {
    misses++;
  }

  /** Drops the current sample, for instance while the cache is still filling. */
  void resetSample() {
    hits = 0;
    misses = 0;
    previousHitRate = 0;
  }

  /**
   * Once {@code samplePeriod} requests have been sampled, moves the window; returns whether it
   * moved.
   */
  boolean climb(long samplePeriod) {
    long requests = hits + misses;
    if (requests < samplePeriod) {
      return false;
    }
    double hitRate = (double) hits / requests;
    double change = hitRate - previousHitRate;
    double amount = (change >= 0) ? stepSize : -stepSize;
    stepSize = (Math.abs(change) >= RESTART_THRESHOLD)
        ? (amount >= 0 ? STEP : -STEP)
        : STEP_DECAY * amount;
    previousHitRate = hitRate;
    hits = 0;
    misses = 0;
    double next = Math.max(minimum, Math.min(maximum, window + amount));
    if (next == window) {
      return false;
    }
    window = next;
    return true;
  }
}
