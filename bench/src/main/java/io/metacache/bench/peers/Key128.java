package io.metacache.bench.peers;

/** A 16-byte key for the on-heap peers, which need an object with {@code equals} and {@code hashCode}. */
record Key128(long high, long low) {

  @Override
  public int hashCode() {
    // The low word is a dense index in the benchmarks; mix the high word (already a hash) in.
    long h = high ^ low;
    return (int) (h ^ (h >>> 32));
  }
}
