package io.metacache.policy;

/** Temporary tuning knobs. */
final class Tuning {
  private Tuning() {}

  static final double INITIAL_WINDOW = d("initialWindow", 0.01);
  static final double STEP = d("step", 0.0625);
  static final double STEP_DECAY = d("decay", 0.98);
  static final double RESTART_THRESHOLD = d("restart", 0.05);
  static final double MAX_WINDOW = d("maxWindow", 0.802);
  static final double SAMPLE_FACTOR = d("sample", 10);
  static final double PROTECTED = d("protected", 0.80);
  static final int WARM = (int) d("warm", 6);

  private static double d(String name, double def) {
    return Double.parseDouble(System.getProperty("mc." + name, Double.toString(def)));
  }
}
