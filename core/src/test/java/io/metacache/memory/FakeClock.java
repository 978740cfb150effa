package io.metacache.memory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A millisecond clock tests move by hand. */
final class FakeClock implements LongSupplier {
  private final AtomicLong now;

  FakeClock(long start) {
    this.now = new AtomicLong(start);
  }

  @Override
  public long getAsLong() {
    return now.get();
  }

  void advance(long millis) {
    now.addAndGet(millis);
  }

  void set(long millis) {
    now.set(millis);
  }
}
