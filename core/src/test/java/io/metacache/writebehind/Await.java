package io.metacache.writebehind;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a condition until it holds. The bound is a hang guard, not a deadline: it is far beyond
 * what a correct pipeline needs even on a loaded machine, and only turns a hang into a failure
 * that names what never happened.
 */
final class Await {
  /** How long a wait may last before it is taken for a hang. */
  static final Duration HANG_GUARD = Duration.ofSeconds(60);

  private Await() {}

  static void until(String what, BooleanSupplier condition) {
    until(what, HANG_GUARD, condition);
  }

  static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still waiting after " + timeout.toSeconds() + " s (taken for a hang) until " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
