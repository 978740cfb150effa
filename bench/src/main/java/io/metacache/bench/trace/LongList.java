package io.metacache.bench.trace;

import java.util.Arrays;

/** A growable list of primitive longs, so a trace of millions of keys is one array, unboxed. */
final class LongList {

  private long[] values = new long[1 << 16];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length << 1);
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  long[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
