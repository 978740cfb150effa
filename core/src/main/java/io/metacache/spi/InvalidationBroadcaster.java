package io.metacache.spi;

/**
 * Implemented by tiers that can tell other processes sharing them about invalidations (Redis
 * pub/sub). The cache publishes every invalidation it makes and drops keys that other processes
 * report from its own memory tier. A broadcaster never delivers a process's own messages back.
 */
public interface InvalidationBroadcaster {

  /** Tells the other processes that these keys are invalid. Never blocks on the network. */
  void publishInvalidations(long[] keyHighs, long[] keyLows, int count);

  /** Registers the listener for invalidations made by other processes (one listener per cache). */
  void onRemoteInvalidation(InvalidationListener listener);

  /** Receives keys another process invalidated. */
  @FunctionalInterface
  interface InvalidationListener {
    void invalidated(long keyHigh, long keyLow);
  }
}
