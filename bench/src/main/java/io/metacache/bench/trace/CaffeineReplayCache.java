package io.metacache.bench.trace;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine with the same maximum size, maintenance run on the calling thread and forced after
 * every miss, so its policy sees the trace in order and runs are (nearly) repeatable; only its
 * randomized admission of warm candidates differs from run to run.
 */
final class CaffeineReplayCache implements ReplayCache {

  private final Cache<Long, Boolean> cache;

  CaffeineReplayCache(int size) {
    this.cache = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
  }

  @Override
  public boolean access(long key) {
    if (cache.getIfPresent(key) != null) {
      return true;
    }
    cache.put(key, Boolean.TRUE);
    cache.cleanUp();
    return false;
  }

  @Override
  public void finish() {
    cache.cleanUp();
  }
}
