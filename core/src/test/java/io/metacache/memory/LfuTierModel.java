package io.metacache.memory;

import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/**
 * Reference model of a memory tier under exact LFU with the entry bound alone (no expiry): the
 * victim is the least frequently used entry, the least recently used among equals; a hit and a
 * rewrite of a held key each count as a use; a new key starts at one; the key being written is
 * never its own victim. A naive scan per eviction, independent of the policy's bucket lists.
 */
final class LfuTierModel {

  private record Use(long frequency, long lastTouch, byte[] bytes) {}

  private final Map<Long, Use> entries = new HashMap<>();
  private final long maxEntries;
  private long tick;

  LfuTierModel(long maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** Puts the entry; returns the keys evicted to make room, in eviction order. */
  List<Long> put(long key, byte[] bytes) {
    Use held = entries.get(key);
    entries.put(key, new Use(held == null ? 1 : held.frequency() + 1, ++tick, bytes));
    List<Long> evicted = new ArrayList<>();
    while (entries.size() > maxEntries) {
      Long victim = null;
      Use least = null;
      for (Map.Entry<Long, Use> e : entries.entrySet()) {
        Use u = e.getValue();
        if (e.getKey() != key && (least == null || u.frequency() < least.frequency()
            || (u.frequency() == least.frequency() && u.lastTouch() < least.lastTouch()))) {
          least = u;
          victim = e.getKey();
        }
      }
      entries.remove(victim);
      evicted.add(victim);
    }
    return evicted;
  }

  byte[] get(long key) {
    Use held = entries.get(key);
    if (held == null) {
      return null;
    }
    entries.put(key, new Use(held.frequency() + 1, ++tick, held.bytes()));
    return held.bytes();
  }

  boolean remove(long key) {
    return entries.remove(key) != null;
  }

  java.util.Set<Long> keys() {
    return entries.keySet();
  }
}
