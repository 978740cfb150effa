package io.metacache.writebehind;

/**
 * Write versions. A write published to ring sequence {@code s} has version {@code 2(s+1)}; a
 * write-through made while the highest claimed sequence is {@code c} has version
 * {@code 2(c+1)+1}: newer than every write already in the ring, older than every write claimed
 * after it. So one number orders ring writes and write-throughs to the same key, and a watermark
 * {@code 2(s+1)+1} covers "ring sequence {@code s} and every write-through made beside it".
 */
final class Versions {
  private Versions() {}

  /** Version of the write at ring sequence {@code sequence}. */
  static long ofRing(long sequence) {
    return 2 * (sequence + 1);
  }

  /** Version of a write-through made while {@code cursor} is the highest claimed sequence. */
  static long ofWriteThrough(long cursor) {
    return 2 * (cursor + 1) + 1;
  }

  /** The watermark covering ring sequence {@code sequence} and the write-throughs beside it. */
  static long through(long sequence) {
    return 2 * (sequence + 1) + 1;
  }
}
