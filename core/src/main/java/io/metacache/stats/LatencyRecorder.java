package io.metacache.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records operation latencies from many threads without locks and summarizes them as percentiles.
 *
 * <p>Writers call {@link Recorder#recordValue}, which is wait-free; a summary swaps the recorder's
 * interval histogram out (a writer-reader phaser, no writer ever blocks) and folds it into a
 * cumulative histogram under this object's monitor, which only readers of statistics take.
 */
public final class LatencyRecorder {
  /** One hour in nanoseconds: longer values are clamped, so a stalled call cannot throw. */
  static final long HIGHEST_TRACKABLE_NANOS = 3_600_000_000_000L;

  private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_NANOS, 2);
  private final Histogram cumulative = new Histogram(1, HIGHEST_TRACKABLE_NANOS, 2);
  private Histogram interval;

  /** Records one latency in nanoseconds; negative values count as zero. */
  public void record(long nanos) {
    recorder.recordValue(Math.min(Math.max(nanos, 1L), HIGHEST_TRACKABLE_NANOS));
  }

  /** Percentiles over everything recorded so far. */
  public synchronized LatencySummary summary() {
    interval = recorder.getIntervalHistogram(interval);
    cumulative.add(interval);
    if (cumulative.getTotalCount() == 0) {
      return LatencySummary.EMPTY;
    }
    return new LatencySummary(
        cumulative.getTotalCount(),
        cumulative.getValueAtPercentile(50.0),
        cumulative.getValueAtPercentile(90.0),
        cumulative.getValueAtPercentile(99.0),
        cumulative.getValueAtPercentile(99.9),
        cumulative.getMaxValue(),
        cumulative.getMean());
  }
}
