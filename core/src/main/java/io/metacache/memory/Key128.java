package io.metacache.memory;

/**
 * A mutable 128-bit key: the Chronicle key type of the tier. One instance per thread is reused
 * for every lookup; {@link Key128DataAccess} copies its two longs into the context's own bytes,
 * so the instance may be changed as soon as the lookup has started.
 */
final class Key128 {
  long high;
  long low;

  Key128 set(long keyHigh, long keyLow) {
    this.high = keyHigh;
    this.low = keyLow;
    return this;
  }

  @Override
  public String toString() {
    return Long.toHexString(high) + ':' + Long.toHexString(low);
  }
}
