package io.metacache.memory;

import io.metacache.codec.EntryLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Minimal encoded entries for tests: a header with magic, version, expires-at, last access. */
final class TestEntries {

  private TestEntries() {}

  /** An entry of {@code length} bytes (at least the header) with a body derived from {@code seed}. */
  static byte[] entry(int length, long expiresAt, long seed) {
    return entry(length, expiresAt, 0, seed);
  }

  static byte[] entry(int length, long expiresAt, long lastAccess, long seed) {
    if (length < EntryLayout.HEADER_LENGTH) {
      throw new IllegalArgumentException("length below header: " + length);
    }
    byte[] bytes = new byte[length];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long x = new SplittableRandom(seed).nextLong() | 1;
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.putLong(i, x);
    }
    for (; i < length; i++) {
      bytes[i] = (byte) (x >>> (8 * (i & 7)));
    }
    b.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b.put(EntryLayout.VERSION_OFFSET, EntryLayout.VERSION);
    b.putLong(EntryLayout.EXPIRES_AT_OFFSET, expiresAt);
    b.putLong(EntryLayout.LAST_ACCESS_OFFSET, lastAccess);
    b.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, length - EntryLayout.HEADER_LENGTH);
    return bytes;
  }

  /** Whether the bytes are a well-formed test entry: header fields and body length agree. */
  static boolean wellFormed(byte[] bytes) {
    if (bytes.length < EntryLayout.HEADER_LENGTH) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    return b.getInt(EntryLayout.MAGIC_OFFSET) == EntryLayout.MAGIC
        && b.get(EntryLayout.VERSION_OFFSET) == EntryLayout.VERSION
        && b.getInt(EntryLayout.STORED_BODY_LENGTH_OFFSET) == bytes.length - EntryLayout.HEADER_LENGTH;
  }

  static long expiresAt(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(EntryLayout.EXPIRES_AT_OFFSET);
  }

  static String describe(byte[] bytes) {
    return bytes == null ? "null" : bytes.length + " bytes " + Arrays.hashCode(bytes);
  }
}
