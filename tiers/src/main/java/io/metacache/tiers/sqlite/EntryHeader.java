package io.metacache.tiers.sqlite;

import io.metacache.codec.EntryLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the header fields the tier copies into columns (fingerprint, file size, mtime, cached-at)
 * at the little-endian offsets of {@link EntryLayout}. Values are opaque to the tier: a value too
 * short or without the magic number simply gets {@code NULL} columns, and validating entries is
 * left to the caller that decodes them.
 */
final class EntryHeader {
  private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private EntryHeader() {}

  /** Whether the value starts like an encoded entry of a known layout. */
  static boolean looksLikeEntry(byte[] value) {
    return value.length >= EntryLayout.HEADER_LENGTH
        && (int) I32.get(value, EntryLayout.MAGIC_OFFSET) == EntryLayout.MAGIC
        && value[EntryLayout.VERSION_OFFSET] == EntryLayout.VERSION;
  }

  /** The fingerprint as 16 bytes, high half first, each half big-endian (like the key column). */
  static byte[] fingerprint(byte[] value) {
    return StoredKey.toBlob((long) I64.get(value, EntryLayout.FINGERPRINT_HIGH_OFFSET),
        (long) I64.get(value, EntryLayout.FINGERPRINT_LOW_OFFSET));
  }

  static long fileSize(byte[] value) {
    return (long) I64.get(value, EntryLayout.FILE_SIZE_OFFSET);
  }

  static long mtimeNanos(byte[] value) {
    return (long) I64.get(value, EntryLayout.FILE_MTIME_OFFSET);
  }

  static long cachedAtMillis(byte[] value) {
    return (long) I64.get(value, EntryLayout.CACHED_AT_OFFSET);
  }
}
