package io.metacache.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helper: builds and reseals raw entry bytes so corrupt-input tests get past checksums. */
final class EntryBytes {
  private EntryBytes() {}

  /** An entry with the given flags, lengths, dictionary id and stored body; checksums valid. */
  static byte[] entry(int flags, int rawLength, int storedLength, int dictId, byte[] stored) {
    byte[] b = new byte[EntryLayout.HEADER_LENGTH + stored.length];
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b[EntryLayout.VERSION_OFFSET] = EntryLayout.VERSION;
    b[EntryLayout.FLAGS_OFFSET] = (byte) flags;
    h.putLong(EntryLayout.FILE_SIZE_OFFSET, 10);
    h.putFloat(EntryLayout.COMPRESSION_RATIO_OFFSET, 1.0f);
    h.putInt(EntryLayout.DICTIONARY_ID_OFFSET, dictId);
    h.putInt(EntryLayout.RAW_BODY_LENGTH_OFFSET, rawLength);
    h.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, storedLength);
    System.arraycopy(stored, 0, b, EntryLayout.HEADER_LENGTH, stored.length);
    return reseal(b);
  }

  /** A raw (uncompressed) entry around {@code body}; checksums valid. */
  static byte[] rawEntry(byte[] body) {
    return entry(0, body.length, body.length, 0, body);
  }

  /** Recomputes the body checksum (over the bytes present) and the header checksum. */
  static byte[] reseal(byte[] b) {
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int stored = h.getInt(EntryLayout.STORED_BODY_LENGTH_OFFSET);
    int present = b.length - EntryLayout.HEADER_LENGTH;
    int n = stored >= 0 && stored <= present ? stored : present;
    h.putInt(EntryLayout.BODY_CHECKSUM_OFFSET, EntryCodec.checksum(b, EntryLayout.HEADER_LENGTH, n));
    h.putInt(EntryLayout.HEADER_CHECKSUM_OFFSET,
        EntryCodec.checksum(b, 0, EntryLayout.HEADER_CHECKSUM_COVERAGE));
    return b;
  }

  static int flags(byte[] entry) {
    return entry[EntryLayout.FLAGS_OFFSET] & 0xFF;
  }

  static int intAt(byte[] entry, int offset) {
    return ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
  }

  static float ratio(byte[] entry) {
    return ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN)
        .getFloat(EntryLayout.COMPRESSION_RATIO_OFFSET);
  }
}
