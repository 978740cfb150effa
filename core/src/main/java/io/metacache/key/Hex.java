package io.metacache.key;

import java.util.HexFormat;

/** Fixed-width hex for 128-bit values: 32 lowercase digits, high half first. */
final class Hex {
  static final int LENGTH = 32;
  private static final HexFormat FORMAT = HexFormat.of();

  private Hex() {}

  static String of(long high, long low) {
    return FORMAT.toHexDigits(high) + FORMAT.toHexDigits(low);
  }

  /** Parses 16 hex digits starting at {@code from}; {@code what} names the value in errors. */
  static long parse(CharSequence hex, int from, String what) {
    long value = 0;
    for (int i = from; i < from + 16; i++) {
      char c = hex.charAt(i);
      int digit = Character.digit(c, 16);
      // Character.digit accepts non-ASCII digits (e.g. fullwidth); only [0-9a-fA-F] is hex here.
      if (digit < 0 || c > 'f') {
        throw new IllegalArgumentException(
            what + " \"" + hex + "\" has a non-hex character '" + c + "' at index " + i
                + "; expected " + LENGTH + " hex digits");
      }
      value = (value << 4) | digit;
    }
    return value;
  }

  static void checkLength(CharSequence hex, String what) {
    if (hex == null) {
      throw new NullPointerException(what + " hex must not be null");
    }
    if (hex.length() != LENGTH) {
      throw new IllegalArgumentException(
          what + " \"" + hex + "\" has " + hex.length() + " characters; expected " + LENGTH
              + " hex digits");
    }
  }
}
