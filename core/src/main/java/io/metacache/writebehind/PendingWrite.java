package io.metacache.writebehind;

import io.metacache.spi.TierOperation;

/**
 * The newest write to a key that some lower tier has not settled yet. A reader answers from it
 * instead of a lower tier: a put's value is the current entry, a delete means a miss.
 *
 * @param kind put or delete (a tombstone)
 * @param value the encoded entry of a put, {@code null} for a delete; shared, never modify it
 * @param expiresAtMillis expiry of a put in epoch milliseconds, 0 = never
 * @param sequence orders writes to one key: a higher sequence is a newer write
 */
public record PendingWrite(TierOperation.Kind kind, byte[] value, long expiresAtMillis, long sequence) {

  /** True for a delete: the key has no entry, whatever the lower tiers still hold. */
  public boolean isDelete() {
    return kind == TierOperation.Kind.DELETE;
  }
}
