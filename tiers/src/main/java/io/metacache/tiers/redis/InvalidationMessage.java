package io.metacache.tiers.redis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The binary pub/sub message that carries invalidated keys between processes
 * ({@code docs/redis-format.md}). All integers are big-endian:
 *
 * <pre>
 * offset  width  field
 *      0      1  version        u8, 1
 *      1     16  origin         random id of the publishing tier instance
 *     17      4  count          u32, 1 .. MAX_KEYS
 *     21  16*n   keys           count x (keyHigh u64, keyLow u64)
 * </pre>
 */
final class InvalidationMessage {
  static final byte VERSION = 1;
  static final int VERSION_OFFSET = 0;
  static final int ORIGIN_OFFSET = 1;
  static final int ORIGIN_LENGTH = 16;
  static final int COUNT_OFFSET = ORIGIN_OFFSET + ORIGIN_LENGTH;
  static final int KEYS_OFFSET = COUNT_OFFSET + 4;
  static final int KEY_LENGTH = 16;
  /** Keys per message; larger invalidations are split so one message stays under 64 KiB. */
  static final int MAX_KEYS = 4096;

  private InvalidationMessage() {}

  /** Encodes {@code count} keys starting at {@code from}; {@code count} must be 1 to {@link #MAX_KEYS}. */
  static byte[] encode(byte[] origin, long[] keyHighs, long[] keyLows, int from, int count) {
    if (origin.length != ORIGIN_LENGTH || count < 1 || count > MAX_KEYS) {
      throw new IllegalArgumentException("origin of 16 bytes and 1.." + MAX_KEYS + " keys expected");
    }
    ByteBuffer out = ByteBuffer.allocate(KEYS_OFFSET + count * KEY_LENGTH).order(ByteOrder.BIG_ENDIAN);
    out.put(VERSION).put(origin).putInt(count);
    for (int i = from; i < from + count; i++) {
      out.putLong(keyHighs[i]).putLong(keyLows[i]);
    }
    return out.array();
  }

  /** Whether the message was published by the tier instance with this origin id. */
  static boolean isFrom(byte[] message, byte[] origin) {
    return message.length >= KEYS_OFFSET
        && Arrays.equals(message, ORIGIN_OFFSET, ORIGIN_OFFSET + ORIGIN_LENGTH, origin, 0, ORIGIN_LENGTH);
  }

  /**
   * The number of keys in a well-formed message, or -1 if the message is malformed (unknown
   * version, wrong length): such a message is ignored as a whole.
   */
  static int count(byte[] message) {
    if (message.length < KEYS_OFFSET || message[VERSION_OFFSET] != VERSION) {
      return -1;
    }
    int count = ByteBuffer.wrap(message, COUNT_OFFSET, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    if (count < 1 || count > MAX_KEYS || message.length != KEYS_OFFSET + count * KEY_LENGTH) {
      return -1;
    }
    return count;
  }

  /** The high half of the {@code i}-th key of a well-formed message. */
  static long keyHigh(byte[] message, int i) {
    return readLong(message, KEYS_OFFSET + i * KEY_LENGTH);
  }

  /** The low half of the {@code i}-th key of a well-formed message. */
  static long keyLow(byte[] message, int i) {
    return readLong(message, KEYS_OFFSET + i * KEY_LENGTH + 8);
  }

  private static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFFL);
    }
    return v;
  }
}
