package io.metacache.memory;

import io.metacache.codec.EntryLayout;
import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.RandomDataInput;
import org.agrona.DirectBuffer;

/**
 * The only header fields the memory tier reads from an encoded entry ({@link EntryLayout}):
 * magic, expires-at and last access. The tier stores entries as opaque bytes; a value that is too
 * short for the header or lacks the magic never expires and has no access time.
 */
final class EntryHeader {

  private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
  private static final int MIN_LENGTH_FOR_EXPIRY = EntryLayout.EXPIRES_AT_OFFSET + Long.BYTES;
  private static final int MIN_LENGTH_FOR_ACCESS = EntryLayout.LAST_ACCESS_OFFSET + Long.BYTES;

  private EntryHeader() {}

  /** Expires-at in milliseconds (0 = never) of a value held in Chronicle memory. */
  static long expiresAt(RandomDataInput in, long offset, long length) {
    if (length < MIN_LENGTH_FOR_EXPIRY || littleEndian(in.readInt(offset)) != EntryLayout.MAGIC) {
      return 0;
    }
    return littleEndian(in.readLong(offset + EntryLayout.EXPIRES_AT_OFFSET));
  }

  /** Last access in milliseconds (0 = unknown) of a value held in Chronicle memory. */
  static long lastAccess(RandomDataInput in, long offset, long length) {
    if (length < MIN_LENGTH_FOR_ACCESS || littleEndian(in.readInt(offset)) != EntryLayout.MAGIC) {
      return 0;
    }
    return littleEndian(in.readLong(offset + EntryLayout.LAST_ACCESS_OFFSET));
  }

  /** Expires-at in milliseconds (0 = never) of a value in an Agrona buffer. */
  static long expiresAt(DirectBuffer buffer, int offset, int length) {
    if (length < MIN_LENGTH_FOR_EXPIRY
        || buffer.getInt(offset, java.nio.ByteOrder.LITTLE_ENDIAN) != EntryLayout.MAGIC) {
      return 0;
    }
    return buffer.getLong(offset + EntryLayout.EXPIRES_AT_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  private static int littleEndian(int nativeValue) {
    return NATIVE_LITTLE_ENDIAN ? nativeValue : Integer.reverseBytes(nativeValue);
  }

  private static long littleEndian(long nativeValue) {
    return NATIVE_LITTLE_ENDIAN ? nativeValue : Long.reverseBytes(nativeValue);
  }
}
