package io.metacache.bench.trace;

/** A cache under replay: one access per trace key, answering whether it was a hit. */
interface ReplayCache {

  /** Looks the key up; on a miss inserts it. Returns whether it was a hit. */
  boolean access(long key);

  /** Brings pending maintenance to an end (a no-op for synchronous caches). */
  default void finish() {}
}
