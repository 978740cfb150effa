package io.metacache.tiers.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.hashing.LongHashFunction;

/**
 * The fixed header at the start of every entry file, and its layout. All fields little-endian;
 * the value follows the header directly and the file ends with it. Specified in
 * {@code docs/disk-format.md}.
 *
 * <pre>
 *  offset width field
 *   0     4    magic            'M' 'C' 'D' 'F' (0x4D 0x43 0x44 0x46 in file order)
 *   4     2    version          u16, 1
 *   6     2    header length    u16, 56 for version 1
 *   8     8    key high         i64, must match the file name
 *  16     8    key low          i64, must match the file name
 *  24     8    expires at       i64 epoch milliseconds, 0 = never
 *  32     4    value length     i32, 0 .. 2^31 - 65; file length = 56 + value length
 *  36     4    reserved         0
 *  40     8    value checksum   XXH3-64 (seed 0) of the value bytes
 *  48     8    header checksum  XXH3-64 (seed 0) of bytes 0 .. 47
 *  56     n    value
 * </pre>
 *
 * @param keyHigh high 64 bits of the key
 * @param keyLow low 64 bits of the key
 * @param expiresAtMillis expiry in epoch milliseconds, 0 = never
 * @param valueLength length of the value that follows the header
 * @param valueChecksum XXH3-64 of the value
 */
record DiskFileHeader(long keyHigh, long keyLow, long expiresAtMillis, int valueLength, long valueChecksum) {

  /** {@code "MCDF"} read as a little-endian int. */
  static final int MAGIC = 0x4644434D;
  static final short VERSION = 1;

  static final int MAGIC_OFFSET = 0;             // i32
  static final int VERSION_OFFSET = 4;           // u16
  static final int HEADER_LENGTH_OFFSET = 6;     // u16
  static final int KEY_HIGH_OFFSET = 8;          // i64
  static final int KEY_LOW_OFFSET = 16;          // i64
  static final int EXPIRES_AT_OFFSET = 24;       // i64
  static final int VALUE_LENGTH_OFFSET = 32;     // i32
  static final int RESERVED_OFFSET = 36;         // i32
  static final int VALUE_CHECKSUM_OFFSET = 40;   // i64
  static final int HEADER_CHECKSUM_OFFSET = 48;  // i64
  static final int LENGTH = 56;

  /** The largest value a file may hold: a Java array's practical limit less the header. */
  static final int MAX_VALUE_LENGTH = Integer.MAX_VALUE - 8 - LENGTH;

  private static final LongHashFunction XXH3 = LongHashFunction.xx3();

  /** The header for {@code value} stored under the key. */
  static DiskFileHeader of(long keyHigh, long keyLow, long expiresAtMillis, byte[] value) {
    return new DiskFileHeader(keyHigh, keyLow, expiresAtMillis, value.length, checksum(value));
  }

  /** XXH3-64 of the value, as stored in the header. */
  static long checksum(byte[] value) {
    return XXH3.hashBytes(value);
  }

  /** Length of the whole file: header plus value. */
  long fileLength() {
    return LENGTH + (long) valueLength;
  }

  /** The header's bytes, ready to write (position 0, limit {@link #LENGTH}). */
  ByteBuffer encode() {
    byte[] bytes = new byte[LENGTH];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(MAGIC_OFFSET, MAGIC)
        .putShort(VERSION_OFFSET, VERSION)
        .putShort(HEADER_LENGTH_OFFSET, (short) LENGTH)
        .putLong(KEY_HIGH_OFFSET, keyHigh)
        .putLong(KEY_LOW_OFFSET, keyLow)
        .putLong(EXPIRES_AT_OFFSET, expiresAtMillis)
        .putInt(VALUE_LENGTH_OFFSET, valueLength)
        .putInt(RESERVED_OFFSET, 0)
        .putLong(VALUE_CHECKSUM_OFFSET, valueChecksum)
        .putLong(HEADER_CHECKSUM_OFFSET, XXH3.hashBytes(bytes, 0, HEADER_CHECKSUM_OFFSET));
    return buf;
  }

  /**
   * Decodes and checks a header read from the first {@link #LENGTH} bytes of a file: magic,
   * version, header length, header checksum and a value length within bounds. Returns {@code null}
   * for anything else, without trusting any field first.
   */
  static DiskFileHeader decode(byte[] bytes) {
    if (bytes.length < LENGTH) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (buf.getInt(MAGIC_OFFSET) != MAGIC
        || buf.getShort(VERSION_OFFSET) != VERSION
        || buf.getShort(HEADER_LENGTH_OFFSET) != LENGTH
        || buf.getLong(HEADER_CHECKSUM_OFFSET) != XXH3.hashBytes(bytes, 0, HEADER_CHECKSUM_OFFSET)) {
      return null;
    }
    int valueLength = buf.getInt(VALUE_LENGTH_OFFSET);
    long expiresAt = buf.getLong(EXPIRES_AT_OFFSET);
    if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH || expiresAt < 0) {
      return null;
    }
    return new DiskFileHeader(buf.getLong(KEY_HIGH_OFFSET), buf.getLong(KEY_LOW_OFFSET), expiresAt,
        valueLength, buf.getLong(VALUE_CHECKSUM_OFFSET));
  }

  /** Whether the entry has expired at {@code nowMillis}. */
  boolean expiredAt(long nowMillis) {
    return expiresAtMillis != 0 && expiresAtMillis <= nowMillis;
  }
}
