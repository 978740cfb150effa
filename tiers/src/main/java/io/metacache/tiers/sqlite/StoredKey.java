package io.metacache.tiers.sqlite;

import io.metacache.spi.Keys;

/**
 * A 128-bit cache key as found by {@link SqliteTier#query}.
 *
 * @param high high 64 bits
 * @param low low 64 bits
 */
public record StoredKey(long high, long low) {

  /** 32 lowercase hex digits, high half first. */
  public String hex() {
    return Keys.hex(high, low);
  }

  /** The key column's form: 16 bytes, high half first, each half big-endian. */
  static byte[] toBlob(long high, long low) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (high >>> (56 - 8 * i));
      b[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return b;
  }

  /** Reads the key column's form. */
  static StoredKey fromBlob(byte[] b) {
    if (b == null || b.length != 16) {
      throw new IllegalArgumentException("a key is 16 bytes, got " + (b == null ? "null" : b.length));
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (b[i] & 0xFF);
      low = (low << 8) | (b[8 + i] & 0xFF);
    }
    return new StoredKey(high, low);
  }
}
