package io.metacache.memory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reference model of a memory tier under exact LRU with both bounds and expiry: a
 * {@link LinkedHashMap} in access order plus the counters {@link MemoryTierStats} should show.
 */
final class LruTierModel {

  record Entry(byte[] bytes, long expiresAt, int weight) {
    boolean expiredAt(long now) {
      return expiresAt != 0 && expiresAt <= now;
    }
  }

  final Map<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final long maxEntries;
  private final long maxBytes;
  private final int maxEntryBytes;
  private final ChronicleSizing sizing;
  long bytes;
  long hits, misses, puts, removals, evictedBySize, evictedByBytes, expirations, refused;

  LruTierModel(long maxEntries, long maxBytes, int maxEntryBytes, ChronicleSizing sizing) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxEntryBytes = maxEntryBytes;
    this.sizing = sizing;
  }

  boolean put(long key, byte[] value) {
    if (value.length > maxEntryBytes) {
      refused++;
      return false;
    }
    Entry entry = new Entry(value, TestEntries.expiresAt(value), sizing.weight(value.length));
    Entry previous = entries.put(key, entry);
    bytes += entry.weight() - (previous == null ? 0 : previous.weight());
    puts++;
    Iterator<Map.Entry<Long, Entry>> eldest = entries.entrySet().iterator();
    while (entries.size() > maxEntries || bytes > maxBytes) {
      Map.Entry<Long, Entry> victim = eldest.next();
      if (victim.getKey() == key) {
        continue; // the written key is never its own victim
      }
      if (entries.size() > maxEntries) {
        evictedBySize++;
      } else {
        evictedByBytes++;
      }
      bytes -= victim.getValue().weight();
      eldest.remove();
    }
    return true;
  }

  byte[] get(long key, long now) {
    Entry entry = entries.get(key);
    if (entry == null) {
      misses++;
      return null;
    }
    if (entry.expiredAt(now)) {
      misses++;
      expirations++;
      remove0(key);
      return null;
    }
    hits++;
    return entry.bytes();
  }

  boolean remove(long key) {
    if (remove0(key)) {
      removals++;
      return true;
    }
    return false;
  }

  int runExpiry(long now) {
    int removed = 0;
    for (Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Entry> e = it.next();
      if (e.getValue().expiredAt(now)) {
        bytes -= e.getValue().weight();
        it.remove();
        removed++;
      }
    }
    expirations += removed;
    return removed;
  }

  private boolean remove0(long key) {
    Entry removed = entries.remove(key);
    if (removed == null) {
      return false;
    }
    bytes -= removed.weight();
    return true;
  }
}
