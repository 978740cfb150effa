package io.metacache.bench.peers;

/**
 * A cache as the workload benchmarks see it: 16-byte keys as two longs, byte-array values. The
 * smallest surface every peer offers, so that a benchmark measures the cache and not an adapter.
 *
 * <p>An on-heap cache returns the stored array itself; an off-heap cache must copy, and returns a
 * per-thread array it reuses (possibly longer than the value), which is how a caller that cares
 * about allocation reads an off-heap store.
 */
public interface BasicCache extends AutoCloseable {

  /** The value for the key, or null on a miss. */
  byte[] get(long keyHigh, long keyLow);

  /** Stores the value for the key. */
  void put(long keyHigh, long keyLow, byte[] value);

  /** Releases off-heap memory, threads and files. */
  @Override
  void close();
}
