package io.metacache.bench.report;

import java.util.Locale;

/** Number formatting for the tables: three significant digits, the error beside the score. */
final class Format {

  private Format() {}

  /** {@code 12.3 ± 0.4}; the error is left out when JMH could not compute it. */
  static String score(JmhResult.Metric m) {
    String s = number(m.score());
    return Double.isNaN(m.error()) ? s : s + " ± " + number(m.error());
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 100 || a == 0) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String ratio(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
  }

  static String percent(double relative) {
    return Double.isNaN(relative) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", relative * 100);
  }
}
