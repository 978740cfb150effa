package io.metacache.memory;

import java.util.Arrays;

/**
 * A min-heap of (expires-at, key) in three parallel primitive arrays, so the sweeper finds the
 * entries due at a tick in O(due * log n) without scanning the map.
 *
 * <p>Deletion is lazy: an update or removal of a key leaves its old record in the heap, and the
 * sweeper checks each record it pops against the entry's current header before removing
 * anything. {@link #compact} drops stale records once they outnumber live entries, so the heap
 * stays within a constant factor of the number of entries that can expire. Single-threaded:
 * owned by the policy lock.
 */
final class ExpiryIndex {

  /** Decides whether a record still describes a live entry. */
  @FunctionalInterface
  interface RecordFilter {
    boolean keep(long expiresAt, long keyHigh, long keyLow);
  }

  private long[] times = new long[64];
  private long[] highs = new long[64];
  private long[] lows = new long[64];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(long expiresAt, long keyHigh, long keyLow) {
    if (size == times.length) {
      int capacity = size * 2;
      times = Arrays.copyOf(times, capacity);
      highs = Arrays.copyOf(highs, capacity);
      lows = Arrays.copyOf(lows, capacity);
    }
    siftUp(size++, expiresAt, keyHigh, keyLow);
  }

  /** The earliest expires-at held; only when not empty. */
  long peekTime() {
    return times[0];
  }

  long peekHigh() {
    return highs[0];
  }

  long peekLow() {
    return lows[0];
  }

  /** Removes the earliest record; only when not empty. */
  void removeFirst() {
    int last = --size;
    if (last > 0) {
      siftDown(0, times[last], highs[last], lows[last]);
    }
  }

  void clear() {
    size = 0;
  }

  /** Keeps the records the filter accepts and rebuilds the heap in O(n). */
  void compact(RecordFilter filter) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (filter.keep(times[i], highs[i], lows[i])) {
        times[kept] = times[i];
        highs[kept] = highs[i];
        lows[kept] = lows[i];
        kept++;
      }
    }
    size = kept;
    for (int i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i, times[i], highs[i], lows[i]);
    }
  }

  private void siftUp(int at, long time, long high, long low) {
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (times[parent] <= time) {
        break;
      }
      move(parent, at);
      at = parent;
    }
    set(at, time, high, low);
  }

  private void siftDown(int at, long time, long high, long low) {
    int half = size >>> 1;
    while (at < half) {
      int child = 2 * at + 1;
      int right = child + 1;
      if (right < size && times[right] < times[child]) {
        child = right;
      }
      if (time <= times[child]) {
        break;
      }
      move(child, at);
      at = child;
    }
    set(at, time, high, low);
  }

  private void move(int from, int to) {
    times[to] = times[from];
    highs[to] = highs[from];
    lows[to] = lows[from];
  }

  private void set(int at, long time, long high, long low) {
    times[at] = time;
    highs[at] = high;
    lows[at] = low;
  }
}
