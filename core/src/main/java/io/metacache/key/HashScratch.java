package io.metacache.key;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * Per-thread scratch space for hashing: the {@code long[2]} result, a small byte array for cache
 * keys and a direct buffer for file reads, so steady-state hashing allocates nothing.
 *
 * <p>The direct buffer grows to the largest read the thread has made (rounded up to a power of
 * two, at most the largest configured threshold) and is kept for the thread's life; it is freed
 * with the thread. Callers must not re-enter: a scratch is used by one hash at a time.
 */
final class HashScratch {
  private static final ThreadLocal<HashScratch> LOCAL = ThreadLocal.withInitial(HashScratch::new);
  private static final int MIN_DIRECT = 64 << 10;

  /** XXH3-128 output: {@code [0]} low 64 bits, {@code [1]} high 64 bits. */
  final long[] result = new long[2];
  /** Room for a fingerprint and the longest profile. */
  final byte[] bytes = new byte[16 + Profiles.MAX_LENGTH];
  /** Grows to the longest key input with a path or file name this thread has hashed. */
  private byte[] wide = new byte[512];
  private ByteBuffer direct;

  private HashScratch() {}

  static HashScratch get() {
    return LOCAL.get();
  }

  /** Returns a byte array of at least {@code capacity} bytes, kept for the thread's next keys. */
  byte[] wide(int capacity) {
    byte[] b = wide;
    if (b.length < capacity) {
      b = new byte[Math.max(capacity, b.length * 2)];
      wide = b;
    }
    return b;
  }

  /** Returns this thread's direct buffer (little-endian) with at least {@code capacity} bytes. */
  ByteBuffer direct(int capacity) {
    ByteBuffer buffer = direct;
    if (buffer == null || buffer.capacity() < capacity) {
      int size = capacity <= MIN_DIRECT ? MIN_DIRECT
          : capacity > (1 << 30) ? capacity : Integer.highestOneBit(capacity - 1) << 1;
      buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
      direct = buffer;
    }
    return buffer;
  }

  /**
   * Returns why direct buffers cannot be hashed in this JVM, or {@code null} if they can.
   * zero-allocation-hashing reads a direct buffer's address through {@code sun.nio.ch}, which
   * {@code jvm.options} exports.
   */
  static String directHashingProblem() {
    return DirectHashingCheck.PROBLEM;
  }

  private static final class DirectHashingCheck {
    static final String PROBLEM = check();

    private static String check() {
      try {
        LongTupleHashFunction.xx128().hashBytes(ByteBuffer.allocateDirect(1), new long[2]);
        return null;
      } catch (IllegalAccessError e) {
        return "hashing direct buffers needs --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
            + " (run the JVM with @jvm.options): " + e.getMessage();
      }
    }
  }
}
