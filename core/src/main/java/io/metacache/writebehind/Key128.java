package io.metacache.writebehind;

/** A 128-bit cache key as a map key. */
record Key128(long high, long low) {

  @Override
  public int hashCode() {
    // Keys are hashes already: folding the halves spreads well enough.
    long h = high ^ (low * 0x9E3779B97F4A7C15L);
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key128 k && k.high == high && k.low == low;
  }
}
