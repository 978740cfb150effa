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

  /**
   * An entry that names its key in the fingerprint fields and carries a CRC-32 of its body in the
   * body checksum field (the real codec uses XXH3; any checksum serves a test), so a reader can
   * tell a whole entry for the right key from a torn or misplaced one.
   */
  static byte[] entryForKey(long keyHigh, long keyLow, int length, long expiresAt, long seed) {
    byte[] bytes = entry(length, expiresAt, seed);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(EntryLayout.FINGERPRINT_HIGH_OFFSET, keyHigh);
    b.putLong(EntryLayout.FINGERPRINT_LOW_OFFSET, keyLow);
    b.putInt(EntryLayout.BODY_CHECKSUM_OFFSET, bodyCrc(bytes));
    return bytes;
  }

  /** Whether the bytes are a whole {@link #entryForKey} entry for this key. */
  static boolean intactFor(byte[] bytes, long keyHigh, long keyLow) {
    if (!wellFormed(bytes)) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    return b.getLong(EntryLayout.FINGERPRINT_HIGH_OFFSET) == keyHigh
        && b.getLong(EntryLayout.FINGERPRINT_LOW_OFFSET) == keyLow
        && b.getInt(EntryLayout.BODY_CHECKSUM_OFFSET) == bodyCrc(bytes);
  }

  private static int bodyCrc(byte[] bytes) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes, EntryLayout.HEADER_LENGTH, bytes.length - EntryLayout.HEADER_LENGTH);
    return (int) crc.getValue();
  }

  /** Whether the bytes are a well-formed test entry: header fields and body length agree. */
  static boolean wellFormed(byte[] bytes) {
    if (bytes == null || bytes.length < EntryLayout.HEADER_LENGTH) {
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
