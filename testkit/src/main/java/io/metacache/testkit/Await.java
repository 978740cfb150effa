package io.metacache.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for events in tests. Every bound here is a hang guard, not a deadline: far beyond what a
 * correct system needs even on a loaded machine, so that it only turns a hang into a failure that
 * names what never happened (and what was seen instead).
 */
public final class Await {
  /** How long a wait may last before it is taken for a hang. */
  public static final Duration HANG_GUARD = Duration.ofSeconds(60);

  private Await() {}

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws AssertionError after {@link #HANG_GUARD}, naming {@code what}
   */
  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, () -> "");
  }

  /**
   * Polls {@code condition} until it holds; a failure after {@link #HANG_GUARD} names {@code what}
   * and the {@code state} seen last.
   */
  public static void until(String what, BooleanSupplier condition, Supplier<String> state) {
    long guard = System.nanoTime() + HANG_GUARD.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - guard > 0) {
        String seen = state.get();
        throw new AssertionError("still waiting after " + HANG_GUARD.toSeconds() + " s (taken for a hang) until "
            + what + (seen.isEmpty() ? "" : "; last seen: " + seen));
      }
      LockSupport.parkNanos(2_000_000);
    }
  }

  /**
   * Waits until at least {@code count} of {@code threads} are parked in
   * {@link CompletableFuture#get()}: a rendezvous with callers that wait for the shared result of
   * a call in flight.
   */
  public static void parkedOnAFuture(Collection<Thread> threads, int count) {
    until(count + " threads parked on a shared result", () -> parkedOnAFuture(threads) >= count,
        () -> parkedOnAFuture(threads) + " parked");
  }

  private static int parkedOnAFuture(Collection<Thread> threads) {
    int parked = 0;
    for (Thread t : threads) {
      Object blocker = LockSupport.getBlocker(t);
      if (t.getState() == Thread.State.WAITING && blocker != null
          && blocker.getClass().getEnclosingClass() == CompletableFuture.class) {
        parked++;
      }
    }
    return parked;
  }
}
