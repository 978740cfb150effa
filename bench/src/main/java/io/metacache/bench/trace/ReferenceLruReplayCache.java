package io.metacache.bench.trace;

import java.util.LinkedHashMap;
import java.util.Map;

/** The textbook LRU: a {@link LinkedHashMap} in access order, the yardstick for {@code lru}. */
final class ReferenceLruReplayCache implements ReplayCache {

  private final Map<Long, Boolean> map;

  ReferenceLruReplayCache(int size) {
    this.map = new LinkedHashMap<>(size * 2, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > size;
      }
    };
  }

  @Override
  public boolean access(long key) {
    if (map.get(key) != null) {
      return true;
    }
    map.put(key, Boolean.TRUE);
    return false;
  }
}
