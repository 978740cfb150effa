package io.metacache.stress.jcstress;

import java.util.concurrent.atomic.AtomicLong;

/** Distinct 128-bit keys, one per test state, so states can share one tier per fork. */
final class Keys {
  private static final AtomicLong NEXT = new AtomicLong(1);

  private Keys() {}

  /** The high half of a fresh key; the low half is {@link #low(long)} of it. */
  static long next() {
    return NEXT.getAndIncrement() * 0x9E3779B97F4A7C15L;
  }

  static long low(long high) {
    return Long.rotateLeft(high, 17) ^ 0x5DEECE66DL;
  }
}
