package io.metacache.bench.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zipf-distributed ranks: rank {@code k} (0-based) is drawn with probability proportional to
 * {@code 1 / (k + 1)^s}. Draws are precomputed into an array, so a benchmark pays an array read
 * per operation and every run with the same seed sees the same sequence.
 */
public final class Zipf {

  private Zipf() {}

  /** {@code count} ranks over {@code n} items with exponent {@code s}, from a fixed seed. */
  public static int[] ranks(int n, double s, int count, long seed) {
    if (n < 1 || count < 0 || !(s > 0)) {
      throw new IllegalArgumentException("expected n >= 1, count >= 0, s > 0; got n=" + n
          + ", count=" + count + ", s=" + s);
    }
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] ranks = new int[count];
    for (int i = 0; i < count; i++) {
      int at = Arrays.binarySearch(cdf, random.nextDouble() * sum);
      ranks[i] = Math.min(n - 1, at >= 0 ? at : -at - 1);
    }
    return ranks;
  }

  /**
   * The keys ranked by popularity are scattered over the key space, so that popular keys are not
   * neighbours in any structure indexed by key: rank {@code r} becomes key {@code perm[r]}.
   */
  public static int[] scatter(int[] ranks, int n, long seed) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] keys = new int[ranks.length];
    for (int i = 0; i < ranks.length; i++) {
      keys[i] = perm[ranks[i]];
    }
    return keys;
  }
}
