package io.metacache.memory;

/**
 * Drives a memory tier's read buffer for the stress tests (the stress module shares this package
 * on the class path; the buffer and its stripes are package-private, hence the plain objects).
 */
public final class ReadBufferProbe {

  private final ReadBuffer buffer = new ReadBuffer();

  /** Claims a stripe for the calling thread; null if none was free. */
  public Object claim() {
    return buffer.claim();
  }

  /** Offers one event as the owner of {@code stripe} (or to a shared stripe if null). */
  public void offer(Object stripe, long keyHigh, long keyLow) {
    buffer.offer((ReadBuffer.Stripe) stripe, keyHigh, keyLow);
  }

  /**
   * Drains every stripe into {@code events} (pairs of longs) from {@code count} pairs on;
   * returns the new count. Single consumer.
   */
  public int drain(long[] events, int count) {
    int[] n = {count};
    buffer.drainTo((high, low) -> {
      events[2 * n[0]] = high;
      events[2 * n[0] + 1] = low;
      n[0]++;
    });
    return n[0];
  }
}
