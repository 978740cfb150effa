package io.metacache.bench.report;

/**
 * A figure compared across runs: usually a ratio of two scores measured in the same run, which a
 * shared machine's noise affects far less than either score.
 *
 * @param id a stable identity across runs
 * @param label what it is, for people
 * @param value the ratio (or figure)
 * @param relativeError its relative error from the JMH errors of its terms (NaN when unknown)
 */
public record Ratio(String id, String label, double value, double relativeError) {

  /** {@code a / b}, errors combined in quadrature. */
  static Ratio of(String id, String label, JmhResult.Metric a, JmhResult.Metric b) {
    return new Ratio(id, label, a.score() / b.score(), quadrature(a.relativeError(), b.relativeError()));
  }

  static double quadrature(double x, double y) {
    return Math.sqrt(x * x + y * y);
  }
}
