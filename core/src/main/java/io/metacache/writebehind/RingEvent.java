package io.metacache.writebehind;

/**
 * A mutable ring slot. Producers fill it between claim and publish; the batcher copies the fields
 * into an {@link Op} and clears the value so the ring never pins an entry.
 */
final class RingEvent {
  long keyHigh;
  long keyLow;
  boolean delete;
  byte[] value;
  long expiresAtMillis;
  long version;

  void set(long keyHigh, long keyLow, boolean delete, byte[] value, long expiresAtMillis, long version) {
    this.keyHigh = keyHigh;
    this.keyLow = keyLow;
    this.delete = delete;
    this.value = value;
    this.expiresAtMillis = expiresAtMillis;
    this.version = version;
  }
}
