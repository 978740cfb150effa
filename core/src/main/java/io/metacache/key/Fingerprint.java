package io.metacache.key;

/**
 * A 128-bit file fingerprint made by {@link Fingerprinter}.
 *
 * <p>The top bit of {@link #high()} is the domain: clear for a whole-content hash, set for a
 * sampled one. A small file and a large file therefore never share a fingerprint by construction,
 * at the price of one of the 128 bits. For a whole-content fingerprint the remaining 127 bits are
 * the standard XXH3-128 (seed 0) of the file's bytes, so other tools can reproduce it.
 *
 * @param high the high 64 bits (top bit: sampled)
 * @param low the low 64 bits
 */
public record Fingerprint(long high, long low) {

  /** Returns whether this fingerprint was sampled (size, mtime, chunks) rather than whole-content. */
  public boolean sampled() {
    return high < 0;
  }

  /** Returns 32 lowercase hex digits, high half first. */
  public String toHex() {
    return Hex.of(high, low);
  }

  /** Parses {@link #toHex()} output (either case); throws {@link IllegalArgumentException} otherwise. */
  public static Fingerprint fromHex(CharSequence hex) {
    Hex.checkLength(hex, "fingerprint");
    return new Fingerprint(Hex.parse(hex, 0, "fingerprint"), Hex.parse(hex, 16, "fingerprint"));
  }

  /** Returns {@link #toHex()}. */
  @Override
  public String toString() {
    return toHex();
  }
}
