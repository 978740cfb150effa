package io.metacache.stress;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Sizes of the Lincheck runs: small in CI, larger under the {@code stress} Maven profile, which
 * sets {@code metacache.stress.lincheck-iterations} and {@code -invocations}.
 */
final class LincheckRuns {
  static final int ITERATIONS = Integer.getInteger("metacache.stress.lincheck-iterations", 5);
  static final int INVOCATIONS = Integer.getInteger("metacache.stress.lincheck-invocations", 200);

  private LincheckRuns() {}

  /** Two threads of three operations, plus two before and one after. */
  static StressOptions stress() {
    return new StressOptions()
        .iterations(ITERATIONS)
        .invocationsPerIteration(INVOCATIONS)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1);
  }

  static ModelCheckingOptions modelChecking() {
    return new ModelCheckingOptions()
        .iterations(ITERATIONS)
        .invocationsPerIteration(INVOCATIONS)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1);
  }
}
