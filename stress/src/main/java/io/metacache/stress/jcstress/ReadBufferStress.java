package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.memory.ReadBufferProbe;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The memory tier's read buffer, whose stripes a reader thread may own and fill without atomic
 * instructions, against its drainer running at the same time. The owner offers 48 events (more
 * than a stripe's 32 slots, so the ring wraps while the drainer frees slots, and events offered
 * to a full stripe are dropped); the drainer drains once during the offers and the arbiter once
 * after. Every event drained must be one offered, whole (both halves of the key from the same
 * offer), once, and in offer order: the buffer may lose events, never invent, tear, repeat or
 * reorder them.
 *
 * <p>Result: how many events the racing drain saw (0 to 48), and 1 if everything drained was a
 * subsequence of the offers, 0 if not.
 */
@JCStressTest
@State
@Outcome(id = {"\\d+, 1"}, expect = ACCEPTABLE, desc = "drained events are offers, whole, once, in order")
@Outcome(id = {"\\d+, 0"}, expect = FORBIDDEN, desc = "an event invented, torn, repeated or out of order")
public class ReadBufferStress {

  private static final int OFFERS = 48;

  private final ReadBufferProbe buffer = new ReadBufferProbe();
  private final long[] drained = new long[4 * OFFERS];
  private int count;

  @Actor
  public void owner() {
    Object stripe = buffer.claim();
    for (int i = 1; i <= OFFERS; i++) {
      buffer.offer(stripe, i, ~(long) i);
    }
  }

  @Actor
  public void drainer(II_Result r) {
    count = buffer.drain(drained, 0);
    r.r1 = count;
  }

  @Arbiter
  public void check(II_Result r) {
    int total = buffer.drain(drained, count);
    long last = 0;
    boolean valid = total <= OFFERS;
    for (int i = 0; i < total && valid; i++) {
      long high = drained[2 * i];
      long low = drained[2 * i + 1];
      valid = high > last && high <= OFFERS && low == ~high;
      last = high;
    }
    r.r2 = valid ? 1 : 0;
  }
}
