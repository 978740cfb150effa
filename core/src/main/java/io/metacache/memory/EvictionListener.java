package io.metacache.memory;

/** Told of an entry the memory tier's policy evicted (not of removals, expirations or clears). */
@FunctionalInterface
public interface EvictionListener {

  /** The entry under this key left the tier to make room. */
  void evicted(long keyHigh, long keyLow);
}
