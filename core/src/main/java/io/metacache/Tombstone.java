package io.metacache;

import io.metacache.codec.EntryLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * What an invalidation leaves in a shared memory tier in place of the entry: a bare entry header
 * (no body) whose flags carry {@link #FLAG}, expiring after {@link #TTL_MILLIS}. Any process whose
 * lookup finds it answers a miss without asking the lower tiers: they may still hold the old entry
 * until the invalidating process's write-behind pipeline has deleted it there, and reading it
 * would resurrect it. Promotions only fill an absent key ({@code MemoryTier.putIfAbsent}), so a
 * promotion racing the invalidation cannot overwrite it either; a new put or extraction does. The
 * flag is bit 2 of the header's flags, which version-1 decoders reject as corrupt: only the memory
 * tier ever holds a tombstone, and only metacache's own lookup reads it there
 * ({@code docs/format.md}).
 */
final class Tombstone {
  /** The flags bit that marks a tombstone. */
  static final int FLAG = 1 << 2;
  /** How long a tombstone shields the lower tiers: far beyond a write-behind pipeline's usual lag. */
  static final long TTL_MILLIS = 60_000;

  private Tombstone() {
  }

  /** A tombstone expiring at {@code expiresAtMillis}. */
  static byte[] bytes(long nowMillis) {
    byte[] bytes = new byte[EntryLayout.HEADER_LENGTH];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b.put(EntryLayout.VERSION_OFFSET, EntryLayout.VERSION);
    b.put(EntryLayout.FLAGS_OFFSET, (byte) FLAG);
    b.putLong(EntryLayout.CACHED_AT_OFFSET, nowMillis);
    b.putLong(EntryLayout.EXPIRES_AT_OFFSET, nowMillis + TTL_MILLIS);
    b.putLong(EntryLayout.LAST_ACCESS_OFFSET, nowMillis);
    return bytes;
  }

  static boolean is(DirectBuffer buffer, int offset, int length) {
    return length >= EntryLayout.HEADER_LENGTH
        && buffer.getInt(offset + EntryLayout.MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) == EntryLayout.MAGIC
        && (buffer.getByte(offset + EntryLayout.FLAGS_OFFSET) & FLAG) != 0;
  }

  static boolean is(byte[] bytes) {
    return bytes.length >= EntryLayout.HEADER_LENGTH && (bytes[EntryLayout.FLAGS_OFFSET] & FLAG) != 0
        && is(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
  }
}
