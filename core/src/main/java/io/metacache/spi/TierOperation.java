package io.metacache.spi;

import java.util.Objects;

/**
 * One write to a tier: store an encoded entry, or delete a key. The value array belongs to the
 * operation once built: neither side modifies it afterwards.
 *
 * @param kind put or delete
 * @param keyHigh high 64 bits of the key
 * @param keyLow low 64 bits of the key
 * @param value encoded entry for a put, {@code null} for a delete
 * @param expiresAtMillis expiry in epoch milliseconds for a put, 0 = never; ignored for a delete
 */
public record TierOperation(Kind kind, long keyHigh, long keyLow, byte[] value, long expiresAtMillis) {

  /** What an operation does. */
  public enum Kind { PUT, DELETE }

  /** Validates the operation's shape. */
  public TierOperation {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.PUT && value == null) {
      throw new IllegalArgumentException("a PUT needs a value");
    }
    if (kind == Kind.DELETE && value != null) {
      throw new IllegalArgumentException("a DELETE has no value");
    }
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException("expiresAtMillis: expected 0 (never) or a positive epoch millisecond, got " + expiresAtMillis);
    }
  }

  /** Stores {@code value} under the key. */
  public static TierOperation put(long keyHigh, long keyLow, byte[] value, long expiresAtMillis) {
    return new TierOperation(Kind.PUT, keyHigh, keyLow, value, expiresAtMillis);
  }

  /** Deletes the key. */
  public static TierOperation delete(long keyHigh, long keyLow) {
    return new TierOperation(Kind.DELETE, keyHigh, keyLow, null, 0);
  }

  /** 32 lowercase hex digits of the key, high half first: the form tiers use in names. */
  public String keyHex() {
    return Keys.hex(keyHigh, keyLow);
  }
}
